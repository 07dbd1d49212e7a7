package io.stagecoach.cli;

import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach freeze}: closes an environment to releases. */
@Command(
    name = "freeze",
    description = {
      "Close an environment to releases until 'unfreeze'.",
      "Promotions stop at its gate (failure frozen); promoting from it as the first stage is refused (exit 3)."
    })
final class FreezeCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "why, e.g. 'incident 42'")
  String reason;

  @Override
  int run(Session s) {
    Answer frozen =
        s.api()
            .put(
                EnvsCommand.path(app, env).child("freeze"),
                ApiClient.JSON.createObjectNode().put("reason", reason),
                Map.of());
    s.print(
        frozen,
        body -> {
          s.out().println("froze " + app + "/" + env + ": " + reason);
          EnvsCommand.print(body, s);
        });
    return ExitCode.OK;
  }
}
