package io.stagecoach.domain.deployment;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * An environment no longer exists: its destroy ({@code destroy}, succeeded) removed what its
 * provisioner made and its registration. Sent after that destroy's {@code Deployment Succeeded}.
 */
public record EnvironmentDestroyed(Deployment destroy) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Environment Destroyed";

  public EnvironmentDestroyed {
    if (destroy.action() != DeploymentAction.DESTROY
        || destroy.status() != DeploymentStatus.SUCCEEDED) {
      throw new IllegalArgumentException("only a succeeded destroy destroys an environment");
    }
  }

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return destroy.app();
  }
}
