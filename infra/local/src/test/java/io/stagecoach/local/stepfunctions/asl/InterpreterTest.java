package io.stagecoach.local.stepfunctions.asl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The interpreter on its own: data flow, Choice, intrinsics and errors not covered by recorded
 * cases.
 */
class InterpreterTest {

  private final StepClock clock = StepClock.scaled(1000);

  private JsonNode run(String definition, String input, Interpreter.Tasks tasks) throws Exception {
    JsonNode root = Definitions.parse(definition);
    Run run =
        new Run(
            "arn:aws:states:eu-west-1:123456789012:execution:m:e",
            "e",
            "arn:aws:states:eu-west-1:123456789012:stateMachine:m",
            "m",
            "role",
            Json.parse(input),
            clock);
    return new Interpreter(tasks).run(run, root);
  }

  private JsonNode run(String definition, String input) throws Exception {
    return run(
        definition,
        input,
        r -> {
          throw new StatesError("NoTasks", r.resource());
        });
  }

  private static JsonNode json(String text) throws Exception {
    return Json.parse(text);
  }

  @Test
  void definitions_nameTheStateAndTheProblem() {
    var missingType =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    """
        {"StartAt": "A", "States": {"A": {"Next": "A"}}}"""));
    assertTrue(
        missingType.getMessage().contains("state 'A' has an unknown Type"),
        missingType.getMessage());
    var allNotLast =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    """
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:f",
          "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["Boom"]}], "End": true}}}"""));
    assertTrue(
        allNotLast
            .getMessage()
            .contains("States.ALL must appear alone and in the last Retry of 'T'"));
    var badPath =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    """
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "ResultPath": "$.items[*]", "End": true}}}"""));
    assertTrue(badPath.getMessage().contains("not a reference path"), badPath.getMessage());
    var badIntrinsic =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    """
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "States.Format('a'"},
          "End": true}}}"""));
    assertTrue(
        badIntrinsic.getMessage().contains("/States/P/Parameters/x.$"), badIntrinsic.getMessage());
    var choiceWithoutOperator =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    """
        {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "Next": "C"}]}}}"""));
    assertTrue(choiceWithoutOperator.getMessage().contains("exactly one comparison operator"));
    var badVariable =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    """
        {"StartAt": "C", "States": {"C": {"Type": "Choice",
          "Choices": [{"Variable": "status", "StringEquals": "ok", "Next": "C"}]}}}"""));
    assertTrue(
        badVariable.getMessage().contains("/States/C/Choices/0/Variable"),
        badVariable.getMessage());
  }

  @Test
  void choice_stringMatchesAndTimestamps_andNoMatchIsAnError() throws Exception {
    String definition =
        """
        {"StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [
            {"Variable": "$.branch", "StringMatches": "release/*", "Next": "Release"},
            {"And": [{"Variable": "$.at", "IsTimestamp": true},
                     {"Variable": "$.at", "TimestampGreaterThanPath": "$.freezeEnds"}], "Next": "Open"}]},
          "Release": {"Type": "Pass", "Result": "release", "End": true},
          "Open": {"Type": "Pass", "Result": "open", "End": true}}}""";
    assertEquals(json("\"release\""), run(definition, "{\"branch\": \"release/1.2\"}"));
    assertEquals(
        json("\"open\""),
        run(
            definition,
            """
        {"branch": "main", "at": "2026-01-02T10:00:00+01:00", "freezeEnds": "2026-01-02T08:59:59Z"}"""));
    StatesError none =
        assertThrows(
            StatesError.class,
            () ->
                run(
                    definition,
                    """
        {"branch": "main", "at": "2026-01-02T10:00:00Z", "freezeEnds": "2026-01-03T00:00:00Z"}"""));
    assertEquals(StatesError.NO_CHOICE_MATCHED, none.error());
  }

  @Test
  void intrinsics_notInTheRecordings_andTheirFailures() throws Exception {
    JsonNode out =
        run(
            """
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {
          "unique.$": "States.ArrayUnique($.xs)",
          "random.$": "States.MathRandom(5, 6)",
          "uuid.$": "States.UUID()",
          "escaped.$": "States.Format('it\\\\'s {} \\\\{ok\\\\}', $.name)"}, "End": true}}}""",
            "{\"xs\": [1, 2, 1, {\"a\": 1}, {\"a\": 1}], \"name\": \"x\"}");
    assertEquals(json("[1, 2, {\"a\": 1}]"), out.get("unique"));
    assertEquals(5, out.get("random").asInt());
    assertEquals(36, out.get("uuid").asText().length());
    assertEquals("it's x {ok}", out.get("escaped").asText());
    StatesError bad =
        assertThrows(
            StatesError.class,
            () ->
                run(
                    """
        {"StartAt": "P", "States": {"P": {"Type": "Pass",
          "Parameters": {"x.$": "States.ArrayGetItem($.xs, 5)"}, "End": true}}}""",
                    "{\"xs\": [1]}"));
    assertEquals(StatesError.INTRINSIC_FAILURE, bad.error());
  }

  @Test
  void retry_backsOffAndCountsAttempts_thenCatchPutsTheErrorAtResultPath() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    JsonNode out =
        run(
            """
        {"StartAt": "T", "States": {
          "T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:f",
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "BackoffRate": 2,
                       "MaxAttempts": 2, "MaxDelaySeconds": 1, "JitterStrategy": "FULL"}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}], "End": true},
          "Caught": {"Type": "Pass", "End": true}}}""",
            "{\"keep\": true}",
            r -> {
              calls.incrementAndGet();
              throw new StatesError("Boom", "cause " + calls.get());
            });
    assertEquals(3, calls.get());
    assertEquals(
        json("{\"keep\": true, \"error\": {\"Error\": \"Boom\", \"Cause\": \"cause 3\"}}"), out);
  }

  /** A clock that records how long each retry would wait, and does not wait. */
  private static final class RecordingClock implements StepClock {
    final List<Duration> sleeps = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Instant now() {
      return Instant.parse("2026-01-01T00:00:00Z");
    }

    @Override
    public Duration realDuration(Duration executionTime) {
      return Duration.ZERO;
    }

    @Override
    public void sleep(Duration executionTime) {
      sleeps.add(executionTime);
    }
  }

  /** The promotion workflow's retrier of transient errors, with {@code jitter}. */
  private static String backingOff(String jitter) {
    return """
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:f",
          "Retry": [{"ErrorEquals": ["io.stagecoach.functions.promotion.Transient"], "IntervalSeconds": 1,
                     "BackoffRate": 2, "MaxDelaySeconds": 30, "JitterStrategy": "%s", "MaxAttempts": 6}],
          "End": true}}}"""
        .formatted(jitter);
  }

  /** Runs {@link #backingOff} with a task that fails {@code failures} times, then answers. */
  private static List<Duration> delays(String jitter, int failures) throws Exception {
    RecordingClock clock = new RecordingClock();
    AtomicInteger calls = new AtomicInteger();
    Run run =
        new Run(
            "arn:aws:states:eu-west-1:123456789012:execution:m:e",
            "e",
            "arn:aws:states:eu-west-1:123456789012:stateMachine:m",
            "m",
            "role",
            Json.parse("{}"),
            clock);
    JsonNode out =
        new Interpreter(
                r -> {
                  if (calls.incrementAndGet() <= failures) {
                    throw new StatesError("io.stagecoach.functions.promotion.Transient", "raced");
                  }
                  return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                      .objectNode()
                      .put("ok", true);
                })
            .run(run, Definitions.parse(backingOff(jitter)));
    assertEquals(json("{\"ok\": true}"), out);
    return clock.sleeps;
  }

  @Test
  void retry_withoutJitter_doublesFromTheInterval_andMaxDelaySecondsCapsIt() throws Exception {
    assertEquals(
        List.of(1L, 2L, 4L, 8L, 16L, 30L),
        delays("NONE", 6).stream().map(Duration::toSeconds).toList());
  }

  @Test
  void retry_withFullJitter_waitsARandomTimeBelowEachCappedDelay() throws Exception {
    List<Long> caps = List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L);
    Set<Long> lastDelays = new java.util.HashSet<>();
    for (int execution = 0; execution < 20; execution++) {
      List<Duration> waited = delays("FULL", 6);
      assertEquals(6, waited.size(), waited.toString());
      for (int i = 0; i < waited.size(); i++) {
        long ms = waited.get(i).toMillis();
        assertTrue(ms >= 0 && ms <= caps.get(i), "attempt " + i + " waited " + ms + " ms");
      }
      lastDelays.add(waited.get(5).toMillis());
    }
    assertTrue(
        lastDelays.size() > 1, "twenty executions all waited the same: " + lastDelays + " ms");
  }

  @Test
  void definitions_refuseAJitterStrategyOrMaxDelaySecondsThatStepFunctionsRefuses() {
    var jitter = assertThrows(InvalidDefinition.class, () -> Definitions.parse(backingOff("HALF")));
    assertTrue(jitter.getMessage().contains("JitterStrategy of 'T'"), jitter.getMessage());
    var maxDelay =
        assertThrows(
            InvalidDefinition.class,
            () ->
                Definitions.parse(
                    backingOff("FULL")
                        .replace("\"MaxDelaySeconds\": 30", "\"MaxDelaySeconds\": 0")));
    assertTrue(maxDelay.getMessage().contains("MaxDelaySeconds of 'T'"), maxDelay.getMessage());
  }

  @Test
  void taskTimeoutSecondsPath_andTokenReachTheTasks() throws Exception {
    List<Interpreter.TaskRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    run(
        """
        {"StartAt": "T", "States": {"T": {"Type": "Task",
          "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "TimeoutSecondsPath": "$.limit", "HeartbeatSeconds": 5,
          "Parameters": {"token.$": "$$.Task.Token"}, "End": true}}}""",
        "{\"limit\": 30}",
        r -> {
          seen.add(r);
          return r.parameters();
        });
    Interpreter.TaskRequest r = seen.get(0);
    assertEquals(30, r.timeout().toSeconds());
    assertEquals(5, r.heartbeat().toSeconds());
    assertEquals(r.taskToken(), r.parameters().get("token").asText());
  }

  @Test
  void map_itemSelector_andMaxConcurrencyOne_runItemsInOrder() throws Exception {
    List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    JsonNode out =
        run(
            """
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.envs", "MaxConcurrency": 1,
          "ItemSelector": {"env.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "app.$": "$.app"},
          "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:lambda:eu-west-1:1:function:f", "End": true}}},
          "ResultPath": "$.results", "End": true}}}""",
            "{\"app\": \"shop\", \"envs\": [\"dev\", \"prod\"]}",
            r -> {
              order.add(r.parameters().get("i").asInt());
              return r.parameters();
            });
    assertEquals(List.of(0, 1), order);
    assertEquals(
        json(
            "[{\"env\": \"dev\", \"i\": 0, \"app\": \"shop\"}, {\"env\": \"prod\", \"i\": 1, \"app\": \"shop\"}]"),
        out.get("results"));
  }

  @Test
  void parallel_failsAsSoonAsAnyBranchFails_withoutWaitingForSlowerOnes() throws Exception {
    long started = System.nanoTime();
    StatesError e =
        assertThrows(
            StatesError.class,
            () ->
                run(
                    """
        {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
          {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 3600, "End": true}}},
          {"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "Broken", "Cause": "branch 2"}}}]}}}""",
                    "{}"));
    assertEquals("Broken", e.error());
    // An hour of execution time is 3.6 s at 1000x: the failure did not wait for it.
    assertTrue(java.time.Duration.ofNanos(System.nanoTime() - started).toMillis() < 3000);
  }

  @Test
  void jsonPath_referencePathsWriteIntoCopies_andIndefinitePathsGiveArrays() throws Exception {
    JsonNode input = json("{\"a\": {\"b\": 1}, \"xs\": [{\"n\": 1}, {\"n\": 5}]}");
    assertEquals(
        json("{\"a\": {\"b\": 1, \"c\": {\"d\": 2}}, \"xs\": [{\"n\": 1}, {\"n\": 5}]}"),
        JsonPath.parse("$.a.c.d").write(input, json("2")));
    assertEquals(json("{\"b\": 1}"), input.get("a"));
    assertEquals(json("[5]"), JsonPath.parse("$.xs[?(@.n > 2)].n").select(input));
    assertEquals(json("[1, 5]"), JsonPath.parse("$..n").select(input));
    var missing =
        assertThrows(JsonPath.NoMatch.class, () -> JsonPath.parse("$.a.x.y").select(input));
    assertEquals("Missing property in path $['a']['x']", missing.getMessage());
  }
}
