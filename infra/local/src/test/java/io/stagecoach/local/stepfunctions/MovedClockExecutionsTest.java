package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.stepfunctions.asl.Run;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Executions on the local cloud's clock: a Wait, a task token's timeout, a retry's interval and the
 * execution's own timeout end when the clock is moved past them, in milliseconds of wall time.
 */
class MovedClockExecutionsTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/r";
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final LocalClock clock = LocalClock.inMemory(Clock.systemUTC());
  private final AtomicInteger calls = new AtomicInteger();
  private final StepFunctionsService service =
      new StepFunctionsService(
          new Integrations() {
            @Override
            public Invocation invokeFunction(String functionName, byte[] payload) {
              // Fails the first time, answers after.
              return calls.incrementAndGet() == 1
                  ? Invocation.failure("Flaky", "not yet")
                  : new Invocation(
                      "{\"ok\": true}".getBytes(StandardCharsets.UTF_8), false, null, null);
            }

            @Override
            public JsonNode putEvents(JsonNode entries) {
              return JsonNodeFactory.instance.objectNode().put("FailedEntryCount", 0);
            }

            @Override
            public DynamoDbClient dynamoDb() {
              return null;
            }
          },
          clock,
          "eu-west-1",
          "123456789012");

  @AfterEach
  void close() {
    service.close();
  }

  private String start(String definition) throws Exception {
    String machine = service.createStateMachine("m" + System.nanoTime(), definition, ROLE);
    return service.startExecution(machine, null, "{}");
  }

  /** Waits (wall clock, briefly) until the execution's history has an event of {@code type}. */
  private void awaitEvent(String execution, String type) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      for (Run.HistoryEvent e : service.execution(execution).orElseThrow().history()) {
        if (e.type().equals(type)) {
          return;
        }
      }
      Thread.sleep(5);
    }
    fail("no " + type + " in " + service.execution(execution).orElseThrow().history());
  }

  @Test
  void aWaitOfAnHour_endsWhenTheClockIsMovedAnHour() throws Exception {
    String exec =
        start(
            """
            {"StartAt": "Soak", "States": {"Soak": {"Type": "Wait", "Seconds": 3600, "End": true}}}""");
    awaitEvent(exec, "WaitStateEntered");
    clock.advance(Duration.ofMinutes(59));
    assertFalse(service.awaitEnd(exec, Duration.ofMillis(200)), "a minute is left");
    long begun = System.nanoTime();
    clock.advance(Duration.ofMinutes(1));
    assertTrue(service.awaitEnd(exec, PATIENCE));
    assertEquals(StepFunctionsService.Status.SUCCEEDED, service.execution(exec).get().status());
    assertTrue(Duration.ofNanos(System.nanoTime() - begun).compareTo(Duration.ofSeconds(2)) < 0);
  }

  @Test
  void aWaitForATimestamp_endsWhenTheClockReachesIt() throws Exception {
    Instant at = clock.instant().plus(Duration.ofDays(2));
    String exec =
        start(
            """
            {"StartAt": "Until", "States": {"Until": {"Type": "Wait", "Timestamp": "%s", "End": true}}}"""
                .formatted(at));
    awaitEvent(exec, "WaitStateEntered");
    clock.advanceTo(at);
    assertTrue(service.awaitEnd(exec, PATIENCE));
    assertEquals(StepFunctionsService.Status.SUCCEEDED, service.execution(exec).get().status());
  }

  @Test
  void aTaskTokenNobodyAnswersInFourHours_timesOutWhenTheClockPassesThem() throws Exception {
    String exec =
        start(
            """
            {"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
              "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken", "TimeoutSeconds": 14400,
              "Parameters": {"Entries": [{"Detail": {"token.$": "$$.Task.Token"}}]}, "End": true}}}""");
    awaitEvent(exec, "TaskSubmitted");
    clock.advance(Duration.ofHours(3));
    assertFalse(service.awaitEnd(exec, Duration.ofMillis(200)), "an hour is left");
    clock.advance(Duration.ofHours(1));
    assertTrue(service.awaitEnd(exec, PATIENCE));
    var ended = service.execution(exec).get();
    assertEquals(StepFunctionsService.Status.FAILED, ended.status());
    assertEquals("States.Timeout", ended.error());
  }

  @Test
  void aRetryAnHourLater_runsWhenTheClockIsMovedAnHour() throws Exception {
    String exec =
        start(
            """
            {"StartAt": "Call", "States": {"Call": {"Type": "Task",
              "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:f",
              "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 3600, "MaxAttempts": 1}],
              "End": true}}}""");
    awaitEvent(exec, "LambdaFunctionFailed");
    assertFalse(service.awaitEnd(exec, Duration.ofMillis(200)), "the retry waits an hour");
    clock.advance(Duration.ofHours(1));
    assertTrue(service.awaitEnd(exec, PATIENCE));
    assertEquals(StepFunctionsService.Status.SUCCEEDED, service.execution(exec).get().status());
    assertEquals(2, calls.get());
  }

  @Test
  void theExecutionsOwnTimeout_endsItWhenTheClockPassesIt() throws Exception {
    String exec =
        start(
            """
            {"TimeoutSeconds": 7200, "StartAt": "Long", "States": {
              "Long": {"Type": "Wait", "Seconds": 86400, "End": true}}}""");
    awaitEvent(exec, "WaitStateEntered");
    clock.advance(Duration.ofHours(2));
    assertTrue(service.awaitEnd(exec, PATIENCE));
    assertEquals(StepFunctionsService.Status.TIMED_OUT, service.execution(exec).get().status());
  }
}
