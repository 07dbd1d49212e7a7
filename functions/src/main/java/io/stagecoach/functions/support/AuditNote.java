package io.stagecoach.functions.support;

import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.DriftChecks;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.registry.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a request or command changed, for its audit entry: its target {@code before} and {@code
 * after} (a revision, a release, a status; each where known) and a {@code detail}. A surface puts
 * it on its answer, taken from what the core returned; it is never part of what the caller is sent.
 * The words are the core's ({@link Saved#revision}, {@link Saved#release}) and the statuses' wire
 * names.
 */
public record AuditNote(Optional<String> before, Optional<String> after, Optional<String> detail) {

  public static final AuditNote NONE =
      new AuditNote(Optional.empty(), Optional.empty(), Optional.empty());

  public AuditNote {
    java.util.Objects.requireNonNull(before, "before");
    java.util.Objects.requireNonNull(after, "after");
    java.util.Objects.requireNonNull(detail, "detail");
  }

  public static AuditNote of(Optional<String> before, String after) {
    return new AuditNote(before, Optional.of(after), Optional.empty());
  }

  public static AuditNote of(String before, String after) {
    return of(Optional.of(before), after);
  }

  public AuditNote withDetail(String text) {
    return new AuditNote(before, after, Optional.of(text));
  }

  /**
   * A write of an app or environment: the revision it replaced (none for a create) and the one it
   * made.
   */
  public static AuditNote revisions(Saved<?> saved, long revision) {
    return of(saved.before(), Saved.revision(revision));
  }

  /**
   * An update of an environment the core makes in one write that adds one to its revision (a
   * freeze, a pin, an extension: conditioned on the revision it read, or an atomic increment), so
   * the revision before is one less than {@code revision}, the one it made.
   */
  public static AuditNote updated(long revision, Optional<String> state) {
    return of(Saved.revision(revision - 1), withState(Saved.revision(revision), state));
  }

  /** Something removed: what it was ({@code revision 3}), and {@code deleted}. */
  public static AuditNote deleted(long revision) {
    return of(Saved.revision(revision), "deleted");
  }

  /**
   * A deploy, rollback or destroy recorded: the release the environment ran, the release asked for
   * (or {@code destroying}) and the deployment that carries it out.
   */
  public static AuditNote deployment(
      Saved<?> saved, Optional<String> version, String deploymentId) {
    String after =
        version.map(Saved::release).orElse("destroying") + " (deployment " + deploymentId + ")";
    return saved.created()
        ? of(saved.before(), after)
        : of(Optional.empty(), after)
            .withDetail("the same request again: nothing new was recorded");
  }

  /**
   * A freeze or a thaw: the revision before and the one it made, with the state the environment is
   * left in ({@code frozen}, {@code open}).
   */
  public static AuditNote freeze(Environment env) {
    return updated(env.revision(), Optional.of(env.freeze().isPresent() ? "frozen" : "open"));
  }

  /**
   * An ephemeral environment's expiry moved: the revision before and after, with the new expiry.
   */
  public static AuditNote extended(Environment env) {
    return updated(env.revision(), env.expiresAt().map(t -> "expires at " + t));
  }

  /**
   * A decision on an approval: the core decides only a pending one, so before is {@code pending};
   * after is its status now ({@code approved}, {@code rejected}, or still {@code pending} while it
   * waits for other approvers, which the detail says).
   */
  public static AuditNote approval(Approval approval, boolean approve) {
    String decision = "decision " + (approve ? "approve" : "reject");
    AuditNote note = of(Approval.Status.PENDING.wireName(), approval.status().wireName());
    if (!approval.isPending()) {
      return note.withDetail(decision);
    }
    List<String> missing = new ArrayList<>();
    new TreeMap<>(approval.missing()).forEach((group, n) -> missing.add(n + " of " + group));
    return note.withDetail(decision + " counted; still missing " + String.join(", ", missing));
  }

  /** A promotion started: its id and status. */
  public static AuditNote promotion(Promotion promotion) {
    return of(
        Optional.empty(), "promotion " + promotion.id() + " " + promotion.status().wireName());
  }

  /** A drift check asked for: the check started, or the one already under way. */
  public static AuditNote driftCheck(DriftChecks.Requested requested) {
    return new AuditNote(
        Optional.empty(),
        requested
            .check()
            .map(c -> "drift check " + c.id() + (requested.started() ? " started" : " under way")),
        Optional.empty());
  }

  private static String withState(String revision, Optional<String> state) {
    return state.map(s -> revision + " (" + s + ")").orElse(revision);
  }
}
