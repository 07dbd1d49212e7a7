package io.stagecoach.domain.deployment;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.registry.DeployedRelease;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry port for deployments and the lease that lets one deployment at a time work on an
 * environment. Every write is conditional on the state it was decided from, so a repeated or late
 * event can never move a deployment or an environment backwards.
 */
public interface Deployments {

  /** Records a new break-glass request; {@link WriteResult.AlreadyExists} when its id is taken. */
  WriteResult createBreakGlass(BreakGlass breakGlass);

  Optional<BreakGlass> findBreakGlass(String id);

  /** Replaces a break-glass request if it is still at {@code expectedRevision}. */
  WriteResult saveBreakGlass(BreakGlass breakGlass, long expectedRevision);

  /** Every break-glass request, newest first. */
  Outcome<Page<BreakGlass>> listBreakGlasses(PageRequest page);

  /** Records a new deployment; {@link WriteResult.AlreadyExists} when its id is taken. */
  WriteResult createDeployment(Deployment deployment);

  /** The deployment, read strongly consistently. */
  Optional<Deployment> findDeployment(String app, String id);

  /** An environment's deployments, newest first. */
  Outcome<Page<Deployment>> history(String app, String environment, PageRequest page);

  /**
   * Takes the environment's lease for {@code deployment} (free, expired, or its own and resumable)
   * and marks the deployment {@code provisioning}, in one transaction. When another deployment
   * holds a live lease, {@code deployment} is put on the lease's waiting list instead, for the
   * holder to take up when it is done.
   */
  Claim claim(Deployment deployment, Instant now, Instant leaseUntil);

  sealed interface Claim {
    /**
     * The lease is this deployment's; {@code tookOverFrom} names the holder whose lease had
     * expired.
     */
    record Claimed(Deployment provisioning, Optional<String> tookOverFrom) implements Claim {}

    /** Another deployment works on the environment; this one waits on the lease's list. */
    record Queued(String holder) implements Claim {}

    /**
     * The deployment is no longer {@code requested} (another delivery of its event got there
     * first).
     */
    record NotRequested() implements Claim {}
  }

  /** Points the deployment's answer at another waiting workflow step. */
  void setCallbackToken(String app, String id, String token);

  /**
   * Keeps the lease for a deployment whose work goes on outside the run (a stack still updating)
   * and marks it resumable: the next delivery of its event continues it. Without that mark, a
   * delivery for a deployment that holds a live lease is a duplicate and is left alone.
   */
  boolean extendLease(String app, String environment, String deploymentId, Instant until);

  /**
   * Hands the lease back to the deployment holding it, once its run is known to be gone: marks it
   * resumable, as {@link #extendLease} does, so that the next delivery of the deployment's event
   * continues it at once instead of after the lease runs out. Only a lease that ends before {@code
   * endingBefore} is handed back, so one taken or extended since (by a run that is alive) is left
   * alone. False when nothing was handed back.
   */
  boolean reclaimLease(String app, String environment, String deploymentId, Instant endingBefore);

  /**
   * Ends a deployment that holds the lease: writes its terminal state, on success also what the
   * environment now runs ({@code deployed}; only if nothing newer was applied), and frees the
   * lease. For a successful destroy the environment's record is removed instead (and its app's
   * count of environments lowered).
   */
  Finished finish(Deployment finished, Optional<DeployedRelease> deployed);

  /**
   * What {@link #finish} did: {@code written}; {@code othersWaiting} when deployments were (or may
   * have been) waiting on the lease it freed, which the caller then takes up ({@link
   * #takeWaiting}). When it is false, nobody was waiting as the lease was freed, and nobody can
   * queue on a free lease.
   */
  record Finished(WriteResult written, boolean othersWaiting) {}

  /**
   * Frees the lease of a deployment that hit a technical error and puts it back to {@code
   * requested}.
   */
  WriteResult requeue(Deployment retrying);

  /**
   * Ends a deployment that is still {@code requested} (superseded, or failed before it could
   * start).
   */
  WriteResult close(Deployment closed);

  /**
   * The deployments waiting on the environment's lease, removed from the list; empty when none
   * wait. Only the caller that freed the lease calls this, when {@link #finish} told it that others
   * were waiting, so nobody else takes the same ids.
   */
  List<String> takeWaiting(String app, String environment);

  /**
   * Deployments not yet terminal that were requested before {@code before}, oldest first: {@link
   * DeploymentRecovery} sends their events again, so a lost event or a crashed provisioner never
   * leaves one waiting for ever.
   */
  List<Deployment> unfinished(Instant before, int limit);
}
