package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where state machines and executions outlive the process: a restarted service reloads them, and
 * executions that were waiting for a task token or in a Wait state carry on from their checkpoint.
 *
 * <p>An execution is two things: its small record (status, checkpoint, output), overwritten at each
 * checkpoint, and its history, appended to: a checkpoint writes only the events recorded since the
 * last one, so what persisting costs follows what changed, not how long the execution has run.
 */
public interface ExecutionStore {

  record StoredStateMachine(
      String arn, String name, String definition, String roleArn, Instant creationDate) {}

  /**
   * Where a running execution is: the top-level state it entered with that input, and what it waits
   * for (a Wait's wake-up time, or a task token with the task's deadline).
   */
  record Checkpoint(
      String state,
      String input,
      Instant wakeAt,
      String taskToken,
      Instant taskDeadline,
      TokenAnswer answer) {
    Checkpoint(String state, String input, Instant wakeAt, String taskToken, Instant taskDeadline) {
      this(state, input, wakeAt, taskToken, taskDeadline, null);
    }
  }

  /**
   * A task token's answer, saved before SendTaskSuccess/Failure replies so that a restart resumes
   * with it rather than waiting again: the output (SendTaskSuccess), or error and cause
   * (SendTaskFailure).
   */
  record TokenAnswer(boolean success, String output, String error, String cause) {}

  /** An execution's record, without its history ({@link #appendHistory}). */
  record StoredExecution(
      String arn,
      String stateMachineArn,
      String name,
      String input,
      String status,
      String output,
      String error,
      String cause,
      Instant startDate,
      Instant stopDate,
      Checkpoint checkpoint) {}

  void putStateMachine(StoredStateMachine machine);

  void deleteStateMachine(String arn);

  List<StoredStateMachine> stateMachines();

  /** Writes (or overwrites) an execution's record. */
  void putExecution(StoredExecution execution);

  /**
   * Adds events to an execution's history: they follow, with consecutive ids, the events appended
   * before. Appending again from an id already stored (a retry after a failed write) replaces from
   * there.
   */
  void appendHistory(String executionArn, List<Run.HistoryEvent> events);

  List<StoredExecution> executions();

  /** The execution's history appended so far, in id order; empty if none. */
  List<Run.HistoryEvent> history(String executionArn);

  /** Forgets the execution: its record and its history. */
  void deleteExecution(String executionArn);

  /** Kept in this process only: survives a new service instance, not a new JVM. */
  static ExecutionStore inMemory() {
    Map<String, StoredStateMachine> machines = new ConcurrentHashMap<>();
    Map<String, StoredExecution> executions = new ConcurrentHashMap<>();
    // Events are immutable once recorded, so the memory store keeps them as they are.
    Map<String, List<Run.HistoryEvent>> histories = new ConcurrentHashMap<>();
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
      public void appendHistory(String executionArn, List<Run.HistoryEvent> events) {
        if (events.isEmpty()) {
          return;
        }
        List<Run.HistoryEvent> history =
            histories.computeIfAbsent(executionArn, k -> new ArrayList<>());
        synchronized (history) {
          int from = (int) events.get(0).id() - 1;
          while (history.size() > from) {
            history.remove(history.size() - 1);
          }
          history.addAll(events);
        }
      }

      @Override
      public List<StoredExecution> executions() {
        return List.copyOf(executions.values());
      }

      @Override
      public List<Run.HistoryEvent> history(String executionArn) {
        List<Run.HistoryEvent> history = histories.get(executionArn);
        if (history == null) {
          return List.of();
        }
        synchronized (history) {
          return List.copyOf(history);
        }
      }

      @Override
      public void deleteExecution(String executionArn) {
        executions.remove(executionArn);
        histories.remove(executionArn);
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
      return new StoredStateMachine(
          o.get("arn").asText(),
          o.get("name").asText(),
          o.get("definition").asText(),
          text(o, "roleArn"),
          Instant.parse(o.get("creationDate").asText()));
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
      Checkpoint c = e.checkpoint();
      if (c != null) {
        ObjectNode cp = o.putObject("checkpoint");
        cp.put("state", c.state());
        cp.put("input", c.input());
        cp.put("wakeAt", c.wakeAt() == null ? null : c.wakeAt().toString());
        cp.put("taskToken", c.taskToken());
        cp.put("taskDeadline", c.taskDeadline() == null ? null : c.taskDeadline().toString());
        TokenAnswer a = c.answer();
        if (a != null) {
          ObjectNode an = cp.putObject("answer");
          an.put("success", a.success());
          an.put("output", a.output());
          an.put("error", a.error());
          an.put("cause", a.cause());
        }
      }
      return Json.write(o);
    }

    static StoredExecution readExecution(String text) throws JsonProcessingException {
      JsonNode o = Json.parse(text);
      JsonNode cp = o.get("checkpoint");
      JsonNode an = cp == null ? null : cp.get("answer");
      TokenAnswer a =
          an == null || an.isNull()
              ? null
              : new TokenAnswer(
                  an.path("success").asBoolean(),
                  text(an, "output"),
                  text(an, "error"),
                  text(an, "cause"));
      Checkpoint c =
          cp == null || cp.isNull()
              ? null
              : new Checkpoint(
                  text(cp, "state"),
                  text(cp, "input"),
                  instant(cp, "wakeAt"),
                  text(cp, "taskToken"),
                  instant(cp, "taskDeadline"),
                  a);
      return new StoredExecution(
          text(o, "arn"),
          text(o, "stateMachineArn"),
          text(o, "name"),
          text(o, "input"),
          text(o, "status"),
          text(o, "output"),
          text(o, "error"),
          text(o, "cause"),
          instant(o, "startDate"),
          instant(o, "stopDate"),
          c);
    }

    /**
     * Records written before histories were stored apart held the whole history here; null if not.
     */
    static String legacyHistory(String text) throws JsonProcessingException {
      return text(Json.parse(text), "history");
    }

    /** Events as a JSON array. */
    static String write(List<Run.HistoryEvent> events) {
      ArrayNode out = NODES.arrayNode();
      for (Run.HistoryEvent h : events) {
        ObjectNode o = out.addObject();
        o.put("id", h.id());
        o.put("previousEventId", h.previousEventId());
        o.put("timestamp", h.timestamp().toString());
        o.put("type", h.type());
        o.put("detailsKey", h.detailsKey());
        o.set("details", h.details());
      }
      return Json.write(out);
    }

    static List<Run.HistoryEvent> readHistory(String text) throws JsonProcessingException {
      List<Run.HistoryEvent> out = new ArrayList<>();
      if (text == null) {
        return out;
      }
      for (JsonNode o : Json.parse(text)) {
        JsonNode details = o.get("details");
        out.add(
            new Run.HistoryEvent(
                o.get("id").asLong(),
                o.get("previousEventId").asLong(),
                Instant.parse(o.get("timestamp").asText()),
                o.get("type").asText(),
                o.hasNonNull("detailsKey") ? o.get("detailsKey").asText() : null,
                details == null || !details.isObject() ? null : (ObjectNode) details));
      }
      return out;
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
