package io.stagecoach.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagecoach deploy}: a release straight into a personal, ephemeral or first-stage
 * environment.
 */
@Command(
    name = "deploy",
    description = {
      "Deploy a release into an environment.",
      "Personal, ephemeral and first-stage environments only: later stages take releases from 'promote' (exit 3,"
          + " promotion_required).",
      "Without --to, your personal environment: the name in .stagecoach/userenv, else the one the API"
          + " names after your token (stagecoach whoami)."
    })
final class DeployCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "VERSION", description = "a registered release")
  String version;

  @Option(
      names = "--to",
      paramLabel = "ENV",
      description = "the environment (default: your personal one)")
  String to;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = {
        "the Idempotency-Key (default: a new one, printed);",
        "repeating a deploy with the same key is the same deployment, not a second one"
      })
  String key;

  @Option(
      names = "--wait",
      description = "follow the deployment until it ends, printing each change")
  boolean wait;

  @Option(
      names = "--break-glass",
      paramLabel = "REASON",
      description = {
        "as an admin, force the deploy past a freeze or a closed window, for this reason;",
        "nothing is deployed until a second admin runs 'break-glass confirm' (within 60 minutes)"
      })
  String breakGlass;

  @Override
  int run(Session s) {
    String environment = to != null ? to : personalEnvironment(s);
    if (breakGlass != null) {
      ObjectNode asked =
          ApiClient.JSON.createObjectNode().put("environment", environment).put("version", version);
      asked.putObject("breakGlass").put("reason", breakGlass);
      return BreakGlassCommand.asked(
          s, s.api().post(ApiPath.of("v1", "apps", app, "deployments"), asked));
    }
    String idempotencyKey = key;
    if (idempotencyKey == null) {
      idempotencyKey = UUID.randomUUID().toString();
      // Before the request: if its answer is lost, the key is what makes retrying safe.
      s.err()
          .println(
              "idempotency key " + idempotencyKey + " (to retry: --key " + idempotencyKey + ")");
      s.err().flush();
    }
    ObjectNode body =
        ApiClient.JSON.createObjectNode().put("environment", environment).put("version", version);
    Answer accepted =
        s.api()
            .post(
                ApiPath.of("v1", "apps", app, "deployments"),
                body,
                Map.of("Idempotency-Key", idempotencyKey));
    boolean replayed = accepted.header("Idempotent-Replayed").orElse("").equals("true");
    String headline =
        (replayed ? "already requested with this key: deployment " : "requested deployment ")
            + JsonText.text(accepted.body(), "id")
            + ": "
            + app
            + " "
            + version
            + " -> "
            + environment;
    return DeploymentsCommand.report(s, accepted.body(), wait, headline);
  }
}
