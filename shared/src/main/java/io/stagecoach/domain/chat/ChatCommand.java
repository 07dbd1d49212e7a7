package io.stagecoach.domain.chat;

import io.stagecoach.domain.access.Action;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What a person asks Stagecoach to do from chat: the text after {@code /stagecoach}, parsed. Text
 * that is not a command becomes {@link Unknown}, a command with wrong arguments {@link Invalid};
 * both are answered with {@link #helpText()} rather than refused silently.
 *
 * <p>Texts are plain (no Slack markup) and never contain {@code &}, {@code <} or {@code >}, so they
 * can be sent as Slack text without escaping.
 */
public sealed interface ChatCommand {

  int MAX_COMMENT = 500;

  /**
   * The action this command asks for, as the API route doing the same names it; empty for help and
   * mistakes, which anyone may see.
   */
  default Optional<Action> action() {
    return Optional.ofNullable(
        switch (this) {
          case Help h -> null;
          case Unknown u -> null;
          case Invalid i -> null;
          case Envs e -> Action.READ;
          case Status s -> Action.READ;
          case Why w -> Action.READ;
          case Diff d -> Action.READ;
          case Approve a -> Action.DECIDE_APPROVAL;
          case Reject r -> Action.DECIDE_APPROVAL;
          case Deploy d -> Action.DEPLOY;
          case Promote p -> Action.PROMOTE;
          case Rollback r -> Action.ROLLBACK;
          case Freeze f -> Action.FREEZE;
          case Unfreeze u -> Action.FREEZE;
          case Extend e -> Action.MANAGE_ENVIRONMENTS;
          case Drift d -> Action.CHECK_DRIFT;
        });
  }

  record Help() implements ChatCommand {}

  record Envs(String app) implements ChatCommand {}

  record Status(String app) implements ChatCommand {}

  record Deploy(String app, String environment, String version) implements ChatCommand {}

  /** Whether {@code version} could be promoted to {@code to} (default: the last stage) now. */
  record Why(String app, String version, Optional<String> to) implements ChatCommand {}

  /** {@code to} empty: the stage after the one the version is in. */
  record Promote(String app, String version, Optional<String> to) implements ChatCommand {}

  record Approve(String approvalId, Optional<String> comment) implements ChatCommand {}

  record Reject(String approvalId, Optional<String> comment) implements ChatCommand {}

  record Rollback(String app, String environment) implements ChatCommand {}

  record Freeze(String app, String environment, Optional<String> reason) implements ChatCommand {}

  record Unfreeze(String app, String environment) implements ChatCommand {}

  record Diff(String app, String environment, String version) implements ChatCommand {}

  record Extend(String app, String environment, Duration by) implements ChatCommand {}

  /** Check the environment for drift now; the answer comes to the app's channel. */
  record Drift(String app, String environment) implements ChatCommand {}

  /** The first word is no command. */
  record Unknown(String text) implements ChatCommand {

    public String replyText() {
      return "Stagecoach has no command '"
          + ChatCommandSyntax.clip(text.strip().split("\\s+")[0])
          + "'.\n\n"
          + helpText();
    }
  }

  /** A known command with missing or wrong arguments; {@code usage} is its syntax line. */
  record Invalid(String message, String usage) implements ChatCommand {

    public String replyText() {
      return message + "\nUsage: " + usage + "\n(/stagecoach help lists every command.)";
    }
  }

  /** The help text: every command with its syntax, one per line. */
  static String helpText() {
    return ChatCommandSyntax.HELP;
  }

  /** The command {@code text} (what follows {@code /stagecoach}) asks for. */
  static ChatCommand parse(String text) {
    String stripped = text == null ? "" : text.strip();
    if (stripped.isEmpty()) {
      return new Help();
    }
    String verb = stripped.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    return switch (verb) {
      case "help" -> new Help();
      case "envs" -> ChatCommandSyntax.envs(stripped);
      case "status" -> ChatCommandSyntax.status(stripped);
      case "deploy" -> ChatCommandSyntax.deploy(stripped);
      case "promote" -> ChatCommandSyntax.promote(stripped);
      case "why" -> ChatCommandSyntax.why(stripped);
      case "approve" -> ChatCommandSyntax.decision(stripped, true);
      case "reject" -> ChatCommandSyntax.decision(stripped, false);
      case "rollback" -> ChatCommandSyntax.rollback(stripped);
      case "freeze" -> ChatCommandSyntax.freeze(stripped);
      case "unfreeze" -> ChatCommandSyntax.unfreeze(stripped);
      case "diff" -> ChatCommandSyntax.diff(stripped);
      case "extend" -> ChatCommandSyntax.extend(stripped);
      case "drift" -> ChatCommandSyntax.drift(stripped);
      default -> new Unknown(stripped);
    };
  }
}
