package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach drift}: checks an environment for drift now. */
@Command(
    name = "drift",
    description = {
      "Check now whether an environment still matches its last deployment (its tier's provisioner"
          + " runs the check).",
      "A check under way already is followed instead of starting another; an environment never"
          + " deployed has drift unknown.",
      "With --wait, exit 1 when the check finds the environment drifted."
    })
final class DriftCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Option(
      names = "--wait",
      description = "wait for the check to end and print what it found, resource by resource")
  boolean wait;

  @Override
  int run(Session s) {
    Answer asked =
        s.api().post(EnvsCommand.path(app, env).child("drift"), ApiClient.JSON.createObjectNode());
    JsonNode body = asked.body();
    String checkId = body.path("check").path("id").asText("");
    if (!wait || checkId.isEmpty()) {
      s.print(
          asked,
          b -> {
            if (checkId.isEmpty()) {
              s.out().println(app + "/" + env + " has never been deployed: drift unknown");
            } else {
              s.out()
                  .println(
                      (b.path("started").asBoolean()
                              ? "checking " + app + "/" + env + " for drift: check "
                              : "a check of " + app + "/" + env + " is under way already: check ")
                          + checkId
                          + " (see: stagecoach drift "
                          + app
                          + " "
                          + env
                          + " --wait, or envs get)");
              printDrift(s, b.path("drift"));
            }
          });
      return ExitCode.OK;
    }
    s.err().println("waiting for drift check " + checkId + " of " + app + "/" + env);
    s.err().flush();
    JsonNode environment = awaitCheck(s, checkId);
    JsonNode drift = environment.path("drift");
    if (s.json()) {
      s.printJson(drift);
    } else {
      printDrift(s, drift);
    }
    return drift.path("status").asText().equals("drifted") ? ExitCode.FAILED : ExitCode.OK;
  }

  /** The environment once check {@code checkId} is no longer under way (or the wait timed out). */
  private JsonNode awaitCheck(Session s, String checkId) {
    Instant deadline = s.pacing().clock().instant().plus(s.pacing().timeout());
    Duration pause = s.pacing().first();
    while (true) {
      JsonNode environment = s.api().get(EnvsCommand.path(app, env)).body();
      if (!environment.path("drift").path("checking").path("id").asText("").equals(checkId)) {
        return environment;
      }
      if (!s.pacing().clock().instant().plus(pause).isBefore(deadline)) {
        throw new IllegalStateException(
            "drift check " + checkId + " did not end within " + s.pacing().timeout());
      }
      try {
        s.pacing().sleeper().sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the drift check", e);
      }
      Duration doubled = pause.multipliedBy(2);
      pause = doubled.compareTo(s.pacing().interval()) > 0 ? s.pacing().interval() : doubled;
    }
  }

  /** {@code drifted: 1 resource differs (checked at ...)} and a line per resource. */
  static void printDrift(Session s, JsonNode drift) {
    String status = drift.path("status").asText("unknown");
    JsonNode resources = drift.path("resources");
    String checked =
        drift.has("checkedAt")
            ? " (checked " + s.time(drift, "checkedAt") + ")"
            : " (never checked)";
    s.out()
        .println(
            switch (status) {
              case "drifted" ->
                  "drifted: "
                      + resources.size()
                      + (resources.size() == 1 ? " resource differs" : " resources differ")
                      + " from the last deployment"
                      + checked;
              case "in_sync" -> "in sync" + checked;
              default -> "unknown" + checked;
            });
    for (JsonNode r : resources) {
      StringBuilder line =
          new StringBuilder("  ")
              .append(r.path("logicalId").asText())
              .append(" (")
              .append(r.path("type").asText())
              .append(") ")
              .append(r.path("difference").asText());
      for (JsonNode p : r.path("properties")) {
        line.append("; ")
            .append(p.path("path").asText())
            .append(": ")
            .append(p.path("expected").asText("(none)"))
            .append(" -> ")
            .append(p.path("actual").asText("(none)"));
      }
      s.out().println(line);
    }
  }
}
