package io.stagecoach.domain.override;

import io.stagecoach.domain.events.StagecoachEvent;

/** A break-glass was asked for: it waits for a second admin's confirmation. */
public record BreakGlassRequested(BreakGlass breakGlass) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Break Glass Requested";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return breakGlass.app();
  }
}
