package io.stagecoach.domain.deployment;

import io.stagecoach.domain.events.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings to an end the deployments that a lost event or a provisioner that died left unfinished.
 * What may be done depends on what is known of the provisioners that could be at work:
 *
 * <ul>
 *   <li>{@link #sweep}: nothing is known (on AWS a provisioner may be running in another function
 *       instance), so a deployment is sent again only once it is older than {@link #GRACE}. A
 *       delivery for a deployment whose run is alive starts nothing; one whose provisioner died is
 *       continued by the first delivery after its lease ran out ({@link ProvisioningRun#LEASE}).
 *   <li>{@link #afterRestart}: every provisioner that held a lease taken before {@code startedAt}
 *       is known to be gone (the local cloud runs all of them in its own process and owns its data
 *       directory, and has just started). Those leases are handed back to their deployments at
 *       once, and every deployment requested before the start is sent again, whatever its age.
 * </ul>
 *
 * <p>Both only send {@code Deployment Requested}: the provisioner decides from the registry what a
 * delivery does, so a deployment sent twice is still provisioned once.
 */
public final class DeploymentRecovery {

  /** Deployments younger than this are left to their first delivery by the sweeper. */
  public static final Duration GRACE = Duration.ofMinutes(10);

  /** At most this many deployments are sent again per sweep; the next sweep takes the rest. */
  static final int SWEEP_BATCH = 50;

  /**
   * At most this many after a restart; any more (not seen on one machine) are left to the sweeper.
   */
  static final int RESTART_BATCH = 1000;

  private final Deployments deployments;
  private final EventPublisher events;

  public DeploymentRecovery(Deployments deployments, EventPublisher events) {
    this.deployments = deployments;
    this.events = events;
  }

  /**
   * What was sent again: every deployment's id, and among them those whose lease was handed back.
   */
  public record Resent(List<String> deployments, List<String> leasesReclaimed) {
    public Resent {
      deployments = List.copyOf(deployments);
      leasesReclaimed = List.copyOf(leasesReclaimed);
    }
  }

  /**
   * Sends {@code Deployment Requested} again for the deployments still unfinished {@link #GRACE}
   * after they were requested.
   */
  public Resent sweep(Instant now) {
    List<String> resent = new ArrayList<>();
    for (Deployment d : deployments.unfinished(now.minus(GRACE), SWEEP_BATCH)) {
      events.publish(new DeploymentRequested(d));
      resent.add(d.id());
    }
    return new Resent(resent, List.of());
  }

  /**
   * Resumes what a crash interrupted, when the caller knows that no provisioner which started
   * before {@code startedAt} is alive: a {@code provisioning} deployment gets its lease back (if it
   * was taken before the start, so never one a run of this process took meanwhile), and every
   * deployment requested before the start is sent again.
   */
  public Resent afterRestart(Instant startedAt) {
    // A lease lasts LEASE from when it was taken or last extended: one taken before the start ends
    // before this.
    Instant takenBeforeTheStart = startedAt.plus(ProvisioningRun.LEASE);
    List<String> resent = new ArrayList<>();
    List<String> reclaimed = new ArrayList<>();
    for (Deployment d : deployments.unfinished(startedAt, RESTART_BATCH)) {
      if (d.status() == DeploymentStatus.PROVISIONING
          && deployments.reclaimLease(d.app(), d.environment(), d.id(), takenBeforeTheStart)) {
        reclaimed.add(d.id());
      }
      events.publish(new DeploymentRequested(d));
      resent.add(d.id());
    }
    return new Resent(resent, reclaimed);
  }
}
