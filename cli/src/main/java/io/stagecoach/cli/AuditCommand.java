package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stagecoach audit}: who did what, when, from where, and what was refused. */
@Command(
    name = "audit",
    description = {
      "The audit log, newest first: every change and every refusal, who, from where, what, when;",
      "pushes, the promotion workflow's decisions and the reaper's destroys too.",
      "Admins read everyone's; others their own."
    })
final class AuditCommand extends ApiCommand {

  @Option(names = "--app", paramLabel = "APP")
  String app;

  @Option(names = "--env", paramLabel = "ENV")
  String env;

  @Option(names = "--principal", paramLabel = "PRINCIPAL")
  String principal;

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      description =
          "e.g. 'DELETE /v1/apps/{app}/environments/{env}', 'slack deploy' or 'workflow"
              + " stage.failed'")
  String action;

  @Option(names = "--since", paramLabel = "INSTANT", description = "e.g. 2025-06-01T00:00:00Z")
  String since;

  @Option(names = "--until", paramLabel = "INSTANT")
  String until;

  @Mixin PageOptions page;

  @Override
  int run(Session s) {
    JsonNode body =
        s.list(
            ApiPath.of("v1", "audit")
                .query("app", app)
                .query("env", env)
                .query("principal", principal)
                .query("action", action)
                .query("since", since)
                .query("until", until),
            page);
    if (s.json()) {
      s.printJson(body);
      return ExitCode.OK;
    }
    Table table = new Table("WHEN", "WHO", "FROM", "ACTION", "TARGET", "OUTCOME", "CHANGE");
    body.path("items")
        .forEach(
            e ->
                table.row(
                    s.time(e, "at"),
                    JsonText.text(e, "principal"),
                    JsonText.text(e, "surface"),
                    JsonText.text(e, "action"),
                    JsonText.text(e, "target"),
                    JsonText.text(e, "outcome"),
                    change(e)));
    table.print(s.out(), "no audit entries");
    return ExitCode.OK;
  }

  /** What the decision moved its target from and to ("pending -> deploying"), where known. */
  private static String change(JsonNode e) {
    if (!e.has("after")) {
      return "";
    }
    return (e.has("before") ? JsonText.text(e, "before") + " " : "")
        + "-> "
        + JsonText.text(e, "after");
  }
}
