package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.local.testing.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cloud started on a busy machine answers its first requests in time. Before the
 * functions were initialized on platform threads, their class loading pinned the virtual threads'
 * carriers on a two-core machine: the authorizer's first calls waited past its 5 s timeout and the
 * API answered 500 "could not be authorized" for a while after Ready.
 */
class LoadedStartTest {

  /** The authorizer's timeout: an answer later than this is what users saw as a 500. */
  private static final Duration IN_TIME = Duration.ofSeconds(5);

  @Test
  void onABusyMachine_theFirst100RequestsAfterReady_allAnswerInTime(@TempDir Path dir)
      throws Exception {
    int busy = 2 * Runtime.getRuntime().availableProcessors();
    AtomicBoolean spinning = new AtomicBoolean(true);
    List<Thread> burners = new ArrayList<>();
    for (int i = 0; i < busy; i++) {
      burners.add(
          Thread.ofPlatform()
              .daemon()
              .name("busy-" + i)
              .start(
                  () -> {
                    // A volatile read per turn: the loop stays, and keeps its core busy.
                    while (spinning.get()) {
                      Thread.onSpinWait();
                    }
                  }));
    }
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      ApiClient admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
      ExecutorService clients = Executors.newFixedThreadPool(10);
      List<Future<long[]>> answers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        // Half read (the API function behind the authorizer), half are refused by the authorizer
        // itself: both need the authorizer function initialized and answering.
        boolean authorized = i % 2 == 0;
        answers.add(
            clients.submit(
                () -> {
                  long t0 = System.nanoTime();
                  ApiClient as =
                      authorized ? admin : new ApiClient(cloud.endpoint(), "sc_not-a-token");
                  int status = as.get("/v1/apps").status();
                  return new long[] {status, System.nanoTime() - t0, authorized ? 1 : 0};
                }));
      }
      long slowest = 0;
      for (Future<long[]> f : answers) {
        long[] a = f.get();
        slowest = Math.max(slowest, a[1]);
        assertEquals(a[2] == 1 ? 200 : 401, (int) a[0], "status of a request after Ready");
        assertTrue(
            Duration.ofNanos(a[1]).compareTo(IN_TIME) < 0,
            "answered after " + Duration.ofNanos(a[1]).toMillis() + " ms");
      }
      clients.shutdown();
      System.out.printf(
          "loaded start (%d busy threads): 100 requests after Ready, slowest %d ms%n",
          busy, Duration.ofNanos(slowest).toMillis());
    } finally {
      spinning.set(false);
      for (Thread t : burners) {
        t.join();
      }
    }
  }
}
