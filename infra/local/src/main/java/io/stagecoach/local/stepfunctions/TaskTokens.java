package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task tokens of {@code .waitForTaskToken} tasks waiting for SendTaskSuccess/Failure/Heartbeat. A token
 * that was answered or timed out is remembered so a late answer gets TaskTimedOut, as on AWS, rather than
 * TaskDoesNotExist.
 */
final class TaskTokens {

  /** What a caller did with a token. */
  enum Answer { ACCEPTED, UNKNOWN, CLOSED }

  static final class Pending {
    final String executionArn;
    final CompletableFuture<JsonNode> outcome = new CompletableFuture<>();
    /** Counts heartbeats, so the waiter can see whether one arrived during an interval. */
    final AtomicLong heartbeats = new AtomicLong();

    Pending(String executionArn) {
      this.executionArn = executionArn;
    }
  }

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Set<String> closed = ConcurrentHashMap.newKeySet();

  /** Opens a token, or returns it if already open (reopened from a store before its task resumed). */
  Pending open(String token, String executionArn) {
    return pending.computeIfAbsent(token, t -> new Pending(executionArn));
  }

  void close(String token) {
    if (pending.remove(token) != null) {
      closed.add(token);
    }
  }

  Answer succeed(String token, JsonNode output) {
    Pending p = pending.get(token);
    if (p == null) {
      return closed.contains(token) ? Answer.CLOSED : Answer.UNKNOWN;
    }
    return p.outcome.complete(output) ? Answer.ACCEPTED : Answer.CLOSED;
  }

  Answer fail(String token, String error, String cause) {
    Pending p = pending.get(token);
    if (p == null) {
      return closed.contains(token) ? Answer.CLOSED : Answer.UNKNOWN;
    }
    return p.outcome.completeExceptionally(new StatesError(error, cause)) ? Answer.ACCEPTED : Answer.CLOSED;
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
