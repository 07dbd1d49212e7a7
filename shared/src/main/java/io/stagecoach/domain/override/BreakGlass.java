package io.stagecoach.domain.override;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An admin's request to force one deploy, destroy or promotion past the gates that refuse it
 * ({@code freeze}, {@code window}), with a reason. It takes effect only when a second, different
 * admin confirms it within its time box; then each deployment it makes records each gate it went
 * past (basis {@code break-glass}). {@code refusals} are the sentences of the gates as they refused
 * when it was asked; {@code gates} the names of those gates. A promotion's ({@link Action#PROMOTE})
 * {@code environment} is its first stage and {@code stages} lists every stage it covers, first to
 * last, with the gates it may go past there (none for a deploy or destroy, whose gates are those of
 * {@code environment}). Confirmed, it names what it made: {@code deploymentId} or {@code
 * promotionId}.
 */
public record BreakGlass(
    String id,
    String app,
    String environment,
    Action action,
    Optional<String> version,
    List<String> gates,
    List<String> refusals,
    List<StageGates> stages,
    String reason,
    String requestedBy,
    Instant requestedAt,
    Instant expiresAt,
    Status status,
    Optional<String> confirmedBy,
    Optional<Instant> confirmedAt,
    Optional<String> deploymentId,
    Optional<String> promotionId,
    long revision) {

  /** How long a request waits for its confirmation. */
  public static final Duration TIME_BOX = Duration.ofMinutes(60);

  public static final int MAX_REASON = 256;

  /** The basis a confirmed break-glass gives the gates its deployment went past. */
  public static final String BASIS = "break-glass";

  /** A stage a promotion's break-glass covers, and the gates it may go past there. */
  public record StageGates(String environment, List<String> gates) {
    public StageGates {
      java.util.Objects.requireNonNull(environment, "environment");
      gates = List.copyOf(gates);
    }
  }

  /** What it forces. */
  public enum Action {
    DEPLOY,
    DESTROY,
    PROMOTE;

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
    stages = List.copyOf(stages);
  }

  /** The prefix of a promotion a break-glass starts: its id is this and the break-glass's. */
  private static final String PROMOTION_PREFIX = "pr-";

  /**
   * The id of the promotion a confirmed break-glass of {@code id} starts: derived, so that its
   * deployments find the break-glass that let them through ({@link #idOfPromotion}).
   */
  public static String promotionIdFor(String id) {
    return PROMOTION_PREFIX + id;
  }

  /** The break-glass a promotion of this id was started by, if it was ({@link #promotionIdFor}). */
  public static Optional<String> idOfPromotion(String promotionId) {
    return promotionId.startsWith(PROMOTION_PREFIX + "bg-")
        ? Optional.of(promotionId.substring(PROMOTION_PREFIX.length()))
        : Optional.empty();
  }

  /**
   * Whether, confirmed, it lets {@code environment} past {@code gate}: a deploy or destroy the
   * gates it names in its own environment; a promotion the gates it names for that stage.
   */
  public boolean covers(String environment, String gate) {
    if (action == Action.PROMOTE) {
      return stages.stream()
          .anyMatch(s -> s.environment().equals(environment) && s.gates().contains(gate));
    }
    return this.environment.equals(environment) && gates.contains(gate);
  }

  /**
   * Whether, confirmed, it lets {@code environment} past its freeze made at {@code frozenAt}: only
   * a freeze it was asked past, made before it was asked for (a freeze made after is another
   * decision, and holds).
   */
  public boolean coversFreeze(String environment, Instant frozenAt) {
    return covers(environment, GateOverride.FREEZE) && !frozenAt.isAfter(requestedAt);
  }

  /** Confirmed, and by the promotion {@code promotionId} it started. */
  public boolean startedPromotion(String promotionId) {
    return action == Action.PROMOTE
        && status == Status.CONFIRMED
        && this.promotionId.equals(Optional.of(promotionId));
  }

  /** As it stands at {@code now}: a pending request past its time box has expired. */
  public Status statusAt(Instant now) {
    return status == Status.PENDING && !now.isBefore(expiresAt) ? Status.EXPIRED : status;
  }

  /** Confirmed by {@code admin} at {@code at}, with the deployment it made. */
  public BreakGlass confirmed(String admin, Instant at, String deployment) {
    return confirmed(admin, at, Optional.of(deployment), Optional.empty());
  }

  /** Confirmed by {@code admin} at {@code at}, with the promotion it started. */
  public BreakGlass confirmedPromotion(String admin, Instant at, String promotion) {
    return confirmed(admin, at, Optional.empty(), Optional.of(promotion));
  }

  private BreakGlass confirmed(
      String admin, Instant at, Optional<String> deployment, Optional<String> promotion) {
    return new BreakGlass(
        id,
        app,
        environment,
        action,
        version,
        gates,
        refusals,
        stages,
        reason,
        requestedBy,
        requestedAt,
        expiresAt,
        Status.CONFIRMED,
        Optional.of(admin),
        Optional.of(at),
        deployment,
        promotion,
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
