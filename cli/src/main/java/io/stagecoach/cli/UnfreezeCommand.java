package io.stagecoach.cli;

import io.stagecoach.cli.client.Answer;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stagecoach unfreeze}: opens a frozen environment to releases again. */
@Command(name = "unfreeze", description = "Open a frozen environment to releases again.")
final class UnfreezeCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ENV")
  String env;

  @Override
  int run(Session s) {
    Answer thawed = s.api().delete(EnvsCommand.path(app, env).child("freeze"), Map.of());
    s.print(
        thawed,
        body -> {
          s.out().println("unfroze " + app + "/" + env);
          EnvsCommand.print(body, s);
        });
    return ExitCode.OK;
  }
}
