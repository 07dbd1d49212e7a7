package io.stagecoach.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs ASL state machines (JSONPath query language): every state type, the InputPath → Parameters →
 * ResultSelector → ResultPath → OutputPath pipeline, Retry and Catch. Task states are delegated to
 * {@link Tasks}; time comes from the run's {@link StepClock}. Stopping an execution interrupts its
 * thread: every wait here is interruptible. https://states-language.net/spec.html
 */
public final class Interpreter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What a Task state asks of the outside world. */
  public record TaskRequest(
      Run run,
      String stateName,
      String resource,
      JsonNode parameters,
      String taskToken,
      Duration timeout,
      Duration heartbeat,
      Resume resume,
      TokenListener tokenListener) {}

  /** Told when a top-level task starts waiting for its token, so a durable store can record it. */
  @FunctionalInterface
  public interface TokenListener {
    void awaitingToken(String token, Instant deadline);
  }

  /**
   * Where a restarted execution picks up: the top-level state it was in, that state's input, and
   * what it was waiting for (a Wait's wake-up time, or a task token and the task's deadline).
   */
  public record Resume(
      String state, JsonNode input, Instant wakeAt, String taskToken, Instant taskDeadline) {}

  /**
   * Progress of top-level states, for durability: which state an execution entered with which
   * input, and what it waits for. Branches of Parallel and Map are not checkpointed; a restart
   * re-enters the top-level state that holds them.
   */
  public interface Checkpoints {
    void entered(Run run, String state, JsonNode input);

    void waiting(Run run, String state, Instant wakeAt);

    void awaitingToken(Run run, String state, String token, Instant deadline);

    static Checkpoints none() {
      return new Checkpoints() {
        @Override
        public void entered(Run run, String state, JsonNode input) {}

        @Override
        public void waiting(Run run, String state, Instant wakeAt) {}

        @Override
        public void awaitingToken(Run run, String state, String token, Instant deadline) {}
      };
    }
  }

  /** Runs Task states' resources; failures are {@link StatesError}s. */
  public interface Tasks {
    JsonNode execute(TaskRequest request) throws InterruptedException;
  }

  private final Tasks tasks;
  private final Checkpoints checkpoints;

  public Interpreter(Tasks tasks) {
    this(tasks, Checkpoints.none());
  }

  public Interpreter(Tasks tasks, Checkpoints checkpoints) {
    this.tasks = tasks;
    this.checkpoints = checkpoints;
  }

  /** Runs a whole execution's machine; a failure is the StatesError it ended with. */
  public JsonNode run(Run run, JsonNode definition) throws InterruptedException {
    return runMachine(run, definition, run.input(), null, true, null);
  }

  /** Continues a restarted execution from a checkpoint. */
  public JsonNode resume(Run run, JsonNode definition, Resume resume) throws InterruptedException {
    return runMachine(run, definition, resume.input(), null, true, resume);
  }

  /** One state's output and the next state (null at the end). */
  public record Step(JsonNode output, String next) {}

  /**
   * Runs one state on its own (the TestState API), filling {@code inspection} with the data-flow
   * steps (input, afterInputPath, afterParameters, result, afterResultSelector, afterResultPath) it
   * got through, also when it fails.
   */
  public Step runState(
      Run run, String name, JsonNode state, JsonNode input, Map<String, JsonNode> inspection)
      throws InterruptedException {
    Outcome o = runState(run, name, state, input, null, inspection, false, null);
    return new Step(o.output(), o.next());
  }

  private record Outcome(JsonNode output, String next, boolean end) {}

  private JsonNode runMachine(
      Run run, JsonNode machine, JsonNode input, ObjectNode mapItem, boolean top, Resume resume)
      throws InterruptedException {
    JsonNode states = machine.get("States");
    String current = resume != null ? resume.state() : machine.get("StartAt").asText();
    JsonNode data = input;
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      JsonNode state = states.get(current);
      Outcome o = runState(run, current, state, data, mapItem, null, top, resume);
      resume = null;
      data = o.output();
      if (o.end()) {
        return data;
      }
      current = o.next();
    }
  }

  private Outcome runState(
      Run run,
      String name,
      JsonNode state,
      JsonNode rawInput,
      ObjectNode mapItem,
      Map<String, JsonNode> inspection,
      boolean top,
      Resume resume)
      throws InterruptedException {
    String type = state.get("Type").asText();
    // Read before the entry is recorded: whoever sees the entry in the history knows a Wait's
    // Seconds count from no later than then (a test moving the clock relies on it).
    Instant enteredTime = run.clock().now();
    long enteredId;
    if (resume == null) {
      ObjectNode entered = NODES.objectNode().put("name", name);
      entered.put("input", Json.write(rawInput));
      enteredId = run.record(type + "StateEntered", "stateEnteredEventDetails", entered);
      if (top) {
        checkpoints.entered(run, name, rawInput);
      }
    } else {
      // Re-entered after a restart: the history already has the entry.
      enteredId = run.lastEnteredId(name);
    }
    Scope scope = new Scope(run, name, enteredTime, mapItem);
    scope.top = top;
    scope.resume = resume;
    scope.retryable = List.of("Task", "Parallel", "Map").contains(type);
    if (inspection != null) {
      inspection.put("input", rawInput);
      if (List.of("Choice", "Succeed", "Fail", "Wait").contains(type)) {
        try {
          inspection.put("afterInputPath", inputPath(state, rawInput, scope));
        } catch (StatesError e) {
          // The state itself reports the failure below.
        }
      }
    }
    try {
      Outcome o =
          switch (type) {
            case "Pass" -> pass(state, rawInput, scope, inspection);
            case "Choice" -> choice(name, state, rawInput, scope);
            case "Wait" -> waitState(state, rawInput, scope);
            case "Succeed" ->
                new Outcome(
                    outputPath(state, inputPath(state, rawInput, scope), scope), null, true);
            case "Fail" -> throw fail(state, rawInput, scope);
            case "Task", "Parallel", "Map" ->
                withRetryAndCatch(name, type, state, rawInput, scope, inspection);
            default -> throw new StatesError(StatesError.RUNTIME, "unknown state type " + type);
          };
      if (!"Fail".equals(type)) {
        ObjectNode exited = NODES.objectNode().put("name", name);
        exited.put("output", Json.write(o.output()));
        run.record(type + "StateExited", "stateExitedEventDetails", exited);
      }
      return o;
    } catch (StatesError e) {
      if (StatesError.RUNTIME.equals(e.error())
          && e.cause() != null
          && !e.cause().startsWith("An error occurred while executing the state")) {
        throw new StatesError(
            e.error(),
            "An error occurred while executing the state '"
                + name
                + "' (entered at the event id #"
                + enteredId
                + "). "
                + e.cause());
      }
      throw e;
    }
  }

  /** Per-state view of the context object. */
  private static final class Scope {
    final Run run;
    final String stateName;
    final Instant enteredTime;
    final ObjectNode mapItem;
    int retryCount;
    boolean top;
    Resume resume;

    /**
     * Only states with Retry (Task, Parallel, Map) show $$.State.RetryCount, as recorded on AWS.
     */
    boolean retryable;

    String taskToken;

    Scope(Run run, String stateName, Instant enteredTime, ObjectNode mapItem) {
      this.run = run;
      this.stateName = stateName;
      this.enteredTime = enteredTime;
      this.mapItem = mapItem;
    }

    ObjectNode context() {
      ObjectNode ctx = run.contextBase();
      ObjectNode state = ctx.putObject("State");
      state.put("EnteredTime", enteredTime.toString());
      state.put("Name", stateName);
      if (retryable) {
        state.put("RetryCount", retryCount);
      }
      if (taskToken != null) {
        ctx.putObject("Task").put("Token", taskToken);
      }
      if (mapItem != null) {
        ctx.putObject("Map").set("Item", mapItem);
      }
      return ctx;
    }
  }

  private Outcome pass(
      JsonNode state, JsonNode raw, Scope scope, Map<String, JsonNode> inspection) {
    JsonNode effective = inputPath(state, raw, scope);
    note(inspection, "afterInputPath", effective);
    JsonNode result;
    if (state.has("Result")) {
      result = state.get("Result");
    } else if (state.has("Parameters")) {
      result = evaluate(state.get("Parameters"), effective, scope.context());
    } else {
      result = effective;
    }
    if (!state.has("Result")) {
      note(inspection, "afterParameters", result);
    } else {
      note(inspection, "result", result);
    }
    note(inspection, "afterResultSelector", result);
    JsonNode out = resultPath(state.get("ResultPath"), state.has("ResultPath"), raw, result);
    note(inspection, "afterResultPath", out);
    return next(state, outputPath(state, out, scope));
  }

  private Outcome choice(String name, JsonNode state, JsonNode raw, Scope scope) {
    JsonNode effective = inputPath(state, raw, scope);
    ObjectNode context = scope.context();
    for (JsonNode rule : state.get("Choices")) {
      if (Choices.matches(rule, effective, context)) {
        return new Outcome(outputPath(state, effective, scope), rule.get("Next").asText(), false);
      }
    }
    if (state.has("Default")) {
      return new Outcome(outputPath(state, effective, scope), state.get("Default").asText(), false);
    }
    throw new StatesError(StatesError.NO_CHOICE_MATCHED, "No Matches!");
  }

  private Outcome waitState(JsonNode state, JsonNode raw, Scope scope) throws InterruptedException {
    JsonNode effective = inputPath(state, raw, scope);
    StepClock clock = scope.run.clock();
    // Seconds count from the state's entry; a timestamp is the instant itself.
    Instant wakeAt;
    if (state.has("Seconds")) {
      wakeAt = scope.enteredTime.plusSeconds(state.get("Seconds").asLong());
    } else if (state.has("Timestamp")) {
      wakeAt = timestampOrFail(state.get("Timestamp"), "Timestamp", null).toInstant();
    } else if (state.has("SecondsPath")) {
      String path = state.get("SecondsPath").asText();
      JsonNode v = selectField(path, effective, scope, "SecondsPath");
      if (!v.isIntegralNumber()
          && !(v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0)) {
        throw new StatesError(
            StatesError.RUNTIME,
            "The SecondsPath parameter cannot be parsed as a long value: "
                + path
                + " == "
                + render(v));
      }
      long seconds = v.asLong();
      if (seconds < 0) {
        throw new StatesError(
            StatesError.RUNTIME,
            "The SecondsPath parameter references a negative value: " + path + " == " + render(v));
      }
      wakeAt = scope.enteredTime.plusSeconds(seconds);
    } else {
      String path = state.get("TimestampPath").asText();
      JsonNode v = selectField(path, effective, scope, "TimestampPath");
      wakeAt = timestampOrFail(v, "TimestampPath", path).toInstant();
    }
    if (scope.resume != null && scope.resume.wakeAt() != null) {
      wakeAt = scope.resume.wakeAt();
    }
    if (scope.top) {
      checkpoints.waiting(scope.run, scope.stateName, wakeAt);
    }
    clock.sleepUntil(wakeAt);
    return next(state, outputPath(state, effective, scope));
  }

  private static OffsetDateTime timestampOrFail(JsonNode v, String field, String path) {
    OffsetDateTime t = Choices.timestamp(v);
    if (t == null) {
      throw new StatesError(
          StatesError.RUNTIME,
          "The "
              + field
              + " parameter does not reference a valid ISO-8601 extended offset date-time format string: "
              + (path == null ? "" : path + " == ")
              + render(v));
    }
    return t;
  }

  private static String render(JsonNode v) {
    return v.isTextual() ? v.textValue() : Json.write(v);
  }

  private StatesError fail(JsonNode state, JsonNode raw, Scope scope) {
    String error = state.has("Error") ? state.get("Error").asText() : null;
    String cause = state.has("Cause") ? state.get("Cause").asText() : null;
    if (state.has("ErrorPath")) {
      error = render(dynamicField(state.get("ErrorPath").asText(), raw, scope, "ErrorPath"));
    }
    if (state.has("CausePath")) {
      cause = render(dynamicField(state.get("CausePath").asText(), raw, scope, "CausePath"));
    }
    return new StatesError(error, cause);
  }

  /**
   * A path or intrinsic function in a field such as ErrorPath; a missing path is a States.Runtime.
   */
  private JsonNode dynamicField(String expression, JsonNode input, Scope scope, String field) {
    if (Intrinsics.looksLikeCall(expression)) {
      return Intrinsics.evaluate(expression, input, scope.context());
    }
    return selectField(expression, input, scope, field);
  }

  private static JsonNode selectField(String path, JsonNode input, Scope scope, String field) {
    boolean ctx = path.startsWith("$$");
    try {
      return JsonPath.parse(ctx ? path.substring(1) : path).select(ctx ? scope.context() : input);
    } catch (JsonPath.NoMatch e) {
      throw new StatesError(
          StatesError.RUNTIME,
          "The JSONPath '"
              + path
              + "' specified for the field '"
              + field
              + "' could not be found in the input '"
              + Json.write(input)
              + "'");
    }
  }

  // ---- Task, Parallel and Map share Retry and Catch
  // ------------------------------------------------

  private Outcome withRetryAndCatch(
      String name,
      String type,
      JsonNode state,
      JsonNode raw,
      Scope scope,
      Map<String, JsonNode> inspection)
      throws InterruptedException {
    JsonNode effective = inputPath(state, raw, scope);
    note(inspection, "afterInputPath", effective);
    int[] attempts = new int[state.path("Retry").size()];
    while (true) {
      try {
        JsonNode result =
            switch (type) {
              case "Task" -> task(name, state, effective, scope, inspection);
              case "Parallel" -> parallel(state, effective, scope);
              default -> map(state, effective, scope);
            };
        note(inspection, "result", result);
        if (state.has("ResultSelector")) {
          result = evaluate(state.get("ResultSelector"), result, scope.context());
        }
        note(inspection, "afterResultSelector", result);
        JsonNode out = resultPath(state.get("ResultPath"), state.has("ResultPath"), raw, result);
        note(inspection, "afterResultPath", out);
        return next(state, outputPath(state, out, scope));
      } catch (StatesError e) {
        Duration delay = retryDelay(state.path("Retry"), attempts, e);
        if (delay != null) {
          scope.retryCount++;
          scope.run.clock().sleep(delay);
          continue;
        }
        if (!"Task".equals(type)) {
          // Once, when no retry follows (recorded: ParallelStateFailed/MapStateFailed after the
          // last attempt).
          scope.run.record(type + "StateFailed", null, null);
        }
        for (JsonNode catcher : state.path("Catch")) {
          if (matchesAny(catcher.get("ErrorEquals"), e)) {
            ObjectNode errorOutput = NODES.objectNode();
            errorOutput.put("Error", e.error());
            errorOutput.put("Cause", e.cause());
            JsonNode out =
                resultPath(catcher.get("ResultPath"), catcher.has("ResultPath"), raw, errorOutput);
            return new Outcome(out, catcher.get("Next").asText(), false);
          }
        }
        throw e;
      }
    }
  }

  private static boolean matchesAny(JsonNode errorEquals, StatesError e) {
    for (JsonNode n : errorEquals) {
      if (e.matches(n.asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The delay before the next attempt, or null when no retrier covers the error or it is exhausted.
   */
  private static Duration retryDelay(JsonNode retriers, int[] attempts, StatesError e) {
    for (int i = 0; i < retriers.size(); i++) {
      JsonNode r = retriers.get(i);
      if (!matchesAny(r.get("ErrorEquals"), e)) {
        continue;
      }
      int max = r.path("MaxAttempts").asInt(3);
      if (attempts[i] >= max) {
        return null;
      }
      double interval = r.path("IntervalSeconds").asDouble(1);
      double rate = r.path("BackoffRate").asDouble(2.0);
      double seconds = interval * Math.pow(rate, attempts[i]);
      if (r.has("MaxDelaySeconds")) {
        seconds = Math.min(seconds, r.get("MaxDelaySeconds").asDouble());
      }
      if ("FULL".equals(r.path("JitterStrategy").asText("NONE"))) {
        seconds = ThreadLocalRandom.current().nextDouble(0, Math.max(seconds, Double.MIN_VALUE));
      }
      attempts[i]++;
      return Duration.ofMillis((long) (seconds * 1000));
    }
    return null;
  }

  private JsonNode task(
      String name,
      JsonNode state,
      JsonNode effective,
      Scope scope,
      Map<String, JsonNode> inspection)
      throws InterruptedException {
    String resource = state.get("Resource").asText();
    Resume resume = scope.resume != null && scope.resume.taskToken() != null ? scope.resume : null;
    scope.resume = null;
    scope.taskToken =
        resume != null
            ? resume.taskToken()
            : resource.endsWith(".waitForTaskToken") ? newTaskToken() : null;
    JsonNode parameters =
        state.has("Parameters")
            ? evaluate(state.get("Parameters"), effective, scope.context())
            : effective;
    note(inspection, "afterParameters", parameters);
    Duration timeout = seconds(state, "TimeoutSeconds", effective, scope);
    Duration heartbeat = seconds(state, "HeartbeatSeconds", effective, scope);
    TokenListener listener =
        scope.top
            ? (token, deadline) -> checkpoints.awaitingToken(scope.run, name, token, deadline)
            : (token, deadline) -> {};
    return tasks.execute(
        new TaskRequest(
            scope.run,
            name,
            resource,
            parameters,
            scope.taskToken,
            timeout,
            heartbeat,
            resume,
            listener));
  }

  private static String newTaskToken() {
    // Opaque to callers; long and random like AWS's, so it cannot be guessed.
    return "AQ"
        + UUID.randomUUID().toString().replace("-", "")
        + UUID.randomUUID().toString().replace("-", "");
  }

  private static Duration seconds(JsonNode state, String field, JsonNode effective, Scope scope) {
    if (state.has(field)) {
      return Duration.ofSeconds(state.get(field).asLong());
    }
    if (state.has(field + "Path")) {
      JsonNode v =
          selectField(state.get(field + "Path").asText(), effective, scope, field + "Path");
      if (!v.canConvertToLong() || v.asLong() <= 0) {
        throw new StatesError(
            StatesError.RUNTIME,
            "The " + field + "Path parameter does not reference a positive integer: " + render(v));
      }
      return Duration.ofSeconds(v.asLong());
    }
    return "TimeoutSeconds".equals(field) ? Duration.ofDays(365) : null;
  }

  private JsonNode parallel(JsonNode state, JsonNode effective, Scope scope)
      throws InterruptedException {
    JsonNode input =
        state.has("Parameters")
            ? evaluate(state.get("Parameters"), effective, scope.context())
            : effective;
    scope.run.record("ParallelStateStarted", null, null);
    JsonNode branches = state.get("Branches");
    List<Callable> jobs = new ArrayList<>();
    for (JsonNode branch : branches) {
      jobs.add(() -> runMachine(scope.run, branch, input, scope.mapItem, false, null));
    }
    ArrayNode out = runAll(jobs, 0, -1, -1);
    scope.run.record("ParallelStateSucceeded", null, null);
    return out;
  }

  private JsonNode map(JsonNode state, JsonNode effective, Scope scope)
      throws InterruptedException {
    JsonNode items = effective;
    if (state.has("ItemsPath")) {
      String path = state.get("ItemsPath").asText();
      items = selectField(path, effective, scope, "ItemsPath");
    }
    if (!items.isArray()) {
      throw new StatesError(
          StatesError.RUNTIME, "Map state input must be an array but was: " + Json.write(items));
    }
    int maxConcurrency = state.path("MaxConcurrency").asInt(0);
    if (state.has("MaxConcurrencyPath")) {
      JsonNode v =
          selectField(
              state.get("MaxConcurrencyPath").asText(), effective, scope, "MaxConcurrencyPath");
      if (!v.canConvertToInt() || v.asInt() < 0) {
        throw new StatesError(
            StatesError.RUNTIME, "MaxConcurrencyPath must reference a non-negative integer");
      }
      maxConcurrency = v.asInt();
    }
    JsonNode processor =
        state.has("ItemProcessor") ? state.get("ItemProcessor") : state.get("Iterator");
    JsonNode selector =
        state.has("ItemSelector") ? state.get("ItemSelector") : state.get("Parameters");
    scope.run.record(
        "MapStateStarted",
        "mapStateStartedEventDetails",
        NODES.objectNode().put("length", items.size()));
    List<Callable> jobs = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode item = NODES.objectNode();
      item.put("Index", i);
      item.set("Value", items.get(i));
      int index = i;
      jobs.add(
          () -> {
            JsonNode itemInput =
                selector == null
                    ? item.get("Value")
                    : evaluate(selector, effective, scopeWithItem(scope, item).context());
            scope.run.record(
                "MapIterationStarted",
                "mapIterationStartedEventDetails",
                NODES.objectNode().put("name", scope.stateName).put("index", index));
            JsonNode out;
            try {
              out = runMachine(scope.run, processor, itemInput, item, false, null);
            } catch (StatesError e) {
              scope.run.record(
                  "MapIterationFailed",
                  "mapIterationFailedEventDetails",
                  NODES.objectNode().put("name", scope.stateName).put("index", index));
              throw e;
            }
            scope.run.record(
                "MapIterationSucceeded",
                "mapIterationSucceededEventDetails",
                NODES.objectNode().put("name", scope.stateName).put("index", index));
            return out;
          });
    }
    int toleratedCount = (int) tolerated(state, "ToleratedFailureCount", effective, scope);
    double toleratedPercentage = tolerated(state, "ToleratedFailurePercentage", effective, scope);
    ArrayNode out = runAll(jobs, maxConcurrency, toleratedCount, toleratedPercentage);
    scope.run.record("MapStateSucceeded", null, null);
    return out;
  }

  private static double tolerated(JsonNode state, String field, JsonNode effective, Scope scope) {
    if (state.has(field)) {
      return state.get(field).asDouble();
    }
    if (state.has(field + "Path")) {
      return selectField(state.get(field + "Path").asText(), effective, scope, field + "Path")
          .asDouble();
    }
    return -1;
  }

  private static Scope scopeWithItem(Scope scope, ObjectNode item) {
    Scope s = new Scope(scope.run, scope.stateName, scope.enteredTime, item);
    s.retryCount = scope.retryCount;
    s.retryable = scope.retryable;
    return s;
  }

  @FunctionalInterface
  private interface Callable {
    JsonNode call() throws InterruptedException;
  }

  /**
   * Runs branches or iterations on virtual threads, at most {@code maxConcurrency} at once (0: no
   * limit), results in order. Without a tolerance the first failure, whichever job it comes from,
   * stops the others and is rethrown; with one, failed items become {@code {"Error","Cause"}} and
   * the state fails only past the tolerance.
   */
  private static ArrayNode runAll(
      List<Callable> jobs, int maxConcurrency, int toleratedCount, double toleratedPercentage)
      throws InterruptedException {
    boolean tolerant = toleratedCount >= 0 || toleratedPercentage >= 0;
    Semaphore permits = new Semaphore(maxConcurrency <= 0 ? Integer.MAX_VALUE : maxConcurrency);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger left = new AtomicInteger(jobs.size());
    CompletableFuture<Void> settled = new CompletableFuture<>();
    if (jobs.isEmpty()) {
      settled.complete(null);
    }
    JsonNode[] results = new JsonNode[jobs.size()];
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        int index = i;
        Callable job = jobs.get(i);
        // Permits are taken here, in item order, as Step Functions starts iterations in order: with
        // MaxConcurrency 1 an item never starts before the one ahead of it (taken in the job, any
        // waiting
        // item could win the permit).
        permits.acquire();
        if (settled.isDone()) {
          permits.release();
          break;
        }
        futures.add(
            pool.submit(
                () -> {
                  // The failure is settled before the permit goes to the next item, which then does
                  // not start.
                  try {
                    if (settled.isDone()) {
                      return;
                    }
                    results[index] = job.call();
                  } catch (StatesError e) {
                    if (!tolerant) {
                      settled.completeExceptionally(e);
                      return;
                    }
                    failures.incrementAndGet();
                    ObjectNode failed = NODES.objectNode();
                    failed.put("Error", e.error());
                    failed.put("Cause", e.cause());
                    results[index] = failed;
                  } catch (InterruptedException e) {
                    return;
                  } catch (RuntimeException e) {
                    settled.completeExceptionally(
                        new StatesError(StatesError.RUNTIME, String.valueOf(e)));
                    return;
                  } finally {
                    permits.release();
                  }
                  if (left.decrementAndGet() == 0) {
                    settled.complete(null);
                  }
                }));
      }
      try {
        settled.get();
      } catch (ExecutionException e) {
        throw (StatesError) e.getCause();
      } finally {
        futures.forEach(f -> f.cancel(true));
      }
    }
    if (tolerant) {
      int count = failures.get();
      // With both limits given, exceeding either fails the state (Map state docs, "Tolerated
      // failures").
      boolean overCount = toleratedCount >= 0 && count > toleratedCount;
      boolean overPercentage =
          toleratedPercentage >= 0
              && !jobs.isEmpty()
              && count * 100.0 / jobs.size() > toleratedPercentage;
      if (overCount || overPercentage) {
        throw new StatesError(
            StatesError.EXCEEDED_TOLERATED_FAILURE,
            "The specified tolerated failure threshold was exceeded");
      }
    }
    ArrayNode out = NODES.arrayNode();
    for (JsonNode r : results) {
      out.add(r == null ? NullNode.getInstance() : r);
    }
    return out;
  }

  // ---- data flow --------------------------------------------------------------------------------

  private static JsonNode inputPath(JsonNode state, JsonNode raw, Scope scope) {
    return applyPath(state, "InputPath", raw, scope);
  }

  private static JsonNode outputPath(JsonNode state, JsonNode out, Scope scope) {
    return applyPath(state, "OutputPath", out, scope);
  }

  /** InputPath/OutputPath: absent is "$", null is {} (discard), else the selected value. */
  private static JsonNode applyPath(JsonNode state, String field, JsonNode data, Scope scope) {
    if (!state.has(field)) {
      return data;
    }
    JsonNode p = state.get(field);
    if (p.isNull()) {
      return NODES.objectNode();
    }
    String path = p.asText();
    boolean ctx = path.startsWith("$$");
    try {
      return JsonPath.parse(ctx ? path.substring(1) : path).select(ctx ? scope.context() : data);
    } catch (JsonPath.NoMatch e) {
      throw new StatesError(StatesError.RUNTIME, "Invalid path '" + path + "' : " + e.getMessage());
    }
  }

  /** ResultPath: absent is "$" (the result replaces the input), null keeps the input. */
  private static JsonNode resultPath(
      JsonNode path, boolean present, JsonNode raw, JsonNode result) {
    if (!present) {
      return result;
    }
    if (path.isNull()) {
      return raw;
    }
    try {
      return JsonPath.parse(path.asText()).write(raw, result);
    } catch (JsonPath.NoMatch e) {
      throw new StatesError(
          StatesError.RUNTIME, "Invalid path '" + path.asText() + "' : " + e.getMessage());
    }
  }

  /**
   * Evaluates a payload template (Parameters, ResultSelector, ItemSelector): {@code "key.$"} fields
   * take a path into the input, a context path, or an intrinsic function; everything else is
   * copied.
   */
  public static JsonNode evaluate(JsonNode template, JsonNode input, JsonNode context) {
    if (template.isObject()) {
      ObjectNode out = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : template.properties()) {
        String key = e.getKey();
        if (key.endsWith(".$") && e.getValue().isTextual()) {
          String expression = e.getValue().textValue();
          String field = key.substring(0, key.length() - 2);
          if (Intrinsics.looksLikeCall(expression)) {
            out.set(field, Intrinsics.evaluate(expression, input, context));
          } else {
            boolean ctx = expression.startsWith("$$");
            try {
              out.set(
                  field,
                  JsonPath.parse(ctx ? expression.substring(1) : expression)
                      .select(ctx ? context : input));
            } catch (JsonPath.NoMatch ex) {
              throw new StatesError(
                  StatesError.RUNTIME,
                  "The JSONPath '"
                      + expression
                      + "' specified for the field '"
                      + key
                      + "' could not be found in the input '"
                      + Json.write(ctx ? context : input)
                      + "'");
            }
          }
        } else {
          out.set(key, evaluate(e.getValue(), input, context));
        }
      }
      return out;
    }
    if (template.isArray()) {
      ArrayNode out = NODES.arrayNode();
      template.forEach(t -> out.add(evaluate(t, input, context)));
      return out;
    }
    return template;
  }

  private static Outcome next(JsonNode state, JsonNode output) {
    boolean end = state.path("End").asBoolean(false);
    return new Outcome(output, end ? null : state.path("Next").asText(null), end);
  }

  private static void note(Map<String, JsonNode> inspection, String key, JsonNode value) {
    if (inspection != null) {
      inspection.put(key, value);
    }
  }
}
