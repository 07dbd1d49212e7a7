package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task tokens of {@code .waitForTaskToken} tasks waiting for SendTaskSuccess/Failure/Heartbeat. A
 * token that was answered or timed out is remembered so a late answer gets TaskTimedOut, as on AWS,
 * rather than TaskDoesNotExist.
 */
final class TaskTokens {

  /** What a caller did with a token. */
  enum Answer {
    ACCEPTED,
    UNKNOWN,
    CLOSED
  }

  static final class Pending {
    final String executionArn;
    final CompletableFuture<JsonNode> outcome = new CompletableFuture<>();

    /** Counts heartbeats, so the waiter can see whether one arrived during an interval. */
    final AtomicLong heartbeats = new AtomicLong();

    /**
     * The answer, once accepted: saved with the execution's checkpoint before the caller is told.
     */
    volatile ExecutionStore.TokenAnswer answer;

    Pending(String executionArn) {
      this.executionArn = executionArn;
    }
  }

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Set<String> closed = ConcurrentHashMap.newKeySet();

  /**
   * Opens a token, or returns it if already open (reopened from a store before its task resumed).
   */
  Pending open(String token, String executionArn) {
    return pending.computeIfAbsent(token, t -> new Pending(executionArn));
  }

  /** The open token, or null. */
  Pending pending(String token) {
    return pending.get(token);
  }

  /**
   * What a caller who finds no open token is told: it was answered or timed out, or never existed.
   */
  Answer absent(String token) {
    return closed.contains(token) ? Answer.CLOSED : Answer.UNKNOWN;
  }

  /**
   * Completes the open token's wait with {@code answer} (recorded first); false if it already
   * ended.
   */
  static boolean complete(Pending p, ExecutionStore.TokenAnswer answer) {
    if (p.outcome.isDone()) {
      return false;
    }
    p.answer = answer;
    if (answer.success()) {
      JsonNode output;
      try {
        output = io.stagecoach.local.stepfunctions.asl.Json.parse(answer.output());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("unreadable task output", e);
      }
      return p.outcome.complete(output);
    }
    return p.outcome.completeExceptionally(new StatesError(answer.error(), answer.cause()));
  }

  void close(String token) {
    if (pending.remove(token) != null) {
      closed.add(token);
    }
  }

  Answer heartbeat(String token) {
    Pending p = pending.get(token);
    if (p == null) {
      return closed.contains(token) ? Answer.CLOSED : Answer.UNKNOWN;
    }
    p.heartbeats.incrementAndGet();
    return Answer.ACCEPTED;
  }

  /** Tokens still waiting, with their execution: what a durable store persists. */
  Map<String, String> waiting() {
    Map<String, String> out = new java.util.HashMap<>();
    pending.forEach((token, p) -> out.put(token, p.executionArn));
    return out;
  }
}
