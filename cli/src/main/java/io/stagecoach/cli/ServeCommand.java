package io.stagecoach.cli;

import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.template.TemplateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    LocalCloud.Options options =
        new LocalCloud.Options(dir, port, Optional.ofNullable(template), region, false)
            .withAwsAuth(!noAuth)
            .withRequestLog(!quiet);
    if (faults != null) {
      try {
        options = options.withFaults(FaultPlan.parse(faults));
      } catch (IllegalArgumentException e) {
        System.err.println("stagecoach: --faults: " + e.getMessage());
        return 2;
      }
    }
    if (clockOffset != null) {
      Optional<Duration> offset = LocalClock.parseAmount(clockOffset);
      if (offset.isEmpty()) {
        System.err.println(
            "stagecoach: --clock-offset: '"
                + clockOffset
                + "' is not an amount of time such as 90s, 30m, 25h or 3d (0h: this machine's"
                + " time)");
        return 2;
      }
      options = options.withClockOffset(offset.get());
    }
    LocalCloud cloud;
    try {
      cloud = LocalCloud.start(options);
    } catch (LocalClock.Refused e) {
      System.err.println("stagecoach: --clock-offset: " + e.getMessage());
      return 2;
    } catch (TemplateException | IllegalStateException e) {
      System.err.println("stagecoach: " + e.getMessage());
      return 1;
    }
    System.out.print(cloud.describe());
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    cloud.close();
                    System.out.println("Stopped; data kept in " + dir.toAbsolutePath());
                    System.out.flush();
                  } catch (Exception e) {
                    System.err.println("stagecoach: stopping: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
