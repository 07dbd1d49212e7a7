package io.stagecoach.domain.deployment;

import io.stagecoach.domain.events.StagecoachEvent;

/** The deployment ended without reaching its goal; the environment keeps its last good release. */
public record DeploymentFailed(Deployment deployment) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Deployment Failed";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return deployment.app();
  }
}
