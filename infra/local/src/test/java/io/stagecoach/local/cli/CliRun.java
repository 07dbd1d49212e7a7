package io.stagecoach.local.cli;

import io.stagecoach.local.cli.client.Follow;
import io.stagecoach.local.cli.settings.CliEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the CLI: its exit code and what it printed. */
record CliRun(int code, String out, String err) {

  static CliRun run(CliEnvironment env, String... args) {
    return run(env, Follow.Pacing.standard(), args);
  }

  static CliRun run(CliEnvironment env, Follow.Pacing pacing, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new StagecoachCommand(env, pacing))
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** For assertion messages: everything the run printed. */
  String printed() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
