package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.stepfunctions.asl.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where state machines and executions outlive the process: a restarted service reloads them, and
 * executions that were waiting for a task token or in a Wait state carry on from their checkpoint.
 */
public interface ExecutionStore {

  record StoredStateMachine(String arn, String name, String definition, String roleArn, Instant creationDate) {}

  /**
   * Where a running execution is: the top-level state it entered with that input, and what it waits for
   * (a Wait's wake-up time, or a task token with the task's deadline).
   */
  record Checkpoint(String state, String input, Instant wakeAt, String taskToken, Instant taskDeadline) {}

  /** An execution; {@code history} is the GetExecutionHistory events as a JSON array. */
  record StoredExecution(String arn, String stateMachineArn, String name, String input, String status,
      String output, String error, String cause, Instant startDate, Instant stopDate, String history,
      Checkpoint checkpoint) {}

  void putStateMachine(StoredStateMachine machine);

  void deleteStateMachine(String arn);

  List<StoredStateMachine> stateMachines();

  void putExecution(StoredExecution execution);

  List<StoredExecution> executions();

  /** Kept in this process only: survives a new service instance, not a new JVM. */
  static ExecutionStore inMemory() {
    Map<String, StoredStateMachine> machines = new ConcurrentHashMap<>();
    Map<String, StoredExecution> executions = new ConcurrentHashMap<>();
    return new ExecutionStore() {
      @Override
      public void putStateMachine(StoredStateMachine machine) {
        machines.put(machine.arn(), machine);
      }

      @Override
      public void deleteStateMachine(String arn) {
        machines.remove(arn);
      }

      @Override
      public List<StoredStateMachine> stateMachines() {
        return List.copyOf(machines.values());
      }

      @Override
      public void putExecution(StoredExecution execution) {
        executions.put(execution.arn(), execution);
      }

      @Override
      public List<StoredExecution> executions() {
        return List.copyOf(executions.values());
      }
    };
  }

  /** JSON documents for stores that keep records as text. */
  final class Documents {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Documents() {}

    static String write(StoredStateMachine m) {
      ObjectNode o = NODES.objectNode();
      o.put("arn", m.arn());
      o.put("name", m.name());
      o.put("definition", m.definition());
      o.put("roleArn", m.roleArn());
      o.put("creationDate", m.creationDate().toString());
      return Json.write(o);
    }

    static StoredStateMachine readStateMachine(String text) throws JsonProcessingException {
      JsonNode o = Json.parse(text);
      return new StoredStateMachine(o.get("arn").asText(), o.get("name").asText(), o.get("definition").asText(),
          text(o, "roleArn"), Instant.parse(o.get("creationDate").asText()));
    }

    static String write(StoredExecution e) {
      ObjectNode o = NODES.objectNode();
      o.put("arn", e.arn());
      o.put("stateMachineArn", e.stateMachineArn());
      o.put("name", e.name());
      o.put("input", e.input());
      o.put("status", e.status());
      o.put("output", e.output());
      o.put("error", e.error());
      o.put("cause", e.cause());
      o.put("startDate", e.startDate().toString());
      o.put("stopDate", e.stopDate() == null ? null : e.stopDate().toString());
      o.put("history", e.history());
      Checkpoint c = e.checkpoint();
      if (c != null) {
        ObjectNode cp = o.putObject("checkpoint");
        cp.put("state", c.state());
        cp.put("input", c.input());
        cp.put("wakeAt", c.wakeAt() == null ? null : c.wakeAt().toString());
        cp.put("taskToken", c.taskToken());
        cp.put("taskDeadline", c.taskDeadline() == null ? null : c.taskDeadline().toString());
      }
      return Json.write(o);
    }

    static StoredExecution readExecution(String text) throws JsonProcessingException {
      JsonNode o = Json.parse(text);
      JsonNode cp = o.get("checkpoint");
      Checkpoint c = cp == null || cp.isNull() ? null : new Checkpoint(text(cp, "state"), text(cp, "input"),
          instant(cp, "wakeAt"), text(cp, "taskToken"), instant(cp, "taskDeadline"));
      return new StoredExecution(text(o, "arn"), text(o, "stateMachineArn"), text(o, "name"), text(o, "input"),
          text(o, "status"), text(o, "output"), text(o, "error"), text(o, "cause"), instant(o, "startDate"),
          instant(o, "stopDate"), text(o, "history"), c);
    }

    private static String text(JsonNode o, String field) {
      JsonNode v = o.get(field);
      return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode o, String field) {
      String v = text(o, field);
      return v == null ? null : Instant.parse(v);
    }
  }
}
