package io.stagecoach.domain.promotion;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One gate of one stage and where it stands, in words a person acts on: {@code reason} says why,
 * {@code until} when it can move (a window's opening, an approval's expiry, the end of a soak),
 * {@code missing} what an approval still needs per group, {@code decisions} who has decided.
 */
public record Gate(
    Kind kind,
    State state,
    String reason,
    Optional<Instant> until,
    Map<String, Integer> missing,
    List<Approval.Decision> decisions) {

  /** The gates a stage can have, in the order a release meets them. */
  public enum Kind {
    ORDER,
    FREEZE,
    WINDOW,
    QUEUE,
    DRIFT,
    APPROVAL,
    VERIFICATION,
    SOAK;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * {@code passed}: the release went through; {@code open}: it would go through now; {@code
   * waiting}: it waits for something that comes by itself or from people (a window, approvals, a
   * soak, its turn); {@code closed}: it refuses now (a freeze, a window that opens too late);
   * {@code failed}: it stopped the promotion; {@code pending}: not reached yet; {@code drifted}:
   * the stage blocks on drift and its environment has drifted, so the release waits until a
   * deployment or a confirmed break-glass clears it.
   */
  public enum State {
    PASSED,
    OPEN,
    WAITING,
    CLOSED,
    FAILED,
    PENDING,
    DRIFTED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Gate {
    // In the policy's order.
    missing = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(missing));
    decisions = List.copyOf(decisions);
  }

  static Gate of(Kind kind, State state, String reason) {
    return new Gate(kind, state, reason, Optional.empty(), Map.of(), List.of());
  }

  static Gate until(Kind kind, State state, String reason, Instant until) {
    return new Gate(kind, state, reason, Optional.of(until), Map.of(), List.of());
  }

  /** Whether this gate, as it stands, stops a release from going on. */
  public boolean refuses() {
    return state == State.CLOSED || state == State.FAILED;
  }

  /** The gates of one stage, in the order a release meets them. */
  public record OfStage(String environment, List<Gate> gates) {
    public OfStage {
      gates = List.copyOf(gates);
    }
  }
}
