package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.local.stepfunctions.asl.StepClock;
import io.stagecoach.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finished executions are kept for a while and up to a number per state machine; running ones
 * always.
 */
class ExecutionRetentionTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/r";
  private static final String QUICK =
      """
      {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": true}}}""";
  private static final String WAITS =
      """
      {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 100000, "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}}}""";

  /**
   * Stands still unless moved; sleeps take no real time beyond a millisecond per execution second.
   */
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

  private final StepClock clock =
      new StepClock() {
        @Override
        public Instant now() {
          return now.get();
        }

        @Override
        public Duration realDuration(Duration executionTime) {
          return executionTime.dividedBy(1000);
        }
      };

  private final Integrations none = Integrations.none();

  private ExecutionStore store(String kind) {
    return "memory".equals(kind)
        ? ExecutionStore.inMemory()
        : new DynamoDbExecutionStore(LocalDynamoDb.client(), "stagecoach-sfn-" + UUID.randomUUID());
  }

  private StepFunctionsService service(
      ExecutionStore store, StepFunctionsService.Retention retention) {
    return new StepFunctionsService(none, clock, "eu-west-1", "123456789012", store, retention);
  }

  private static String run(StepFunctionsService service, String machine, String name)
      throws Exception {
    String arn = service.startExecution(machine, name, "{}");
    assertTrue(service.awaitEnd(arn, Duration.ofSeconds(10)));
    return arn;
  }

  private static Set<String> stored(ExecutionStore store) {
    return store.executions().stream()
        .map(ExecutionStore.StoredExecution::name)
        .collect(Collectors.toSet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "dynamodb"})
  void keepsTheLastFinishedPerStateMachine_andEveryRunningOne(String kind) throws Exception {
    ExecutionStore store = store(kind);
    try (StepFunctionsService service =
        service(store, new StepFunctionsService.Retention(Duration.ofDays(90), 3))) {
      String quick = service.createStateMachine("quick", QUICK, ROLE);
      String other = service.createStateMachine("other", QUICK, ROLE);
      String waits = service.createStateMachine("waits", WAITS, ROLE);
      List<String> holding =
          List.of(
              service.startExecution(waits, "w-1", "{}"),
              service.startExecution(waits, "w-2", "{}"),
              service.startExecution(waits, "w-3", "{}"),
              service.startExecution(waits, "w-4", "{}"));
      String kept = run(service, other, "o-1");
      String first = run(service, quick, "q-1");
      run(service, quick, "q-2");
      for (int i = 3; i <= 6; i++) {
        run(service, quick, "q-" + i);
      }
      for (String name : List.of("q-1", "q-2", "q-3")) {
        assertFalse(
            service.execution(first.replace("q-1", name)).isPresent(), name + " is still there");
      }
      for (String name : List.of("q-4", "q-5", "q-6")) {
        assertTrue(service.execution(first.replace("q-1", name)).isPresent(), name + " is gone");
      }
      assertTrue(service.execution(kept).isPresent(), "another state machine's execution went");
      for (String w : holding) {
        assertEquals(
            StepFunctionsService.Status.RUNNING, service.execution(w).orElseThrow().status());
      }
      assertEquals(Set.of("q-4", "q-5", "q-6", "o-1", "w-1", "w-2", "w-3", "w-4"), stored(store));
      assertTrue(store.history(first).isEmpty(), "the dropped execution's history is still stored");
      // A dropped execution's name can be used again.
      run(service, quick, "q-1");
      assertTrue(service.execution(first).isPresent());
    }
  }

  @Test
  void finishedExecutionsGoAfterTheRetentionPeriod_alsoWhenLoaded() throws Exception {
    ExecutionStore store = store("memory");
    String old;
    String recent;
    String waiting;
    try (StepFunctionsService service =
        service(store, new StepFunctionsService.Retention(Duration.ofHours(1), 1000))) {
      String quick = service.createStateMachine("quick", QUICK, ROLE);
      String waits = service.createStateMachine("waits", WAITS, ROLE);
      waiting = service.startExecution(waits, "w-1", "{}");
      old = run(service, quick, "old");
      now.set(now.get().plus(Duration.ofMinutes(45)));
      recent = run(service, quick, "recent");
      now.set(now.get().plus(Duration.ofMinutes(30)));
      // Finishing another applies the retention: "old" finished 75 minutes ago.
      run(service, quick, "new");
      assertFalse(service.execution(old).isPresent());
      assertTrue(service.execution(recent).isPresent());
      assertEquals(
          StepFunctionsService.Status.RUNNING, service.execution(waiting).orElseThrow().status());
    }
    now.set(now.get().plus(Duration.ofMinutes(20)));
    // Restarted 50 minutes after "recent" finished and 20 after "new": a shorter retention drops
    // "recent".
    try (StepFunctionsService service =
        service(store, new StepFunctionsService.Retention(Duration.ofMinutes(40), 1000))) {
      assertEquals(1, service.resumeRunning());
      assertFalse(service.execution(recent).isPresent());
      assertTrue(service.execution(recent.replace(":recent", ":new")).isPresent());
      assertEquals(Set.of("new", "w-1"), stored(store));
    }
  }

  @Test
  void aResumedExecutionThatEndsAtOnce_isNotDroppedAsTheOldest() throws Exception {
    ExecutionStore store = store("memory");
    String holds =
        """
        {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Done"},
          "Done": {"Type": "Pass", "End": true}}}""";
    String older;
    String old;
    String resumed;
    try (StepFunctionsService service = service(store, StepFunctionsService.Retention.defaults())) {
      String machine = service.createStateMachine("holds", holds, ROLE);
      older = service.startExecution(machine, "f-1", "{\"wait\": 0}");
      assertTrue(service.awaitEnd(older, Duration.ofSeconds(10)));
      now.set(now.get().plus(Duration.ofMinutes(1)));
      old = service.startExecution(machine, "f-2", "{\"wait\": 0}");
      assertTrue(service.awaitEnd(old, Duration.ofSeconds(10)));
      resumed = service.startExecution(machine, "r-1", "{\"wait\": 3600}");
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (store.executions().stream()
              .noneMatch(
                  e ->
                      e.name().equals("r-1")
                          && e.checkpoint() != null
                          && e.checkpoint().wakeAt() != null)
          && System.nanoTime() < until) {
        Thread.sleep(5);
      }
    }
    // Restarted after r-1's wake-up time: resumed, it ends at once, after f-1 and f-2 ended.
    now.set(now.get().plus(Duration.ofHours(2)));
    java.util.concurrent.CountDownLatch resumedEnded = new java.util.concurrent.CountDownLatch(1);
    ExecutionStore slowToLoad =
        new ForwardingStore(store) {
          @Override
          public List<StoredExecution> executions() {
            // The running one is loaded first; reading the others takes long enough for it to end.
            List<StoredExecution> all = new java.util.ArrayList<>(super.executions());
            all.sort(
                java.util.Comparator.comparing((StoredExecution e) -> !e.name().equals("r-1")));
            return all;
          }

          @Override
          public List<io.stagecoach.local.stepfunctions.asl.Run.HistoryEvent> history(
              String executionArn) {
            if (!executionArn.equals(resumed)) {
              try {
                resumedEnded.await(2, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.history(executionArn);
          }

          @Override
          public void putExecution(StoredExecution execution) {
            super.putExecution(execution);
            if (execution.name().equals("r-1") && !execution.status().equals("RUNNING")) {
              resumedEnded.countDown();
            }
          }
        };
    try (StepFunctionsService service =
        service(slowToLoad, new StepFunctionsService.Retention(Duration.ofDays(90), 2))) {
      assertEquals(1, service.resumeRunning());
      assertTrue(
          service.awaitEnd(resumed, Duration.ofSeconds(10)),
          "the newest finished execution was dropped");
      assertEquals(
          StepFunctionsService.Status.SUCCEEDED, service.execution(resumed).orElseThrow().status());
      assertFalse(service.execution(older).isPresent(), "the oldest finished execution was kept");
      assertTrue(service.execution(old).isPresent(), "f-2 is gone");
      assertEquals(Set.of("f-2", "r-1"), stored(store));
    }
  }

  @Test
  void awaitEnd_doesNotReportAnEndThatWasNotSaved() throws Exception {
    ExecutionStore failsAtTheEnd =
        new ForwardingStore(ExecutionStore.inMemory()) {
          @Override
          public void putExecution(StoredExecution execution) {
            if (!execution.status().equals("RUNNING")) {
              throw new IllegalStateException("store unavailable");
            }
            super.putExecution(execution);
          }
        };
    try (StepFunctionsService service =
        service(failsAtTheEnd, StepFunctionsService.Retention.defaults())) {
      String exec =
          service.startExecution(service.createStateMachine("quick", QUICK, ROLE), "q-1", "{}");
      assertFalse(
          service.awaitEnd(exec, Duration.ofSeconds(5)),
          "reported saved, but the store refused it");
      assertEquals(
          StepFunctionsService.Status.SUCCEEDED, service.execution(exec).orElseThrow().status());
    }
  }
}
