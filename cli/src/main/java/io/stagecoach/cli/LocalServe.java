package io.stagecoach.cli;

import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.template.TemplateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code serve} runs: the local cloud, until the process is stopped. Apart from {@link
 * ServeCommand} so that the client commands never load the local cloud's classes (they run on a
 * class path without it).
 */
final class LocalServe {

  private LocalServe() {}

  static int run(
      int port,
      Path dir,
      Path template,
      String region,
      boolean noAuth,
      boolean quiet,
      String faults,
      String clockOffset)
      throws Exception {
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
