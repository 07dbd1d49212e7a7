package io.stagecoach.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One execution's identity (what the context object's Execution and StateMachine hold) and its
 * history, appended to by every branch of the execution.
 */
public final class Run {

  /** One GetExecutionHistory event: {@code details} goes under {@code detailsKey} on the wire. */
  public record HistoryEvent(
      long id,
      long previousEventId,
      Instant timestamp,
      String type,
      String detailsKey,
      ObjectNode details) {}

  private final String executionArn;
  private final String name;
  private final String stateMachineArn;
  private final String stateMachineName;
  private final String roleArn;
  private final JsonNode input;
  private final Instant startTime;
  private final StepClock clock;
  private final List<HistoryEvent> history = new ArrayList<>();

  public Run(
      String executionArn,
      String name,
      String stateMachineArn,
      String stateMachineName,
      String roleArn,
      JsonNode input,
      StepClock clock) {
    this.executionArn = executionArn;
    this.name = name;
    this.stateMachineArn = stateMachineArn;
    this.stateMachineName = stateMachineName;
    this.roleArn = roleArn;
    this.input = input;
    this.clock = clock;
    this.startTime = clock.now();
  }

  /** A run restored from a store, with its start time and the history recorded so far. */
  public Run(
      String executionArn,
      String name,
      String stateMachineArn,
      String stateMachineName,
      String roleArn,
      JsonNode input,
      StepClock clock,
      Instant startTime,
      List<HistoryEvent> history) {
    this.executionArn = executionArn;
    this.name = name;
    this.stateMachineArn = stateMachineArn;
    this.stateMachineName = stateMachineName;
    this.roleArn = roleArn;
    this.input = input;
    this.clock = clock;
    this.startTime = startTime;
    this.history.addAll(history);
  }

  public String stateMachineName() {
    return stateMachineName;
  }

  public String roleArn() {
    return roleArn;
  }

  public String executionArn() {
    return executionArn;
  }

  public String name() {
    return name;
  }

  public String stateMachineArn() {
    return stateMachineArn;
  }

  public JsonNode input() {
    return input;
  }

  public Instant startTime() {
    return startTime;
  }

  public StepClock clock() {
    return clock;
  }

  /** The id of the latest entry into {@code state} (0 if none): for causes after a restart. */
  synchronized long lastEnteredId(String state) {
    for (int i = history.size() - 1; i >= 0; i--) {
      HistoryEvent e = history.get(i);
      if (e.type().endsWith("StateEntered")
          && e.details() != null
          && state.equals(e.details().path("name").asText())) {
        return e.id();
      }
    }
    return 0;
  }

  /** Appends an event and returns its id (ids start at 1, as on AWS). */
  public synchronized long record(String type, String detailsKey, ObjectNode details) {
    long id = history.size() + 1L;
    history.add(new HistoryEvent(id, id - 1, clock.now(), type, detailsKey, details));
    return id;
  }

  public synchronized List<HistoryEvent> history() {
    return List.copyOf(history);
  }

  /**
   * The events after the first {@code from}: what was recorded since a store last saw the history.
   */
  public synchronized List<HistoryEvent> historySince(int from) {
    return List.copyOf(history.subList(Math.min(from, history.size()), history.size()));
  }

  /** The context object's Execution and StateMachine parts. */
  ObjectNode contextBase() {
    ObjectNode ctx = JsonNodeFactory.instance.objectNode();
    ObjectNode execution = ctx.putObject("Execution");
    execution.put("Id", executionArn);
    execution.set("Input", input);
    execution.put("StartTime", startTime.toString());
    execution.put("Name", name);
    execution.put("RoleArn", roleArn);
    execution.put("RedriveCount", 0);
    ObjectNode machine = ctx.putObject("StateMachine");
    machine.put("Id", stateMachineArn);
    machine.put("Name", stateMachineName);
    return ctx;
  }
}
