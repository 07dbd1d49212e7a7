package io.stagecoach.domain.deployment;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * A deployment was recorded and waits for its tier's provisioner (also sent again to resume one).
 */
public record DeploymentRequested(Deployment deployment) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Deployment Requested";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return deployment.app();
  }
}
