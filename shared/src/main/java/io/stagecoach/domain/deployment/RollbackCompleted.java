package io.stagecoach.domain.deployment;

import io.stagecoach.domain.events.StagecoachEvent;

/** An environment is back on its last good release. */
public record RollbackCompleted(Deployment deployment) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Rollback Completed";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return deployment.app();
  }
}
