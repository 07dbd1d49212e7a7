package io.stagecoach.domain.chat;

import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.RegistryService;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The syntax of each {@link ChatCommand}: how its words become a command. */
final class ChatCommandSyntax {

  static final String ENVS = "/stagecoach envs APP";
  static final String STATUS = "/stagecoach status APP";
  static final String DEPLOY = "/stagecoach deploy APP VERSION to ENV";
  static final String PROMOTE = "/stagecoach promote APP VERSION [to ENV]";
  static final String WHY = "/stagecoach why APP VERSION [to ENV]";
  static final String APPROVE = "/stagecoach approve APPROVAL-ID [COMMENT]";
  static final String REJECT = "/stagecoach reject APPROVAL-ID [COMMENT]";
  static final String ROLLBACK = "/stagecoach rollback APP ENV";
  static final String FREEZE = "/stagecoach freeze APP ENV [REASON]";
  static final String UNFREEZE = "/stagecoach unfreeze APP ENV";
  static final String DIFF = "/stagecoach diff APP ENV VERSION";
  static final String EXTEND = "/stagecoach extend APP ENV DURATION";
  static final String DRIFT = "/stagecoach drift APP ENV";

  static final String HELP =
      String.join(
          "\n",
          "Stagecoach commands:",
          ENVS + "  (list the environments of an app)",
          STATUS + "  (which version runs in each stage)",
          DEPLOY + "  (deploy a release to an environment)",
          PROMOTE + "  (promote a release to the next stage, or to ENV)",
          WHY + "  (could it be promoted there now, and if not, why)",
          APPROVE + "  (approve a pending promotion)",
          REJECT + "  (reject a pending promotion)",
          ROLLBACK + "  (redeploy the version ENV ran before)",
          FREEZE + "  (stop deployments to an environment)",
          UNFREEZE + "  (allow deployments again)",
          DIFF + "  (what changes if VERSION replaces what ENV runs)",
          EXTEND + "  (keep an ephemeral environment longer: 30m, 12h, 3d)",
          DRIFT + "  (check now whether ENV still matches its last deployment)",
          "/stagecoach help  (this list)");

  private static final Pattern DURATION =
      Pattern.compile("([0-9]{1,5})([mhd])", Pattern.CASE_INSENSITIVE);

  private ChatCommandSyntax() {}

  static ChatCommand envs(String text) {
    String[] w = words(text);
    if (w.length != 2) {
      return new ChatCommand.Invalid("envs needs an app.", ENVS);
    }
    return appProblem(w[1], ENVS).orElseGet(() -> new ChatCommand.Envs(w[1]));
  }

  static ChatCommand status(String text) {
    String[] w = words(text);
    if (w.length != 2) {
      return new ChatCommand.Invalid("status needs an app.", STATUS);
    }
    return appProblem(w[1], STATUS).orElseGet(() -> new ChatCommand.Status(w[1]));
  }

  static ChatCommand deploy(String text) {
    String[] w = words(text);
    if (w.length != 5 || !w[3].equalsIgnoreCase("to")) {
      return new ChatCommand.Invalid(
          "deploy needs an app, a version and a target environment.", DEPLOY);
    }
    return appProblem(w[1], DEPLOY)
        .or(() -> versionProblem(w[2], DEPLOY))
        .or(() -> environmentProblem(w[4], DEPLOY))
        .orElseGet(() -> new ChatCommand.Deploy(w[1], w[4], w[2]));
  }

  static ChatCommand promote(String text) {
    String[] w = words(text);
    boolean toStage = w.length == 5 && w[3].equalsIgnoreCase("to");
    if (w.length != 3 && !toStage) {
      return new ChatCommand.Invalid(
          "promote needs an app and a version, and optionally a target: to ENV.", PROMOTE);
    }
    Optional<String> to = toStage ? Optional.of(w[4]) : Optional.empty();
    return appProblem(w[1], PROMOTE)
        .or(() -> versionProblem(w[2], PROMOTE))
        .or(() -> to.flatMap(env -> environmentProblem(env, PROMOTE)))
        .orElseGet(() -> new ChatCommand.Promote(w[1], w[2], to));
  }

  static ChatCommand why(String text) {
    String[] w = words(text);
    boolean toStage = w.length == 5 && w[3].equalsIgnoreCase("to");
    if (w.length != 3 && !toStage) {
      return new ChatCommand.Invalid(
          "why needs an app and a version, and optionally a stage: to ENV.", WHY);
    }
    Optional<String> to = toStage ? Optional.of(w[4]) : Optional.empty();
    return appProblem(w[1], WHY)
        .or(() -> versionProblem(w[2], WHY))
        .or(() -> to.flatMap(env -> environmentProblem(env, WHY)))
        .orElseGet(() -> new ChatCommand.Why(w[1], w[2], to));
  }

  static ChatCommand decision(String text, boolean approve) {
    String usage = approve ? APPROVE : REJECT;
    String[] w = words(text, 3);
    String verb = approve ? "approve" : "reject";
    if (w.length < 2) {
      return new ChatCommand.Invalid(
          verb + " needs the id of the approval (it is in the approval request).", usage);
    }
    if (Naming.approvalIdProblem(w[1]).isPresent()) {
      return new ChatCommand.Invalid("'" + clip(w[1]) + "' is not an approval id.", usage);
    }
    Optional<String> comment = w.length == 3 ? Optional.of(unescape(w[2])) : Optional.empty();
    if (comment.filter(c -> c.length() > ChatCommand.MAX_COMMENT).isPresent()) {
      return new ChatCommand.Invalid(
          "a comment must be at most " + ChatCommand.MAX_COMMENT + " characters.", usage);
    }
    return approve ? new ChatCommand.Approve(w[1], comment) : new ChatCommand.Reject(w[1], comment);
  }

  static ChatCommand rollback(String text) {
    String[] w = words(text);
    if (w.length != 3) {
      return new ChatCommand.Invalid("rollback needs an app and an environment.", ROLLBACK);
    }
    return appAndEnvironmentProblem(w, ROLLBACK)
        .orElseGet(() -> new ChatCommand.Rollback(w[1], w[2]));
  }

  static ChatCommand freeze(String text) {
    String[] w = words(text, 4);
    if (w.length < 3) {
      return new ChatCommand.Invalid("freeze needs an app and an environment.", FREEZE);
    }
    Optional<String> reason = w.length == 4 ? Optional.of(unescape(w[3])) : Optional.empty();
    if (reason.filter(r -> r.length() > ChatCommand.MAX_COMMENT).isPresent()) {
      return new ChatCommand.Invalid(
          "a reason must be at most " + ChatCommand.MAX_COMMENT + " characters.", FREEZE);
    }
    return appAndEnvironmentProblem(w, FREEZE)
        .orElseGet(() -> new ChatCommand.Freeze(w[1], w[2], reason));
  }

  static ChatCommand unfreeze(String text) {
    String[] w = words(text);
    if (w.length != 3) {
      return new ChatCommand.Invalid("unfreeze needs an app and an environment.", UNFREEZE);
    }
    return appAndEnvironmentProblem(w, UNFREEZE)
        .orElseGet(() -> new ChatCommand.Unfreeze(w[1], w[2]));
  }

  static ChatCommand drift(String text) {
    String[] w = words(text);
    if (w.length != 3) {
      return new ChatCommand.Invalid("drift needs an app and an environment.", DRIFT);
    }
    return appAndEnvironmentProblem(w, DRIFT).orElseGet(() -> new ChatCommand.Drift(w[1], w[2]));
  }

  static ChatCommand diff(String text) {
    String[] w = words(text);
    if (w.length != 4) {
      return new ChatCommand.Invalid("diff needs an app, an environment and a version.", DIFF);
    }
    return appAndEnvironmentProblem(w, DIFF)
        .or(() -> versionProblem(w[3], DIFF))
        .orElseGet(() -> new ChatCommand.Diff(w[1], w[2], w[3]));
  }

  static ChatCommand extend(String text) {
    String[] w = words(text);
    if (w.length != 4) {
      return new ChatCommand.Invalid("extend needs an app, an environment and a duration.", EXTEND);
    }
    Optional<ChatCommand> problem = appAndEnvironmentProblem(w, EXTEND);
    if (problem.isPresent()) {
      return problem.get();
    }
    Matcher m = DURATION.matcher(w[3]);
    if (!m.matches()) {
      return new ChatCommand.Invalid(
          "'"
              + clip(w[3])
              + "' is not a duration: write minutes, hours or days, such as 30m, 12h or 3d.",
          EXTEND);
    }
    long amount = Long.parseLong(m.group(1));
    Duration by =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    if (by.isZero()) {
      return new ChatCommand.Invalid("the duration must be more than zero.", EXTEND);
    }
    if (by.compareTo(RegistryService.MAX_EPHEMERAL_LIFETIME) > 0) {
      return new ChatCommand.Invalid(
          "an environment can be extended by at most "
              + RegistryService.MAX_EPHEMERAL_LIFETIME.toDays()
              + " days.",
          EXTEND);
    }
    return new ChatCommand.Extend(w[1], w[2], by);
  }

  private static String[] words(String text) {
    return text.split("\\s+");
  }

  /**
   * The words of {@code text}; past {@code limit} - 1 words, the rest is one last word, spacing
   * kept.
   */
  private static String[] words(String text, int limit) {
    return text.split("\\s+", limit);
  }

  private static Optional<ChatCommand> appAndEnvironmentProblem(String[] w, String usage) {
    return appProblem(w[1], usage).or(() -> environmentProblem(w[2], usage));
  }

  private static Optional<ChatCommand> appProblem(String app, String usage) {
    return Naming.appNameProblem(app)
        .map(
            p ->
                new ChatCommand.Invalid(
                    "'" + clip(app) + "' is not an app name: it " + p + ".", usage));
  }

  private static Optional<ChatCommand> environmentProblem(String env, String usage) {
    return Naming.environmentNameProblem(env)
        .map(
            p ->
                new ChatCommand.Invalid(
                    "'" + clip(env) + "' is not an environment name: it " + p + ".", usage));
  }

  private static Optional<ChatCommand> versionProblem(String version, String usage) {
    return Identifier.RELEASE_VERSION.accepts(version)
        ? Optional.empty()
        : Optional.of(
            new ChatCommand.Invalid(
                "'"
                    + clip(version)
                    + "' is not a version: versions are letters, digits and"
                    + " ._+- starting with a letter or digit.",
                usage));
  }

  /** {@code word} shortened for a reply, without the characters Slack treats as markup. */
  static String clip(String word) {
    String plain = word.replaceAll("[&<>]", "");
    return plain.length() <= 40 ? plain : plain.substring(0, 40) + "…";
  }

  /** Slack sends {@code &}, {@code <} and {@code >} in command text as HTML entities. */
  private static String unescape(String text) {
    return text.strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }
}
