package io.stagecoach.domain.override;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An admin's request to force one deploy or destroy past the gates that refuse it ({@code freeze},
 * {@code window}), with a reason. It takes effect only when a second, different admin confirms it
 * within its time box; then its deployment records each gate it went past (basis {@code
 * break-glass}). {@code refusals} are the sentences of the gates as they refused when it was asked.
 */
public record BreakGlass(
    String id,
    String app,
    String environment,
    Action action,
    Optional<String> version,
    List<String> gates,
    List<String> refusals,
    String reason,
    String requestedBy,
    Instant requestedAt,
    Instant expiresAt,
    Status status,
    Optional<String> confirmedBy,
    Optional<Instant> confirmedAt,
    Optional<String> deploymentId,
    long revision) {

  /** How long a request waits for its confirmation. */
  public static final Duration TIME_BOX = Duration.ofMinutes(60);

  public static final int MAX_REASON = 256;

  /** The basis a confirmed break-glass gives the gates its deployment went past. */
  public static final String BASIS = "break-glass";

  /** What it forces. */
  public enum Action {
    DEPLOY,
    DESTROY;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<Action> fromWire(String value) {
      for (Action a : values()) {
        if (a.wireName().equals(value)) {
          return java.util.Optional.of(a);
        }
      }
      return java.util.Optional.empty();
    }
  }

  public enum Status {
    PENDING,
    CONFIRMED,
    EXPIRED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public BreakGlass {
    gates = List.copyOf(gates);
    refusals = List.copyOf(refusals);
  }

  /** As it stands at {@code now}: a pending request past its time box has expired. */
  public Status statusAt(Instant now) {
    return status == Status.PENDING && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
  }

  /** Confirmed by {@code admin} at {@code at}, with the deployment it made. */
  public BreakGlass confirmed(String admin, Instant at, String deployment) {
    return new BreakGlass(
        id,
        app,
        environment,
        action,
        version,
        gates,
        refusals,
        reason,
        requestedBy,
        requestedAt,
        expiresAt,
        Status.CONFIRMED,
        Optional.of(admin),
        Optional.of(at),
        Optional.of(deployment),
        revision + 1);
  }

  /** What the deployment records for {@code gate}, which refused with {@code refusal}. */
  public GateOverride override(String gate, String refusal, String confirmer) {
    return new GateOverride(
        gate,
        BASIS,
        "break-glass "
            + id
            + " asked by "
            + requestedBy
            + " ("
            + reason
            + "), confirmed by "
            + confirmer
            + ": "
            + refusal);
  }
}
