package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stagecoach diff}: what deploying a release into an environment would change. */
@Command(
    name = "diff",
    description = {
      "Show what deploying a release into an environment would change: each resource, the"
          + " properties it changes (before and after), the parameters, the blast radius and the"
          + " monthly cost before and after.",
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
   * The plan, under the environment and the versions:
   *
   * <pre>
   * orders/dev: 1.0.0 -> 1.1.0
   *      RESOURCE  TYPE                 NOTE
   * -/+  Ledger    AWS::DynamoDB::Table replaced: TableName requires recreation; data loss possible
   * 0 to add, 0 to change, 1 to replace, 0 to remove
   * (then the properties, parameters, blast radius and cost: {@link PlanText})
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
    PlanText.print(plan, s.out());
  }
}
