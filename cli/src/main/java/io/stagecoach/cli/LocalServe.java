package io.stagecoach.cli;

import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.template.TemplateException;
import java.nio.file.Path;
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
      String faults)
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
    LocalCloud cloud;
    try {
      cloud = LocalCloud.start(options);
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
