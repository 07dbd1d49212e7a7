package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code stagecoach history}: an environment's deployments, newest first. */
@Command(
    name = "history",
    description = {
      "List an environment's deployments, newest first.",
      "The history outlives a destroyed environment."
    })
final class HistoryCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Mixin PageOptions page;

  @Override
  int run(Session s) {
    JsonNode body = s.list(ApiPath.of("v1", "apps", app, "environments", env, "deployments"), page);
    if (s.json()) {
      s.printJson(body);
      return ExitCode.OK;
    }
    Table table = new Table("ID", "ACTION", "VERSION", "STATUS", "ORIGIN", "REQUESTED", "DURATION");
    body.path("items")
        .forEach(
            d ->
                table.row(
                    JsonText.text(d, "id"),
                    JsonText.text(d, "action"),
                    Display.version(JsonText.text(d, "version")),
                    JsonText.text(d, "status"),
                    JsonText.text(d, "origin")
                        + (d.path("overrides").isEmpty()
                            ? ""
                            : " (past "
                                + String.join(
                                    ", ",
                                    d.path("overrides").findValuesAsText("gate").stream()
                                        .distinct()
                                        .toList())
                                + ")"),
                    s.when(d, "requestedAt", "requestedBy"),
                    d.has("durationMillis")
                        ? DeploymentsCommand.seconds(d.path("durationMillis").asLong())
                        : ""));
    table.print(s.out(), "no deployments to " + app + "/" + env);
    return ExitCode.OK;
  }
}
