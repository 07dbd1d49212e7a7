package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.Follow;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach deployments}: one deployment, and what the commands that start one ({@code
 * deploy}, {@code rollback}, {@code envs delete}) share: printing it and following it with {@code
 * --wait}.
 */
@Command(
    name = "deployments",
    description = "Deployments: what deploy, rollback and destroy start.",
    subcommands = {DeploymentsCommand.GetDeployment.class})
final class DeploymentsCommand extends CommandGroup {

  static final Set<String> SUCCEEDED = Set.of("succeeded");
  static final Set<String> FAILED = Set.of("failed", "superseded");

  static ApiPath path(String app, String id) {
    return ApiPath.of("v1", "apps", app, "deployments", id);
  }

  static void print(JsonNode d, Session s) {
    new Details()
        .add("deployment", JsonText.text(d, "id"))
        .add(
            "environment",
            JsonText.text(d, "app")
                + "/"
                + JsonText.text(d, "environment")
                + " ("
                + JsonText.text(d, "tier")
                + ")")
        .add("action", JsonText.text(d, "action"))
        .add("version", JsonText.text(d, "version"))
        .add("template", ReleasesCommand.revision(d))
        .add("status", JsonText.text(d, "status"))
        .add("reason", JsonText.text(d, "reason"))
        .add("plan", d.has("plan") ? planSummary(d.path("plan").path("summary")) : "")
        .add("blast radius", PlanText.blastRadius(d.path("plan")))
        .add("cost", PlanText.cost(d.path("plan")))
        .add("outputs", JsonText.map(d.path("outputs")))
        .add("origin", JsonText.text(d, "origin"))
        .add("overrides", overrides(d))
        .add("requested", s.when(d, "requestedAt", "requestedBy"))
        .add("finished", s.time(d, "finishedAt"))
        .add("duration", d.has("durationMillis") ? seconds(d.path("durationMillis").asLong()) : "")
        .print(s.out());
  }

  /**
   * The gates it went past, one per line: {@code freeze (policy): rollback during a freeze, ...}.
   */
  static java.util.List<String> overrides(JsonNode d) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    d.path("overrides")
        .forEach(
            o ->
                lines.add(
                    JsonText.text(o, "gate")
                        + " ("
                        + JsonText.text(o, "basis")
                        + "): "
                        + JsonText.text(o, "detail")));
    return lines;
  }

  /** {@code 2 to add, 1 to change, 1 to replace, 0 to remove} ({@link PlanText#summary}). */
  static String planSummary(JsonNode summary) {
    return PlanText.summary(summary);
  }

  static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  /**
   * What a command that started a deployment prints: the deployment, followed until it ends with
   * {@code wait} (exit 0 when it succeeded, 1 when it failed or was superseded), else how to follow
   * it.
   */
  static int report(Session s, JsonNode started, boolean wait, String headline) {
    String app = JsonText.text(started, "app");
    String id = JsonText.text(started, "id");
    if (!wait) {
      if (s.json()) {
        s.printJson(started);
      } else {
        s.out().println(headline);
        print(started, s);
        s.err().println("follow it: stagecoach deployments get " + app + " " + id + " --wait");
      }
      return ExitCode.OK;
    }
    if (!s.json()) {
      s.out().println(headline);
    }
    return follow(s, app, id);
  }

  /**
   * Follows the deployment until it ends, a line per change; prints it then and answers the exit
   * code.
   */
  static int follow(Session s, String app, String id) {
    Follow.Result done =
        s.follow()
            .until(
                Follow.Target.of(path(app, id), "/status", SUCCEEDED, FAILED),
                DeploymentsCommand::progress);
    JsonNode last = done.last();
    if (s.json()) {
      s.printJson(last);
    } else {
      print(last, s);
    }
    if (!done.succeeded()) {
      String reason = JsonText.text(last, "reason");
      s.err()
          .println(
              "stagecoach: deployment "
                  + id
                  + " "
                  + done.status()
                  + (reason.isEmpty() ? "" : ": " + reason));
      return ExitCode.FAILED;
    }
    return ExitCode.OK;
  }

  /** {@code dev: provisioning}, {@code dev: failed (the reason)}. */
  static String progress(JsonNode d) {
    String reason = JsonText.text(d, "reason");
    String action = JsonText.text(d, "action").equals("destroy") ? " (destroy)" : "";
    return JsonText.text(d, "environment")
        + ": "
        + JsonText.text(d, "status")
        + action
        + (reason.isEmpty() ? "" : " (" + reason + ")");
  }

  @Command(
      name = "get",
      description = {
        "Show a deployment.",
        "With --wait, follow it until it succeeds (exit 0), fails or is superseded (exit 1)."
      })
  static final class GetDeployment extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(
        index = "1",
        paramLabel = "ID",
        description = "e.g. d-0a1b2c3d, as deploy printed it")
    String id;

    @Option(names = "--wait", description = "follow it until it ends, printing each change")
    boolean wait;

    @Override
    int run(Session s) {
      if (wait) {
        return follow(s, app, id);
      }
      s.print(s.api().get(path(app, id)), body -> print(body, s));
      return ExitCode.OK;
    }
  }
}
