package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach compare}: two environments of an app side by side ({@code GET
 * /v1/apps/{app}/compare}), with the verdict first. Changes nothing.
 */
@Command(
    name = "compare",
    description = {
      "Two environments of an app side by side: release, template revision, resources and the",
      "template properties that differ, config (keys the app declares per environment marked),",
      "secret reference and output names (never values), DNS, protection and freeze; the verdict",
      "first. Exit 0 whatever differs; --json for scripts ('parity': same, expected or differs)."
    })
final class CompareCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "LEFT")
  String left;

  @Parameters(index = "2", paramLabel = "RIGHT")
  String right;

  @Option(
      names = "--differences",
      description = "only the rows that differ (the verdict still counts everything)")
  boolean differencesOnly;

  @Override
  int run(Session s) {
    Answer answer =
        s.api()
            .get(
                ApiPath.of("v1", "apps", app, "compare").query("left", left).query("right", right));
    s.print(
        answer,
        c -> {
          s.out()
              .println(
                  JsonText.text(c, "app")
                      + ": "
                      + JsonText.text(c, "left")
                      + " vs "
                      + JsonText.text(c, "right")
                      + ": "
                      + JsonText.text(c, "verdict"));
          Table table =
              new Table(
                  "SECTION",
                  "KEY",
                  JsonText.text(c, "left").toUpperCase(java.util.Locale.ROOT),
                  JsonText.text(c, "right").toUpperCase(java.util.Locale.ROOT),
                  "");
          for (JsonNode row : c.path("rows")) {
            boolean same = row.path("same").asBoolean();
            if (differencesOnly && same) {
              continue;
            }
            table.row(
                JsonText.text(row, "section"),
                JsonText.text(row, "key"),
                row.has("left") ? JsonText.text(row, "left") : "-",
                row.has("right") ? JsonText.text(row, "right") : "-",
                marker(same, row.path("expected").asBoolean()));
          }
          table.print(s.out(), "nothing differs");
        });
    return ExitCode.OK;
  }

  /** What the last column says: nothing when both sides agree. */
  static String marker(boolean same, boolean expected) {
    if (same) {
      return "";
    }
    return expected ? "differs (per-env)" : "differs";
  }
}
