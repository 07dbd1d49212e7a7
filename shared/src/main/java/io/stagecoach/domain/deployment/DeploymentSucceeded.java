package io.stagecoach.domain.deployment;

import io.stagecoach.domain.events.StagecoachEvent;

/** The environment now runs the deployment's release (or, for a destroy, no longer exists). */
public record DeploymentSucceeded(Deployment deployment) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Deployment Succeeded";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return deployment.app();
  }
}
