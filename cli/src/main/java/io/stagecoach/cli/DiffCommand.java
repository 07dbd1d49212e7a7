package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stagecoach diff}: what deploying a release into an environment would change. */
@Command(
    name = "diff",
    description = {
      "Show what deploying a release into an environment would change.",
      "Planned by the environment's provisioner; changes nothing."
    })
final class DiffCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Parameters(index = "2", paramLabel = "VERSION")
  String version;

  @Override
  int run(Session s) {
    ApiPath path =
        ApiPath.of("v1", "apps", app, "environments", env, "diff").query("version", version);
    s.print(s.api().get(path), plan -> print(plan, s));
    return ExitCode.OK;
  }

  /**
   *
   *
   * <pre>
   * orders/dev: 1.0.0 -> 1.1.0
   * ~ Version  AWS::SSM::Parameter
   * 0 to add, 1 to change, 0 to remove
   * </pre>
   */
  private void print(JsonNode plan, Session s) {
    String deployed = JsonText.text(plan, "deployedVersion");
    s.out()
        .println(
            app
                + "/"
                + env
                + ": "
                + (deployed.isEmpty() ? "(nothing deployed)" : deployed)
                + " -> "
                + version);
    Table changes = new Table("", "RESOURCE", "TYPE", "NOTE");
    for (JsonNode c : plan.path("changes")) {
      String sign =
          switch (JsonText.text(c, "action")) {
            case "add" -> "+";
            case "remove" -> "-";
            default -> c.path("replacement").asBoolean() ? "-/+" : "~";
          };
      String note = c.path("replacement").asBoolean() ? "replaced" : "";
      if (!c.path("supported").asBoolean(true)) {
        note = (note.isEmpty() ? "" : note + "; ") + "not supported by this provisioner";
      }
      changes.row(sign, JsonText.text(c, "logicalId"), JsonText.text(c, "type"), note);
    }
    changes.print(s.out(), "no changes");
    s.out().println(DeploymentsCommand.planSummary(plan.path("summary")));
  }
}
