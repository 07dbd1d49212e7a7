package io.stagecoach.functions.slack;

import io.stagecoach.domain.chat.ChatCommand;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A slash command as Slack posts it
 * (https://docs.slack.dev/interactivity/implementing-slash-commands): who typed what, where, and
 * the URL that takes delayed replies. The deprecated verification {@code token} is left out on
 * purpose: requests are authenticated by their signature ({@link SlackRequestSignature}).
 *
 * @param text what followed the command, trimmed; empty when nothing did
 */
public record SlashCommand(
    String teamId,
    Optional<String> teamDomain,
    Optional<String> enterpriseId,
    String channelId,
    Optional<String> channelName,
    String userId,
    Optional<String> userName,
    String command,
    String text,
    String responseUrl,
    String triggerId,
    Optional<String> apiAppId) {

  private static final List<String> REQUIRED =
      List.of("team_id", "channel_id", "user_id", "command", "response_url", "trigger_id");
  private static final List<String> OPTIONAL =
      List.of("team_domain", "enterprise_id", "channel_name", "user_name", "text", "api_app_id");

  /** The command in a raw form-urlencoded body, or a validation rejection naming what is wrong. */
  public static Outcome<SlashCommand> parse(String rawBody) {
    return FormFields.decode(rawBody).flatMap(SlashCommand::from);
  }

  /**
   * The command in decoded form fields. A field Slack sends once that appears twice is refused:
   * which of the two to believe would be a guess.
   */
  public static Outcome<SlashCommand> from(FormFields form) {
    List<FieldError> errors = new ArrayList<>();
    for (String name : REQUIRED) {
      if (form.all(name).isEmpty() || form.first(name).orElseThrow().isBlank()) {
        errors.add(new FieldError(name, "is required"));
      }
    }
    for (String name : concat(REQUIRED, OPTIONAL)) {
      if (form.all(name).size() > 1) {
        errors.add(new FieldError(name, "must appear once"));
      }
    }
    form.first("command")
        .filter(c -> !c.isBlank() && !c.startsWith("/"))
        .ifPresent(c -> errors.add(new FieldError("command", "must start with '/'")));
    form.first("response_url")
        .filter(u -> !u.isBlank() && !u.startsWith("https://"))
        .ifPresent(u -> errors.add(new FieldError("response_url", "must be an https:// URL")));
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    return Outcome.accepted(
        new SlashCommand(
            form.first("team_id").orElseThrow(),
            present(form, "team_domain"),
            present(form, "enterprise_id"),
            form.first("channel_id").orElseThrow(),
            present(form, "channel_name"),
            form.first("user_id").orElseThrow(),
            present(form, "user_name"),
            form.first("command").orElseThrow(),
            form.first("text").orElse("").strip(),
            form.first("response_url").orElseThrow(),
            form.first("trigger_id").orElseThrow(),
            present(form, "api_app_id")));
  }

  /** What the text asks Stagecoach to do. */
  public ChatCommand chatCommand() {
    return ChatCommand.parse(text);
  }

  private static Optional<String> present(FormFields form, String name) {
    return form.first(name).filter(v -> !v.isEmpty());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
