package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach promote}: takes a release through the app's pipeline. */
@Command(
    name = "promote",
    description = {
      "Take a release through the app's pipeline, stage by stage.",
      "From the first stage that does not run it (or --from) to the last (or --to). Each stage's gates apply:"
          + " approvals, deployment windows, verification, soak. Skipping a stage (order_violation) or a frozen first"
          + " stage is refused (exit 3).",
      "With --wait, follow it, a line per stage change, until it succeeds (exit 0), fails or is superseded (exit 1).",
      "With --break-glass REASON, an admin asks to force it past frozen stages and closed windows; a second admin"
          + " confirms it with 'stagecoach break-glass confirm ID', which starts it."
    })
final class PromoteCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "VERSION", description = "a registered release")
  String version;

  @Option(
      names = "--to",
      paramLabel = "ENV",
      description = "the last stage to take it to (default: the pipeline's last)")
  String to;

  @Option(
      names = "--from",
      paramLabel = "ENV",
      description = "the stage to start at (default: the first that does not run it)")
  String from;

  @Option(
      names = "--wait",
      description = "follow the promotion until it ends, a line per stage change")
  boolean wait;

  @Option(
      names = "--break-glass",
      paramLabel = "REASON",
      description = {
        "as an admin, force the promotion past the freezes and closed windows of its stages, for",
        "this reason; nothing starts until a second admin runs 'break-glass confirm' (within 60",
        "minutes). Approvals still apply."
      })
  String breakGlass;

  @Option(
      names = {"-q", "--quiet"},
      description =
          "print only the promotion's id, e.g. PROMOTION=$(stagecoach promote shop 2.0.0 -q)")
  boolean quiet;

  @Override
  int run(Session s) {
    if (quiet && (wait || s.json())) {
      throw usage(
          "--quiet prints only the id of the promotion it starts: it does not go with --wait or"
              + " --json");
    }
    ObjectNode body = ApiClient.JSON.createObjectNode().put("version", version);
    if (to != null) {
      body.put("to", to);
    }
    if (from != null) {
      body.put("from", from);
    }
    if (breakGlass != null) {
      if (quiet || wait) {
        throw usage(
            "--break-glass starts nothing until a second admin confirms it: it does not go with"
                + " --wait or --quiet");
      }
      body.putObject("breakGlass").put("reason", breakGlass);
      return BreakGlassCommand.asked(
          s, s.api().post(ApiPath.of("v1", "apps", app, "promotions"), body));
    }
    JsonNode started = s.api().post(ApiPath.of("v1", "apps", app, "promotions"), body).body();
    if (quiet) {
      s.out().println(JsonText.text(started, "promotionId"));
      return ExitCode.OK;
    }
    String headline =
        "started promotion "
            + JsonText.text(started, "promotionId")
            + ": "
            + app
            + " "
            + version
            + " through "
            + PromotionsCommand.stageNames(started);
    return PromotionsCommand.report(s, started, wait, headline);
  }
}
