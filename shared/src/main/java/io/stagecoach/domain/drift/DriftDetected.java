package io.stagecoach.domain.drift;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * A drift check found an environment that was in sync (or not checked yet) drifted: {@code drift}
 * says which resources differ and how. Checks that find it drifted again are not news.
 */
public record DriftDetected(
    String app, String environment, String tier, String checkId, Drift drift)
    implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Drift Detected";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }
}
