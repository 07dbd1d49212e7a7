package io.stagecoach.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagecoach serve}: runs the synthesized app on this machine until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Run the Stagecoach app locally: DynamoDB Local, the functions and the REST API on 127.0.0.1.")
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      defaultValue = "4566",
      description = "HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--dir",
      defaultValue = ".stagecoach",
      description =
          "where the local cloud keeps its data and admin token (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(
      names = "--template",
      description = "a synthesized CloudFormation template to run instead of the built-in one")
  Path template;

  @Option(
      names = "--region",
      defaultValue = "us-east-1",
      description = "the region the local cloud pretends to be")
  String region;

  @Option(
      names = "--no-auth",
      description =
          "let the AWS protocols (EventBridge, Step Functions, Lambda, Secrets Manager) take"
              + " unsigned requests, as emulators do; anyone on this machine can then read the"
              + " local secrets")
  boolean noAuth;

  @Option(
      names = "--quiet",
      description =
          "do not log a line per call to the REST API (method, path, status, time, principal)")
  boolean quiet;

  @Option(
      names = "--faults",
      paramLabel = "PLAN",
      description =
          "inject faults to try Stagecoach's resilience, e.g."
              + " dynamodb-throttle=0.2,function-error=0.05,event-duplicate=0.3,event-delay=0.3@500ms"
              + " (kinds: dynamodb-throttle, dynamodb-latency, function-error, function-timeout,"
              + " event-duplicate, event-delay); off by default, changed while running with PUT"
              + " /_stagecoach/faults; \"\" turns it on with no faults yet")
  String faults;

  @Option(
      names = "--clock-offset",
      paramLabel = "DURATION",
      description =
          "start the local cloud's clock this far ahead of this machine's (90s, 30m, 25h, 3d), to"
              + " try expiry, soak, windows and timeouts without waiting; 'stagecoach clock"
              + " advance' moves it on while it runs. The clock is kept in --dir and never moves"
              + " back: less than it already is ahead is refused")
  String clockOffset;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      System.err.println("stagecoach: --port must be between 0 and 65535");
      return 2;
    }
    // The local cloud's classes are reached through LocalServe only, so that this class loads (and
    // picocli reads it) on the client commands' lean class path, which has no local cloud.
    return LocalServe.run(port, dir, template, region, noAuth, quiet, faults, clockOffset);
  }
}
