package io.stagecoach.domain.drift;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * A drift check of an environment was asked for (by a person, the schedule or a repairing
 * deployment): the provisioner of its {@code tier}, the only function with that tier's deploy role,
 * runs it.
 */
public record DriftCheckRequested(String app, String environment, String tier, DriftCheck check)
    implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Drift Check Requested";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }
}
