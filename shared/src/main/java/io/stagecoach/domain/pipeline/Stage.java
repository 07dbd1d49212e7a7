package io.stagecoach.domain.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * One step of an app's pipeline: the environment a release reaches at that point, and the gates it
 * passes there: an approval, a deployment window, verification after the deploy, and a soak time
 * before the next stage.
 */
public record Stage(
    String environment,
    Optional<ApprovalPolicy> approval,
    Optional<DeploymentWindow> window,
    Optional<Verification> verification,
    Duration soak) {

  public static final Duration MAX_SOAK = Duration.ofDays(1);

  /** A stage with no gates of its own. */
  public Stage(String environment) {
    this(environment, Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);
  }

  public boolean needsApproval() {
    return approval.isPresent();
  }
}
