package io.stagecoach.cli;

import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach rollback}: an environment back on a release that succeeded there. */
@Command(
    name = "rollback",
    description = {
      "Put an environment back on its last good release, or --version.",
      "The version must have succeeded there before (else exit 3, order_violation)."
    })
final class RollbackCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description =
          "the release to go back to (default: the newest that succeeded there before the current one)")
  String version;

  @Option(
      names = "--wait",
      description = "follow the rollback's deployment until it ends, printing each change")
  boolean wait;

  @Override
  int run(Session s) {
    ApiPath path = ApiPath.of("v1", "apps", app, "environments", env, "rollback");
    Answer accepted =
        s.api()
            .post(
                path,
                version == null ? null : ApiClient.JSON.createObjectNode().put("version", version));
    String headline =
        "rolling back "
            + app
            + "/"
            + env
            + " to "
            + JsonText.text(accepted.body(), "version")
            + ": deployment "
            + JsonText.text(accepted.body(), "id");
    return DeploymentsCommand.report(s, accepted.body(), wait, headline);
  }
}
