package io.stagecoach.domain.drift;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * A drift check found an environment that had drifted in sync again (repaired by a deployment, or
 * by hand); {@code previous} is the drift it had.
 */
public record DriftResolved(
    String app, String environment, String tier, String checkId, Drift drift, Drift previous)
    implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Drift Resolved";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }
}
