package io.stagecoach.domain.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * One step of an app's pipeline: the environment a release reaches at that point, and the gates it
 * passes there: an approval, a deployment window (a promotion that reaches it closed waits for it
 * to open, at most {@code maxWait}), verification after the deploy, and a soak time before the next
 * stage. With {@code blockOnDrift}, a promotion into the stage's environment waits while the
 * environment has drifted from its last deployment (the drift gate), at most {@code maxWait} too.
 */
public record Stage(
    String environment,
    Optional<ApprovalPolicy> approval,
    Optional<DeploymentWindow> window,
    Optional<Verification> verification,
    Duration soak,
    Duration maxWait,
    boolean blockOnDrift) {

  public static final Duration MAX_SOAK = Duration.ofDays(1);

  /** How long a promotion waits for a closed window to open, unless the stage says otherwise. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofHours(72);

  /** The longest wait for a window a stage may ask for: two weeks. */
  public static final Duration MAX_MAX_WAIT = Duration.ofDays(14);

  /** A stage that does not block on drift. */
  public Stage(
      String environment,
      Optional<ApprovalPolicy> approval,
      Optional<DeploymentWindow> window,
      Optional<Verification> verification,
      Duration soak,
      Duration maxWait) {
    this(environment, approval, window, verification, soak, maxWait, false);
  }

  /** A stage that waits for its window at most {@link #DEFAULT_MAX_WAIT}. */
  public Stage(
      String environment,
      Optional<ApprovalPolicy> approval,
      Optional<DeploymentWindow> window,
      Optional<Verification> verification,
      Duration soak) {
    this(environment, approval, window, verification, soak, DEFAULT_MAX_WAIT);
  }

  /** A stage with no gates of its own. */
  public Stage(String environment) {
    this(environment, Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);
  }

  /** This stage with the drift gate on or off. */
  public Stage blockingOnDrift(boolean block) {
    return new Stage(environment, approval, window, verification, soak, maxWait, block);
  }

  public boolean needsApproval() {
    return approval.isPresent();
  }
}
