package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.Json;

/**
 * What Stagecoach answers a command with: plain text (escaped for Slack where it quotes input),
 * seen only by the person who typed the command, or by the whole channel when it reports something
 * done there
 * (https://docs.slack.dev/interactivity/implementing-slash-commands#responding_to_commands); {@code
 * change} is what it changed, for the audit log only.
 */
public record SlackReply(
    String text, boolean toChannel, java.util.Optional<String> refusal, AuditNote change) {

  public SlackReply {
    java.util.Objects.requireNonNull(change, "change");
  }

  public SlackReply(String text, boolean toChannel, java.util.Optional<String> refusal) {
    this(text, toChannel, refusal, AuditNote.NONE);
  }

  public static SlackReply toPerson(String text) {
    return new SlackReply(text, false, java.util.Optional.empty());
  }

  public static SlackReply toChannel(String text) {
    return new SlackReply(text, true, java.util.Optional.empty());
  }

  /** A refusal, to the person who asked, with the API's stable code (for the audit log). */
  public static SlackReply refused(String text, String code) {
    return new SlackReply(text, false, java.util.Optional.of(code));
  }

  /**
   * This reply, noting for the audit log what the command changed (before and after, from what the
   * core returned); never shown in Slack.
   */
  public SlackReply changed(AuditNote note) {
    return new SlackReply(text, toChannel, refusal, note);
  }

  /** The body of the command's HTTP answer. */
  public ObjectNode message() {
    return Json.object()
        .put("response_type", toChannel ? "in_channel" : "ephemeral")
        .put("text", text);
  }

  /**
   * The body to post to a response URL: a new message, never replacing the one clicked or typed.
   */
  public ObjectNode followUp() {
    return message().put("replace_original", false);
  }
}
