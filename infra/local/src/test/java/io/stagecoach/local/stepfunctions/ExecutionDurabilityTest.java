package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import io.stagecoach.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A restarted service (a new instance on the same store, as after {@code serve} was killed) carries
 * on with executions that were waiting for a task token or in a Wait state.
 */
class ExecutionDurabilityTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/r";

  /** The world's clock runs on across the restart: one instance shared by both services, 100x. */
  private final StepClock clock = StepClock.scaled(100);

  private final List<String> messages = new CopyOnWriteArrayList<>();

  private final Integrations integrations =
      new Integrations() {
        @Override
        public Invocation invokeFunction(String functionName, byte[] payload) {
          throw new UnsupportedOperationException(functionName);
        }

        @Override
        public JsonNode putEvents(JsonNode entries) {
          messages.add(entries.get(0).get("Detail").asText());
          return JsonNodeFactory.instance.objectNode().put("FailedEntryCount", 0);
        }

        @Override
        public DynamoDbClient dynamoDb() {
          return null;
        }
      };

  private Supplier<ExecutionStore> store(String kind) {
    if ("memory".equals(kind)) {
      ExecutionStore memory = ExecutionStore.inMemory();
      return () -> memory;
    }
    String table = "stagecoach-sfn-" + UUID.randomUUID();
    return () -> new DynamoDbExecutionStore(LocalDynamoDb.client(), table);
  }

  private StepFunctionsService service(ExecutionStore store) {
    return new StepFunctionsService(integrations, clock, "eu-west-1", "123456789012", store);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "dynamodb"})
  void executionWaitingForAToken_completesAfterARestart_whenTheTokenArrives(String kind)
      throws Exception {
    Supplier<ExecutionStore> stores = store(kind);
    String definition =
        """
        {"StartAt": "Deploy", "States": {
          "Deploy": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
            "Parameters": {"Entries": [{"Source": "stagecoach", "DetailType": "Deployment Requested",
              "Detail": {"token.$": "$$.Task.Token", "env.$": "$.env"}}]},
            "ResultPath": "$.deployed", "Next": "Done"},
          "Done": {"Type": "Pass", "End": true}}}""";
    String exec;
    String token;
    try (StepFunctionsService first = service(stores.get())) {
      String machine = first.createStateMachine("promote", definition, ROLE);
      exec = first.startExecution(machine, "p-1", "{\"env\": \"dev1\"}");
      token = awaitToken();
      awaitCheckpointWithToken(stores.get(), exec);
    }
    try (StepFunctionsService second = service(stores.get())) {
      assertEquals(1, second.resumeRunning());
      assertEquals(
          StepFunctionsService.Status.RUNNING, second.execution(exec).orElseThrow().status());
      second.sendTaskSuccess(token, "{\"version\": \"1.4.0\"}");
      assertTrue(second.awaitEnd(exec, Duration.ofSeconds(10)));
      var done = second.execution(exec).orElseThrow();
      assertEquals(
          StepFunctionsService.Status.SUCCEEDED, done.status(), done.error() + ": " + done.cause());
      assertEquals(
          Json.parse("{\"env\": \"dev1\", \"deployed\": {\"version\": \"1.4.0\"}}"),
          done.output().orElseThrow());
      // The event went out once: the restart did not send the request again.
      assertEquals(1, messages.size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "dynamodb"})
  void waitState_resumesWithTheTimeItHadLeft(String kind) throws Exception {
    Supplier<ExecutionStore> stores = store(kind);
    String exec;
    try (StepFunctionsService first = service(stores.get())) {
      String machine =
          first.createStateMachine(
              "soak",
              """
          {"StartAt": "Soak", "States": {"Soak": {"Type": "Wait", "Seconds": 60, "Next": "Done"},
            "Done": {"Type": "Pass", "End": true}}}""",
              ROLE);
      exec = first.startExecution(machine, "s-1", "{}");
      Thread.sleep(300); // about 30 s of execution time
    }
    Instant restarted = clock.now();
    try (StepFunctionsService second = service(stores.get())) {
      assertEquals(1, second.resumeRunning());
      assertTrue(second.awaitEnd(exec, Duration.ofSeconds(10)));
      var done = second.execution(exec).orElseThrow();
      assertEquals(StepFunctionsService.Status.SUCCEEDED, done.status());
      Instant start = done.history().get(0).timestamp();
      Instant end = done.history().get(done.history().size() - 1).timestamp();
      // Resumed, not restarted: about 60 s from the start in all, and less than 60 s after the
      // restart.
      long total = Duration.between(start, end).toSeconds();
      assertTrue(total >= 59 && total < 85, "took " + total + " s of execution time");
      assertTrue(Duration.between(restarted, end).toSeconds() < 55);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "dynamodb"})
  void aLongHistory_isSavedAsItGrows_andReadBackAfterARestart(String kind) throws Exception {
    Supplier<ExecutionStore> stores = store(kind);
    // 500 turns of a loop: 2,008 events, more than 400 KB of history as JSON (one DynamoDB item's
    // limit).
    String definition =
        """
        {"StartAt": "Init", "States": {
          "Init": {"Type": "Pass", "Parameters": {"i": 0}, "Next": "Loop"},
          "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 500, "Next": "Step"}],
            "Default": "Done"},
          "Step": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Loop"},
          "Done": {"Type": "Succeed"}}}""";
    String exec;
    List<Run.HistoryEvent> before;
    try (StepFunctionsService first = service(stores.get())) {
      exec = first.startExecution(first.createStateMachine("loop", definition, ROLE), "l-1", "{}");
      assertTrue(first.awaitEnd(exec, Duration.ofSeconds(60)));
      var done = first.execution(exec).orElseThrow();
      assertEquals(
          StepFunctionsService.Status.SUCCEEDED, done.status(), done.error() + ": " + done.cause());
      before = done.history();
    }
    assertEquals(2008, before.size());
    try (StepFunctionsService second = service(stores.get())) {
      assertEquals(0, second.resumeRunning());
      List<Run.HistoryEvent> after = second.execution(exec).orElseThrow().history();
      assertEquals(before.size(), after.size());
      for (int i = 0; i < before.size(); i++) {
        assertEquals(before.get(i).id(), after.get(i).id());
        assertEquals(before.get(i).type(), after.get(i).type());
        assertEquals(before.get(i).timestamp(), after.get(i).timestamp());
        assertEquals(before.get(i).details(), after.get(i).details());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "dynamodb"})
  void anAnsweredToken_survivesACrashRightAfterTheReply(String kind) throws Exception {
    Supplier<ExecutionStore> stores = store(kind);
    String definition =
        """
        {"StartAt": "Deploy", "States": {
          "Deploy": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
            "Parameters": {"Entries": [{"Source": "stagecoach", "DetailType": "Deployment Requested",
              "Detail": {"token.$": "$$.Task.Token", "env.$": "$.env"}}]},
            "ResultPath": "$.deployed", "Next": "Done"},
          "Done": {"Type": "Pass", "End": true}}}""";
    // Once the answer is sent, only the answering call may still write: the service dies as it
    // replies,
    // before its execution reaches another checkpoint.
    java.util.concurrent.atomic.AtomicReference<Thread> lastWriter =
        new java.util.concurrent.atomic.AtomicReference<>();
    ExecutionStore dying =
        new ForwardingStore(stores.get()) {
          private boolean allowed() {
            Thread only = lastWriter.get();
            return only == null || only == Thread.currentThread();
          }

          @Override
          public void putExecution(StoredExecution execution) {
            if (allowed()) {
              super.putExecution(execution);
            }
          }

          @Override
          public void appendHistory(String executionArn, List<Run.HistoryEvent> events) {
            if (allowed()) {
              super.appendHistory(executionArn, events);
            }
          }
        };
    String exec;
    String token;
    try (StepFunctionsService first = service(dying)) {
      String machine = first.createStateMachine("promote", definition, ROLE);
      exec = first.startExecution(machine, "p-1", "{\"env\": \"dev1\"}");
      token = awaitToken();
      awaitCheckpointWithToken(stores.get(), exec);
      lastWriter.set(Thread.currentThread());
      first.sendTaskFailure(token, "Rejected", "by a reviewer");
      lastWriter.set(new Thread(() -> {})); // the crash: nothing more is written
    }
    try (StepFunctionsService second = service(stores.get())) {
      assertEquals(1, second.resumeRunning());
      // The caller got 200 and will not answer again: the restart ends the task with the answer it
      // got.
      assertTrue(
          second.awaitEnd(exec, Duration.ofSeconds(5)), "still waiting for an answered token");
      var done = second.execution(exec).orElseThrow();
      assertEquals(StepFunctionsService.Status.FAILED, done.status());
      assertEquals("Rejected", done.error());
      assertEquals("by a reviewer", done.cause());
      assertEquals(1, messages.size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "dynamodb"})
  void aTokenAnsweredWithSuccess_isResumedWithItsOutputAfterACrash(String kind) throws Exception {
    Supplier<ExecutionStore> stores = store(kind);
    String definition =
        """
        {"StartAt": "Deploy", "States": {
          "Deploy": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
            "Parameters": {"Entries": [{"Source": "stagecoach", "DetailType": "Deployment Requested",
              "Detail": {"token.$": "$$.Task.Token"}}]},
            "ResultPath": "$.deployed", "Next": "Done"},
          "Done": {"Type": "Pass", "End": true}}}""";
    java.util.concurrent.atomic.AtomicReference<Thread> lastWriter =
        new java.util.concurrent.atomic.AtomicReference<>();
    ExecutionStore dying =
        new ForwardingStore(stores.get()) {
          @Override
          public void putExecution(StoredExecution execution) {
            Thread only = lastWriter.get();
            if (only == null || only == Thread.currentThread()) {
              super.putExecution(execution);
            }
          }

          @Override
          public void appendHistory(String executionArn, List<Run.HistoryEvent> events) {
            Thread only = lastWriter.get();
            if (only == null || only == Thread.currentThread()) {
              super.appendHistory(executionArn, events);
            }
          }
        };
    String exec;
    String token;
    try (StepFunctionsService first = service(dying)) {
      exec =
          first.startExecution(first.createStateMachine("promote", definition, ROLE), "p-2", "{}");
      token = awaitToken();
      awaitCheckpointWithToken(stores.get(), exec);
      lastWriter.set(Thread.currentThread());
      first.sendTaskSuccess(token, "{\"version\": \"2.0.0\"}");
      lastWriter.set(new Thread(() -> {}));
    }
    try (StepFunctionsService second = service(stores.get())) {
      assertEquals(1, second.resumeRunning());
      assertTrue(
          second.awaitEnd(exec, Duration.ofSeconds(5)), "still waiting for an answered token");
      var done = second.execution(exec).orElseThrow();
      assertEquals(
          StepFunctionsService.Status.SUCCEEDED, done.status(), done.error() + ": " + done.cause());
      assertEquals(
          Json.parse("{\"deployed\": {\"version\": \"2.0.0\"}}"), done.output().orElseThrow());
    }
  }

  /** The request goes out before the checkpoint is written; kill the service only once it is. */
  private static void awaitCheckpointWithToken(ExecutionStore store, String exec)
      throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      boolean saved =
          store.executions().stream()
              .anyMatch(
                  e ->
                      e.arn().equals(exec)
                          && e.checkpoint() != null
                          && e.checkpoint().taskToken() != null);
      if (saved) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no checkpoint with a task token for " + exec);
  }

  private String awaitToken() throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (messages.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(2);
    }
    try {
      return Json.parse(messages.get(0)).get("token").asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
