package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.stepfunctions.asl.Definitions;
import io.stagecoach.local.stepfunctions.asl.Interpreter;
import io.stagecoach.local.stepfunctions.asl.InvalidDefinition;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Step Functions for the local cloud: state machines, executions run by the Stagecoach ASL {@link
 * Interpreter}, task-token callbacks, and the AWS JSON 1.0 API ({@code X-Amz-Target:
 * AWSStepFunctions.<Action>}) so SDK clients work unchanged.
 *
 * <p>Construct with {@code new StepFunctionsService(integrations, StepClock.system(), region,
 * account, store)} ({@link DynamoDbExecutionStore} for durability, or the 4-argument constructor
 * for memory only), call {@link #resumeRunning()} to reload what the store holds, and host {@link
 * #handle} on a {@code WireServer}.
 */
public final class StepFunctionsService implements AutoCloseable {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String JSON_1_0 = "application/x-amz-json-1.0";

  /**
   * Names of state machines and executions: 1 to 80 characters, none of whitespace, brackets,
   * wildcards, {@code " # % \ ^ | ~ ` $ & , ; : /} or control characters (CreateStateMachine and
   * StartExecution API references).
   */
  private static final Pattern NAME =
      Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]{1,80}");

  private static final Pattern STATE_MACHINE_ARN =
      Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[^:]+");
  private static final Pattern EXECUTION_ARN =
      Pattern.compile("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:execution:[^:]+:[^:]+");

  /** Execution statuses, as DescribeExecution names them. */
  public enum Status {
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    ABORTED
  }

  /** A created state machine. */
  public record StateMachine(
      String arn,
      String name,
      String definition,
      JsonNode root,
      String roleArn,
      String type,
      Instant creationDate) {}

  /** One execution and, once it ended, its result. */
  public static final class Execution {
    private final StateMachine machine;
    private final Run run;
    private volatile Status status = Status.RUNNING;
    private volatile JsonNode output;
    private volatile String error;
    private volatile String cause;
    private volatile Instant stopDate;
    private volatile Thread thread;
    private volatile ExecutionStore.Checkpoint checkpoint;

    /** How many of the run's events the store holds (guarded by this). */
    private int storedEvents;

    /** Dropped by retention: nothing more of it reaches the store (guarded by this). */
    private boolean removed;

    /** Counted among its state machine's finished executions (guarded by this). */
    private boolean retained;

    /** Ended, saved, and the retention applied after it (guarded by this). */
    private boolean settled;

    /** Whether the last attempt to save its end reached the store (guarded by this). */
    private boolean endSaved;

    /**
     * The id of its last event once it ended (0 while running): events the machine records after
     * that, before it notices it was stopped, are neither shown nor saved.
     */
    private volatile long lastEventId;

    Execution(StateMachine machine, Run run) {
      this.machine = machine;
      this.run = run;
    }

    public String arn() {
      return run.executionArn();
    }

    public Status status() {
      return status;
    }

    public Optional<JsonNode> output() {
      return Optional.ofNullable(output);
    }

    public String error() {
      return error;
    }

    public String cause() {
      return cause;
    }

    public List<Run.HistoryEvent> history() {
      List<Run.HistoryEvent> all = run.history();
      long last = lastEventId;
      return last == 0 || all.size() <= last ? all : all.subList(0, (int) last);
    }

    /** Moves to a terminal status once; false when another outcome got there first. */
    synchronized boolean finish(
        Status to,
        JsonNode output,
        String error,
        String cause,
        String eventType,
        String detailsKey,
        ObjectNode details) {
      if (status != Status.RUNNING) {
        return false;
      }
      this.output = output;
      this.error = error;
      this.cause = cause;
      this.stopDate = run.clock().now();
      this.lastEventId = run.record(eventType, detailsKey, details);
      this.status = to;
      notifyAll();
      return true;
    }

    /**
     * Waits until the execution ended and retention was applied to it; true if its end was saved,
     * false if that failed or the timeout passed first.
     */
    synchronized boolean awaitEnd(Duration timeout) throws InterruptedException {
      long until = System.nanoTime() + timeout.toNanos();
      while (status == Status.RUNNING || !settled) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return endSaved;
    }
  }

  /**
   * How many finished executions the service keeps, in memory and in the store. AWS keeps a closed
   * execution for 90 days; a local cloud whose {@code serve} runs for weeks, starting executions
   * from events, would hold all of them in memory and reload all of them on every start, so it also
   * keeps at most {@code finishedPerStateMachine} finished executions of each state machine: when
   * one more finishes, those that finished first go, from memory and from the store. Executions
   * still running are never dropped. A dropped execution is gone as on AWS after its retention:
   * DescribeExecution and GetExecutionHistory answer ExecutionDoesNotExist, and its name may be
   * used again.
   */
  public record Retention(Duration finishedFor, int finishedPerStateMachine) {
    public Retention {
      if (finishedFor.isNegative() || finishedPerStateMachine < 0) {
        throw new IllegalArgumentException("retention must not be negative");
      }
    }

    /** 90 days, as AWS, and at most 1,000 finished executions per state machine. */
    public static Retention defaults() {
      return new Retention(Duration.ofDays(90), 1000);
    }
  }

  private final StepClock clock;
  private final String region;
  private final String account;
  private final TaskTokens tokens = new TaskTokens();
  private final Interpreter interpreter;
  private final Map<String, StateMachine> machines = new ConcurrentHashMap<>();
  private final Map<String, Execution> executions = new ConcurrentHashMap<>();
  private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();
  private final ExecutionStore store;
  private final Retention retention;

  /**
   * Per state machine, its finished executions in the order they finished (each guarded by itself).
   */
  private final Map<String, ArrayDeque<Execution>> finished = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /** A service whose executions live in memory only. */
  public StepFunctionsService(
      Integrations integrations, StepClock clock, String region, String account) {
    this(integrations, clock, region, account, ExecutionStore.inMemory());
  }

  /** A service on {@code store}, keeping finished executions as {@link Retention#defaults()}. */
  public StepFunctionsService(
      Integrations integrations,
      StepClock clock,
      String region,
      String account,
      ExecutionStore store) {
    this(integrations, clock, region, account, store, Retention.defaults());
  }

  public StepFunctionsService(
      Integrations integrations,
      StepClock clock,
      String region,
      String account,
      ExecutionStore store,
      Retention retention) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.store = store;
    this.retention = retention;
    this.interpreter =
        new Interpreter(new TaskRunner(integrations, tokens), new StoreCheckpoints());
  }

  /**
   * Reloads the store's state machines and executions; running ones carry on from their checkpoint:
   * a task keeps waiting for its token (until its original deadline), a Wait sleeps only the time
   * it had left, any other state is entered again (a Lambda task may run twice: at least once, as
   * on AWS). Returns how many executions were resumed.
   */
  public int resumeRunning() {
    for (ExecutionStore.StoredStateMachine m : store.stateMachines()) {
      try {
        machines.put(
            m.arn(),
            new StateMachine(
                m.arn(),
                m.name(),
                m.definition(),
                Definitions.parse(m.definition()),
                m.roleArn(),
                "STANDARD",
                m.creationDate()));
      } catch (InvalidDefinition e) {
        throw new IllegalStateException(
            "stored state machine " + m.arn() + " is invalid: " + e.getMessage(), e);
      }
    }
    List<Runnable> resumed = new ArrayList<>();
    List<Execution> loadedFinished = new ArrayList<>();
    for (ExecutionStore.StoredExecution stored : store.executions()) {
      StateMachine machine = machines.get(stored.stateMachineArn());
      if (machine == null || executions.containsKey(stored.arn())) {
        continue;
      }
      JsonNode input;
      List<Run.HistoryEvent> history = store.history(stored.arn());
      try {
        input = Json.parse(stored.input());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("stored execution " + stored.arn() + " is unreadable", e);
      }
      Run run =
          new Run(
              stored.arn(),
              stored.name(),
              machine.arn(),
              machine.name(),
              machine.roleArn(),
              input,
              clock,
              stored.startDate(),
              history);
      Execution execution = new Execution(machine, run);
      execution.status = Status.valueOf(stored.status());
      execution.error = stored.error();
      execution.cause = stored.cause();
      execution.stopDate = stored.stopDate();
      execution.checkpoint = stored.checkpoint();
      execution.storedEvents = history.size();
      try {
        execution.output = stored.output() == null ? null : Json.parse(stored.output());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "stored execution " + stored.arn() + " has unreadable output", e);
      }
      executions.put(stored.arn(), execution);
      if (execution.status != Status.RUNNING) {
        execution.endSaved = true; // read from the store
        loadedFinished.add(execution);
      }
      if (execution.status == Status.RUNNING) {
        if (stored.checkpoint() != null && stored.checkpoint().taskToken() != null) {
          // Open before resumeRunning returns: an answer may arrive before the resumed task waits
          // again.
          TaskTokens.Pending pending = tokens.open(stored.checkpoint().taskToken(), stored.arn());
          if (stored.checkpoint().answer() != null) {
            // Answered (and the caller told so) before the restart: the resumed wait ends with that
            // answer.
            TaskTokens.complete(pending, stored.checkpoint().answer());
          }
        }
        resumed.add(() -> runExecution(execution, stored.checkpoint()));
      }
    }
    // Those kept beyond the retention (a lower limit than the last run's, or time passed) go now,
    // before
    // any resumed execution runs: one that ends quickly must join its state machine's finished ones
    // after
    // those that ended before the restart, or the limit would drop it as if it were the oldest.
    loadedFinished.sort(Comparator.comparing(StepFunctionsService::stopped));
    loadedFinished.forEach(this::retain);
    resumed.forEach(runner::submit);
    return resumed.size();
  }

  /** Saves a finished execution for the last time and applies the {@link Retention}. */
  private void ended(Execution e) {
    boolean saved = false;
    try {
      persist(e);
      saved = true;
    } finally {
      synchronized (e) {
        e.endSaved = saved;
      }
      retain(e);
    }
  }

  private void retain(Execution e) {
    synchronized (e) {
      if (e.retained || e.removed) {
        return;
      }
      e.retained = true;
    }
    List<Execution> drop = new ArrayList<>();
    ArrayDeque<Execution> done = finished.computeIfAbsent(e.machine.arn(), k -> new ArrayDeque<>());
    synchronized (done) {
      done.addLast(e);
      while (done.size() > retention.finishedPerStateMachine()) {
        drop.add(done.pollFirst());
      }
    }
    Instant cutoff = clock.now().minus(retention.finishedFor());
    for (ArrayDeque<Execution> each : finished.values()) {
      synchronized (each) {
        // The whole list, not only its head: two executions ending at once may join it out of
        // order.
        each.removeIf(
            old -> {
              if (stopped(old).isBefore(cutoff)) {
                drop.add(old);
                return true;
              }
              return false;
            });
      }
    }
    try {
      drop.forEach(this::forget);
    } finally {
      synchronized (e) {
        e.settled = true;
        e.notifyAll();
      }
    }
  }

  private static Instant stopped(Execution e) {
    return e.stopDate == null ? e.run.startTime() : e.stopDate;
  }

  private void forget(Execution e) {
    executions.remove(e.arn(), e);
    synchronized (e) {
      e.removed = true;
      if (!closed) {
        try {
          store.deleteExecution(e.arn());
        } catch (RuntimeException notDeleted) {
          // Left in the store, it is past the retention when a service loads it next, and dropped
          // then.
        }
      }
    }
  }

  /** Persists checkpoints of top-level states as executions reach them. */
  private final class StoreCheckpoints implements Interpreter.Checkpoints {
    @Override
    public void entered(Run run, String state, JsonNode input) {
      Execution e = executions.get(run.executionArn());
      if (e != null) {
        e.checkpoint = new ExecutionStore.Checkpoint(state, Json.write(input), null, null, null);
        persist(e);
      }
    }

    @Override
    public void waiting(Run run, String state, Instant wakeAt) {
      Execution e = executions.get(run.executionArn());
      if (e != null && e.checkpoint != null) {
        e.checkpoint =
            new ExecutionStore.Checkpoint(state, e.checkpoint.input(), wakeAt, null, null);
        persist(e);
      }
    }

    @Override
    public void awaitingToken(Run run, String state, String token, Instant deadline) {
      Execution e = executions.get(run.executionArn());
      if (e != null && e.checkpoint != null) {
        TaskTokens.Pending pending = tokens.pending(token);
        // Under the execution's lock, as an answer is saved: an answer that came first is kept.
        synchronized (e) {
          e.checkpoint =
              new ExecutionStore.Checkpoint(
                  state,
                  e.checkpoint.input(),
                  null,
                  token,
                  deadline,
                  pending == null ? null : pending.answer);
          persist(e);
        }
      }
    }
  }

  /**
   * Saves what changed since the last time: the events recorded since (appended, first, so the
   * record never points past the history the store holds) and the execution's small record.
   */
  private void persist(Execution e) {
    if (closed) {
      // A closed service is gone, as if killed: what it does while stopping must not reach the
      // store.
      return;
    }
    synchronized (e) {
      if (e.removed) {
        return;
      }
      List<Run.HistoryEvent> events = e.run.historySince(e.storedEvents);
      long last = e.lastEventId;
      if (last != 0 && e.storedEvents + events.size() > last) {
        events = events.subList(0, (int) Math.max(0, last - e.storedEvents));
      }
      if (!events.isEmpty()) {
        store.appendHistory(e.arn(), events);
        e.storedEvents += events.size();
      }
      store.putExecution(
          new ExecutionStore.StoredExecution(
              e.arn(),
              e.machine.arn(),
              e.run.name(),
              Json.write(e.run.input()),
              e.status.name(),
              e.output == null ? null : Json.write(e.output),
              e.error,
              e.cause,
              e.run.startTime(),
              e.stopDate,
              e.status == Status.RUNNING ? e.checkpoint : null));
    }
  }

  // ---- in-process API (the local cloud loads the template's state machines with these)
  // -----------

  /** Creates (or, with the same definition and role, returns) a state machine; its ARN. */
  public String createStateMachine(String name, String definition, String roleArn)
      throws InvalidDefinition {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Invalid Name: '" + name + "'");
    }
    JsonNode root = Definitions.parse(definition);
    String arn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name;
    StateMachine created =
        new StateMachine(arn, name, definition, root, roleArn, "STANDARD", clock.now());
    StateMachine existing = machines.putIfAbsent(arn, created);
    if (existing != null
        && !(existing.root().equals(root)
            && java.util.Objects.equals(existing.roleArn(), roleArn))) {
      throw new ApiError(
          "StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'");
    }
    if (existing == null) {
      store.putStateMachine(
          new ExecutionStore.StoredStateMachine(
              arn, name, definition, roleArn, created.creationDate()));
    }
    return arn;
  }

  /**
   * Creates the state machine, or gives an existing one the new definition and role, as a
   * CloudFormation update does: executions already running keep the definition they started with.
   */
  public String createOrUpdateStateMachine(String name, String definition, String roleArn)
      throws InvalidDefinition {
    try {
      return createStateMachine(name, definition, roleArn);
    } catch (ApiError e) {
      if (!e.type().equals("StateMachineAlreadyExists")) {
        throw e;
      }
      JsonNode root = Definitions.parse(definition);
      String arn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name;
      StateMachine old = machines.get(arn);
      StateMachine updated =
          new StateMachine(arn, name, definition, root, roleArn, "STANDARD", old.creationDate());
      machines.put(arn, updated);
      store.putStateMachine(
          new ExecutionStore.StoredStateMachine(
              arn, name, definition, roleArn, old.creationDate()));
      return arn;
    }
  }

  /** Starts an execution (name null: a generated one); its ARN. */
  public String startExecution(String stateMachineArn, String name, String input) {
    StateMachine machine = machines.get(stateMachineArn);
    if (machine == null) {
      throw new ApiError(
          "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + stateMachineArn + "'");
    }
    String executionName = name == null ? UUID.randomUUID().toString() : name;
    if (!NAME.matcher(executionName).matches()) {
      throw new ApiError("InvalidName", "Invalid Name: '" + executionName + "'");
    }
    JsonNode inputNode;
    try {
      inputNode = input == null ? NODES.objectNode() : Json.parse(input);
      if (inputNode == null || inputNode.isMissingNode()) {
        throw new ApiError(
            "InvalidExecutionInput", "Invalid State Machine Execution Input: 'empty input'");
      }
    } catch (JsonProcessingException e) {
      throw new ApiError(
          "InvalidExecutionInput",
          "Invalid State Machine Execution Input: '" + e.getOriginalMessage() + "'");
    }
    String arn =
        "arn:aws:states:"
            + region
            + ":"
            + account
            + ":execution:"
            + machine.name()
            + ":"
            + executionName;
    Run run =
        new Run(
            arn, executionName, machine.arn(), machine.name(), machine.roleArn(), inputNode, clock);
    Execution execution = new Execution(machine, run);
    Execution existing = executions.putIfAbsent(arn, execution);
    if (existing != null) {
      // The same name and input while it runs is a retried call: the same execution (StartExecution
      // docs).
      if (existing.status == Status.RUNNING && existing.run.input().equals(inputNode)) {
        return arn;
      }
      throw new ApiError("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
    }
    ObjectNode started = NODES.objectNode();
    started.put("input", Json.write(inputNode));
    started.put("roleArn", machine.roleArn());
    run.record("ExecutionStarted", "executionStartedEventDetails", started);
    persist(execution);
    runner.submit(() -> runExecution(execution, null));
    return arn;
  }

  public Optional<Execution> execution(String executionArn) {
    return Optional.ofNullable(executions.get(executionArn));
  }

  /**
   * Waits (wall-clock) until the execution ended and that was saved; false if it still runs after
   * {@code timeout}, or if saving its end failed.
   */
  public boolean awaitEnd(String executionArn, Duration timeout) throws InterruptedException {
    Execution e = executions.get(executionArn);
    return e != null && e.awaitEnd(timeout);
  }

  private void runExecution(Execution execution, ExecutionStore.Checkpoint from) {
    execution.thread = Thread.currentThread();
    if (execution.status != Status.RUNNING) {
      // Stopped (or timed out) before its thread was known, so nothing interrupted it: it must not
      // run.
      // Whoever ended it saved that end.
      return;
    }
    JsonNode root = execution.machine.root();
    ScheduledTimeout timeout = null;
    if (root.has("TimeoutSeconds")) {
      // Counted from the execution's start, also across a restart.
      Instant end = execution.run.startTime().plusSeconds(root.get("TimeoutSeconds").asLong());
      timeout = new ScheduledTimeout(execution, end);
    }
    try {
      JsonNode output =
          from == null
              ? interpreter.run(execution.run, root)
              : interpreter.resume(
                  execution.run,
                  root,
                  new Interpreter.Resume(
                      from.state(),
                      Json.parse(from.input()),
                      from.wakeAt(),
                      from.taskToken(),
                      from.taskDeadline()));
      execution.finish(
          Status.SUCCEEDED,
          output,
          null,
          null,
          "ExecutionSucceeded",
          "executionSucceededEventDetails",
          NODES.objectNode().put("output", Json.write(output)));
    } catch (StatesError e) {
      ObjectNode details = NODES.objectNode();
      details.put("error", e.error());
      details.put("cause", e.cause());
      execution.finish(
          Status.FAILED,
          null,
          e.error(),
          e.cause(),
          "ExecutionFailed",
          "executionFailedEventDetails",
          details);
    } catch (InterruptedException e) {
      // Stopped or timed out: whoever interrupted already recorded the outcome.
      Thread.currentThread().interrupt();
    } catch (JsonProcessingException e) {
      execution.finish(
          Status.FAILED,
          null,
          StatesError.RUNTIME,
          "unreadable checkpoint",
          "ExecutionFailed",
          "executionFailedEventDetails",
          NODES.objectNode().put("error", StatesError.RUNTIME));
    } catch (RuntimeException e) {
      ObjectNode details = NODES.objectNode();
      details.put("error", StatesError.RUNTIME);
      details.put("cause", String.valueOf(e));
      execution.finish(
          Status.FAILED,
          null,
          StatesError.RUNTIME,
          String.valueOf(e),
          "ExecutionFailed",
          "executionFailedEventDetails",
          details);
    } finally {
      if (timeout != null) {
        timeout.cancel();
      }
      if (execution.status == Status.RUNNING) {
        persist(execution);
      } else {
        ended(execution);
      }
    }
  }

  /** The execution-level TimeoutSeconds: ends the execution TIMED_OUT and stops its thread. */
  private final class ScheduledTimeout {
    private final Thread watcher;

    /** Ends {@code execution} when the service's clock reads {@code end}. */
    ScheduledTimeout(Execution execution, Instant end) {
      watcher =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      clock.sleepUntil(end);
                    } catch (InterruptedException e) {
                      return;
                    }
                    // DescribeExecution shows no error for a timed-out execution (recorded); the
                    // event carries it.
                    if (execution.finish(
                        Status.TIMED_OUT,
                        null,
                        null,
                        null,
                        "ExecutionTimedOut",
                        "executionTimedOutEventDetails",
                        NODES.objectNode().put("error", StatesError.TIMEOUT))) {
                      ended(execution);
                      Thread t = execution.thread;
                      if (t != null) {
                        t.interrupt();
                      }
                    }
                  });
    }

    void cancel() {
      watcher.interrupt();
    }
  }

  /** StopExecution: ABORTED, with the caller's error and cause. */
  public void stopExecution(String executionArn, String error, String cause) {
    Execution e = executions.get(executionArn);
    if (e == null) {
      throw new ApiError(
          "ExecutionDoesNotExist", "Execution Does Not Exist: '" + executionArn + "'");
    }
    ObjectNode details = NODES.objectNode();
    details.put("error", error);
    details.put("cause", cause);
    if (e.finish(
        Status.ABORTED,
        null,
        error,
        cause,
        "ExecutionAborted",
        "executionAbortedEventDetails",
        details)) {
      ended(e);
      Thread t = e.thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  public void sendTaskSuccess(String token, String output) {
    JsonNode value;
    try {
      value = Json.parse(output);
    } catch (JsonProcessingException e) {
      throw new ApiError("InvalidOutput", "Invalid Output: '" + e.getOriginalMessage() + "'");
    }
    answerToken(token, new ExecutionStore.TokenAnswer(true, Json.write(value), null, null));
  }

  public void sendTaskFailure(String token, String error, String cause) {
    answerToken(token, new ExecutionStore.TokenAnswer(false, null, error, cause));
  }

  /**
   * Accepts an answer only once it is saved with the execution's checkpoint: a caller told 200 will
   * not answer again, so a restart after that must resume with this answer rather than wait for
   * another.
   */
  private void answerToken(String token, ExecutionStore.TokenAnswer answer) {
    TaskTokens.Pending pending = tokens.pending(token);
    if (pending == null) {
      answer(token, tokens.absent(token));
      return;
    }
    Execution e = executions.get(pending.executionArn);
    if (e == null) {
      answer(
          token,
          TaskTokens.complete(pending, answer)
              ? TaskTokens.Answer.ACCEPTED
              : TaskTokens.Answer.CLOSED);
      return;
    }
    boolean accepted;
    synchronized (e) {
      if (pending.outcome.isDone()) {
        accepted = false;
      } else {
        ExecutionStore.Checkpoint c = e.checkpoint;
        if (e.status == Status.RUNNING && c != null && token.equals(c.taskToken())) {
          e.checkpoint =
              new ExecutionStore.Checkpoint(
                  c.state(), c.input(), c.wakeAt(), c.taskToken(), c.taskDeadline(), answer);
          try {
            persist(e);
          } catch (RuntimeException notSaved) {
            e.checkpoint = c;
            throw notSaved;
          }
        }
        // Otherwise the token's checkpoint is not written yet: it will carry pending.answer when it
        // is.
        accepted = TaskTokens.complete(pending, answer);
      }
    }
    answer(token, accepted ? TaskTokens.Answer.ACCEPTED : TaskTokens.Answer.CLOSED);
  }

  public void sendTaskHeartbeat(String token) {
    answer(token, tokens.heartbeat(token));
  }

  private static void answer(String token, TaskTokens.Answer answer) {
    switch (answer) {
      case ACCEPTED -> {}
      case CLOSED -> throw new ApiError("TaskTimedOut", "Task Timed Out: '" + token + "'");
      case UNKNOWN -> {
        if (token == null || token.length() < 16) {
          throw new ApiError("InvalidToken", "Invalid Token: '" + token + "'");
        }
        throw new ApiError("TaskDoesNotExist", "Task Does Not Exist: '" + token + "'");
      }
      default -> throw new IllegalStateException();
    }
  }

  @Override
  public void close() {
    closed = true;
    executions
        .values()
        .forEach(
            e -> {
              Thread t = e.thread;
              if (t != null) {
                t.interrupt();
              }
            });
    runner.shutdownNow();
  }

  // ---- the AWS JSON 1.0 protocol
  // ------------------------------------------------------------------

  /** A refusal in the AWS JSON error shape ({@code __type}, {@code message}), HTTP 400. */
  public static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String type;

    public ApiError(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }

    public String type() {
      return type;
    }
  }

  public RawResponse handle(RawRequest request) {
    String target = request.header("X-Amz-Target");
    if (target == null || !target.startsWith("AWSStepFunctions.")) {
      return error("UnknownOperationException", "Unknown operation " + target);
    }
    String action = target.substring("AWSStepFunctions.".length());
    try {
      JsonNode body =
          request.body() == null || request.body().length == 0
              ? NODES.objectNode()
              : Json.MAPPER.readTree(request.body());
      if (body == null || !body.isObject()) {
        return error("SerializationException", "the request body must be a JSON object");
      }
      return ok(dispatch(action, body));
    } catch (ApiError e) {
      return error(e.type(), e.getMessage());
    } catch (java.io.IOException e) {
      return error("SerializationException", "the request body is not JSON");
    } catch (InvalidDefinition e) {
      return error("InvalidDefinition", e.getMessage());
    } catch (IllegalArgumentException e) {
      return error("ValidationException", e.getMessage());
    }
  }

  private JsonNode dispatch(String action, JsonNode body) throws InvalidDefinition {
    return switch (action) {
      case "CreateStateMachine" -> {
        String name = required(body, "name");
        String arn;
        try {
          arn = createStateMachine(name, required(body, "definition"), required(body, "roleArn"));
        } catch (IllegalArgumentException e) {
          throw new ApiError("InvalidName", e.getMessage());
        }
        if (body.has("type") && !"STANDARD".equals(body.get("type").asText())) {
          throw new ApiError(
              "ValidationException", "only STANDARD state machines are supported locally");
        }
        ObjectNode out = NODES.objectNode().put("stateMachineArn", arn);
        out.put("creationDate", epoch(machines.get(arn).creationDate()));
        yield out;
      }
      case "DescribeStateMachine" -> {
        StateMachine m = machine(body);
        ObjectNode out = NODES.objectNode();
        out.put("stateMachineArn", m.arn());
        out.put("name", m.name());
        out.put("status", "ACTIVE");
        out.put("definition", m.definition());
        out.put("roleArn", m.roleArn());
        out.put("type", m.type());
        out.put("creationDate", epoch(m.creationDate()));
        yield out;
      }
      case "DeleteStateMachine" -> {
        String arn = arn(body, "stateMachineArn", STATE_MACHINE_ARN);
        machines.remove(arn);
        store.deleteStateMachine(arn);
        yield NODES.objectNode();
      }
      case "ListStateMachines" -> {
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("stateMachines");
        machines.values().stream()
            .sorted(Comparator.comparing(StateMachine::name))
            .forEach(
                m -> {
                  ObjectNode item = list.addObject();
                  item.put("stateMachineArn", m.arn());
                  item.put("name", m.name());
                  item.put("type", m.type());
                  item.put("creationDate", epoch(m.creationDate()));
                });
        yield out;
      }
      case "StartExecution" -> {
        String arn = arn(body, "stateMachineArn", STATE_MACHINE_ARN);
        String exec =
            startExecution(
                arn,
                body.hasNonNull("name") ? body.get("name").asText() : null,
                body.hasNonNull("input") ? body.get("input").asText() : null);
        ObjectNode out = NODES.objectNode().put("executionArn", exec);
        out.put("startDate", epoch(executions.get(exec).run.startTime()));
        yield out;
      }
      case "DescribeExecution" -> describe(execution(body));
      case "GetExecutionHistory" -> history(execution(body), body);
      case "ListExecutions" -> {
        StateMachine m = machine(body);
        String filter = body.hasNonNull("statusFilter") ? body.get("statusFilter").asText() : null;
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("executions");
        executions.values().stream()
            .filter(e -> e.machine.arn().equals(m.arn()))
            .filter(e -> filter == null || e.status.name().equals(filter))
            .sorted(Comparator.comparing((Execution e) -> e.run.startTime()).reversed())
            .forEach(
                e -> {
                  ObjectNode item = list.addObject();
                  item.put("executionArn", e.arn());
                  item.put("stateMachineArn", m.arn());
                  item.put("name", e.run.name());
                  item.put("status", e.status.name());
                  item.put("startDate", epoch(e.run.startTime()));
                  if (e.stopDate != null) {
                    item.put("stopDate", epoch(e.stopDate));
                  }
                });
        yield out;
      }
      case "StopExecution" -> {
        Execution e = execution(body);
        stopExecution(e.arn(), text(body, "error"), text(body, "cause"));
        yield NODES
            .objectNode()
            .put("stopDate", epoch(e.stopDate == null ? clock.now() : e.stopDate));
      }
      case "SendTaskSuccess" -> {
        sendTaskSuccess(required(body, "taskToken"), required(body, "output"));
        yield NODES.objectNode();
      }
      case "SendTaskFailure" -> {
        sendTaskFailure(required(body, "taskToken"), text(body, "error"), text(body, "cause"));
        yield NODES.objectNode();
      }
      case "SendTaskHeartbeat" -> {
        sendTaskHeartbeat(required(body, "taskToken"));
        yield NODES.objectNode();
      }
      case "TestState" -> testState(body);
      default -> throw new ApiError("UnknownOperationException", "Unknown operation " + action);
    };
  }

  private ObjectNode describe(Execution e) {
    ObjectNode out = NODES.objectNode();
    out.put("executionArn", e.arn());
    out.put("stateMachineArn", e.machine.arn());
    out.put("name", e.run.name());
    out.put("status", e.status.name());
    out.put("startDate", epoch(e.run.startTime()));
    if (e.stopDate != null) {
      out.put("stopDate", epoch(e.stopDate));
    }
    out.put("input", Json.write(e.run.input()));
    if (e.output != null) {
      out.put("output", Json.write(e.output));
    }
    if (e.error != null) {
      out.put("error", e.error);
    }
    if (e.cause != null) {
      out.put("cause", e.cause);
    }
    return out;
  }

  private static ObjectNode history(Execution e, JsonNode body) {
    List<Run.HistoryEvent> events = new ArrayList<>(e.history());
    if (body.path("reverseOrder").asBoolean(false)) {
      java.util.Collections.reverse(events);
    }
    int start = body.hasNonNull("nextToken") ? Integer.parseInt(body.get("nextToken").asText()) : 0;
    int max = body.path("maxResults").asInt(0) <= 0 ? 1000 : body.get("maxResults").asInt();
    ObjectNode out = NODES.objectNode();
    ArrayNode list = out.putArray("events");
    int end = Math.min(events.size(), start + max);
    for (Run.HistoryEvent h : events.subList(Math.min(start, events.size()), end)) {
      ObjectNode item = list.addObject();
      item.put("id", h.id());
      item.put("previousEventId", h.previousEventId());
      item.put("timestamp", epoch(h.timestamp()));
      item.put("type", h.type());
      if (h.detailsKey() != null && h.details() != null) {
        item.set(h.detailsKey(), h.details());
      }
    }
    if (end < events.size()) {
      out.put("nextToken", String.valueOf(end));
    }
    return out;
  }

  /** TestState: one state on its own, with DEBUG inspection data. */
  private JsonNode testState(JsonNode body) throws InvalidDefinition {
    String definition = required(body, "definition");
    JsonNode state;
    try {
      state = Json.parse(definition);
    } catch (JsonProcessingException e) {
      throw new InvalidDefinition(
          "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
              + e.getOriginalMessage()
              + "'");
    }
    // Validate the state by wrapping it in a one-state machine whose Next targets exist.
    ObjectNode machine = NODES.objectNode().put("StartAt", "TestState");
    ObjectNode states = machine.putObject("States");
    states.set("TestState", state);
    if (state.has("Next")) {
      states.putObject(state.get("Next").asText()).put("Type", "Succeed");
    }
    for (JsonNode c : state.path("Catch")) {
      states.putObject(c.path("Next").asText()).put("Type", "Succeed");
    }
    for (JsonNode c : state.path("Choices")) {
      states.putObject(c.path("Next").asText()).put("Type", "Succeed");
    }
    if (state.has("Default")) {
      states.putObject(state.get("Default").asText()).put("Type", "Succeed");
    }
    Definitions.validate(machine);
    JsonNode input;
    try {
      input =
          body.hasNonNull("input") ? Json.parse(body.get("input").asText()) : NODES.objectNode();
    } catch (JsonProcessingException e) {
      throw new ApiError(
          "InvalidExecutionInput", "Invalid input: '" + e.getOriginalMessage() + "'");
    }
    String name = "TestState";
    String arn =
        "arn:aws:states:"
            + region
            + ":"
            + account
            + ":execution:TestStateMachine:"
            + UUID.randomUUID();
    Run run =
        new Run(
            arn,
            name,
            "arn:aws:states:" + region + ":" + account + ":stateMachine:TestStateMachine",
            "TestStateMachine",
            text(body, "roleArn"),
            input,
            clock);
    ObjectNode out = NODES.objectNode();
    ObjectNode inspection = NODES.objectNode();
    Map<String, JsonNode> steps = new java.util.LinkedHashMap<>();
    try {
      Interpreter.Step step = interpreter.runState(run, name, state, input, steps);
      out.put("status", "SUCCEEDED");
      out.put("output", Json.write(step.output()));
      if (step.next() != null) {
        out.put("nextState", step.next());
      }
    } catch (StatesError e) {
      out.put("status", "FAILED");
      if (e.error() != null) {
        out.put("error", e.error());
      }
      if (e.cause() != null) {
        out.put("cause", e.cause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiError("ServiceUnavailable", "interrupted");
    }
    steps.forEach((k, v) -> inspection.put(k, Json.write(v)));
    if (!"INFO".equals(body.path("inspectionLevel").asText("INFO"))) {
      out.set("inspectionData", inspection);
    }
    return out;
  }

  private StateMachine machine(JsonNode body) {
    String arn = arn(body, "stateMachineArn", STATE_MACHINE_ARN);
    StateMachine m = machines.get(arn);
    if (m == null) {
      throw new ApiError("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
    }
    return m;
  }

  private Execution execution(JsonNode body) {
    String arn = arn(body, "executionArn", EXECUTION_ARN);
    Execution e = executions.get(arn);
    if (e == null) {
      throw new ApiError("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
    }
    return e;
  }

  private static String arn(JsonNode body, String field, Pattern shape) {
    String arn = required(body, field);
    if (!shape.matcher(arn).matches()) {
      throw new ApiError("InvalidArn", "Invalid Arn: '" + arn + "'");
    }
    return arn;
  }

  private static String required(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw new ApiError(
          "ValidationException",
          "1 validation error detected: Value null at '"
              + field
              + "' failed to satisfy constraint: "
              + "Member must not be null");
    }
    return v.asText();
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static double epoch(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  private static RawResponse ok(JsonNode body) {
    return new RawResponse(
        200,
        List.of(
            Map.entry("Content-Type", JSON_1_0),
            Map.entry("x-amzn-RequestId", UUID.randomUUID().toString())),
        Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private static RawResponse error(String type, String message) {
    ObjectNode body = NODES.objectNode().put("__type", type).put("message", message);
    return new RawResponse(
        400,
        List.of(
            Map.entry("Content-Type", JSON_1_0),
            Map.entry("x-amzn-RequestId", UUID.randomUUID().toString())),
        Json.write(body).getBytes(StandardCharsets.UTF_8));
  }
}
