package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiPath;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach why}: whether a release could be promoted to a stage now and, if not, every
 * reason, with each gate on the way. Changes nothing.
 */
@Command(
    name = "why",
    description = {
      "Whether a release could be promoted to a stage now (default: the last), and if not, why;",
      "with every gate of each stage it would go through. Exit 0 either way; nothing is started."
    })
final class WhyCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "VERSION")
  String version;

  @Option(names = "--to", paramLabel = "ENV", description = "the stage (default: the last)")
  String to;

  @Override
  int run(Session s) {
    Answer answer =
        s.api()
            .get(ApiPath.of("v1", "apps", app, "releases", version, "eligibility").query("to", to));
    s.print(
        answer,
        e -> {
          boolean eligible = e.path("eligible").asBoolean();
          s.out()
              .println(
                  app
                      + " "
                      + version
                      + " -> "
                      + JsonText.text(e, "to")
                      + ": "
                      + (eligible ? "can be promoted now" : "cannot be promoted now"));
          e.path("reasons").forEach(r -> s.out().println("  because " + r.asText()));
          for (JsonNode stage : e.path("stages")) {
            s.out().println(JsonText.text(stage, "environment") + ":");
            gateLines(stage.path("gates")).forEach(l -> s.out().println("  " + l));
          }
        });
    return ExitCode.OK;
  }

  /** {@code approval waiting approval x still needs 1 of client; ...}, one line per gate. */
  static List<String> gateLines(JsonNode gates) {
    List<String> lines = new ArrayList<>();
    Table table = new Table("GATE", "STATE", "WHY");
    for (JsonNode g : gates) {
      table.row(JsonText.text(g, "gate"), JsonText.text(g, "state"), JsonText.text(g, "reason"));
    }
    java.io.StringWriter text = new java.io.StringWriter();
    try (java.io.PrintWriter out = new java.io.PrintWriter(text)) {
      table.print(out, "no gates");
    }
    text.toString().lines().forEach(lines::add);
    return lines;
  }
}
