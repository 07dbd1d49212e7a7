package io.stagecoach.domain.drift;

import java.time.Instant;
import java.util.Optional;

/**
 * The drift gate of a stage that asks for it ({@code blockOnDrift}): a promotion into an
 * environment whose last check, made since its last deployment, found it drifted waits there. A new
 * deployment (the release it runs again, which repairs it, or a confirmed break-glass deploy) makes
 * that finding older than the environment's deployment, which clears the gate; the check that
 * follows the deployment says whether the drift is really gone.
 */
public final class DriftGate {

  private DriftGate() {}

  /**
   * Why the stage holds a promotion now, or empty when it does not.
   *
   * @param deployedAt when the environment's last deployment finished (empty: never deployed)
   */
  public static Optional<String> holds(
      boolean blockOnDrift,
      String app,
      String environment,
      Drift drift,
      Optional<Instant> deployedAt) {
    if (!blockOnDrift || !isCurrent(drift, deployedAt)) {
      return Optional.empty();
    }
    return Optional.of(
        "'"
            + environment
            + "' of app '"
            + app
            + "' has drifted: "
            + drift.describe()
            + "; the stage blocks on drift, so the release waits until a deployment (redeploying"
            + " the release it runs repairs it) or a confirmed break-glass clears it");
  }

  /** Whether the environment's recorded drift was found since its last deployment. */
  public static boolean isCurrent(Drift drift, Optional<Instant> deployedAt) {
    return drift.isDrifted()
        && drift.checkedAt().isPresent()
        && deployedAt.isPresent()
        && !drift.checkedAt().get().isBefore(deployedAt.get());
  }
}
