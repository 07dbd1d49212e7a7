package io.stagecoach.cli;

import io.stagecoach.cli.client.Follow;
import io.stagecoach.cli.settings.CliEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One in-process run of the CLI: its exit code and what it printed. */
record CliRun(int code, String out, String err) {

  static CliRun run(CliEnvironment env, String... args) {
    return run(env, Follow.Pacing.standard(), args);
  }

  static CliRun run(CliEnvironment env, Follow.Pacing pacing, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        StagecoachCommand.commandLine(new StagecoachCommand(env, pacing))
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** A run on another thread, whose output can be read while it runs. */
  record Started(StringWriter out, StringWriter err, CompletableFuture<CliRun> done) {

    /**
     * Waits until a line of stdout matches {@code regex} and answers it, or fails with what it
     * printed so far.
     */
    String awaitLine(String regex, Duration within) throws InterruptedException {
      Instant deadline = Instant.now().plus(within);
      while (Instant.now().isBefore(deadline)) {
        var line = out.toString().lines().filter(l -> l.matches(regex)).findFirst();
        if (line.isPresent()) {
          return line.get();
        }
        if (done.isDone()) {
          break;
        }
        Thread.sleep(20);
      }
      throw new AssertionError(
          "no line matching "
              + regex
              + " within "
              + within
              + "; so far:\n"
              + out
              + "--- stderr\n"
              + err);
    }
  }

  /**
   * Starts the CLI on another thread (as at another terminal); StringWriter is safe to read
   * meanwhile.
   */
  static Started start(CliEnvironment env, Follow.Pacing pacing, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<CliRun> done =
        CompletableFuture.supplyAsync(
            () -> {
              int code =
                  StagecoachCommand.commandLine(new StagecoachCommand(env, pacing))
                      .setOut(new PrintWriter(out, true))
                      .setErr(new PrintWriter(err, true))
                      .execute(args);
              return new CliRun(code, out.toString(), err.toString());
            });
    return new Started(out, err, done);
  }

  /** For assertion messages: everything the run printed. */
  String printed() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
