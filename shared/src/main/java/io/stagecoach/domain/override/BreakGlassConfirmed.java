package io.stagecoach.domain.override;

import io.stagecoach.domain.events.StagecoachEvent;

/** A break-glass was confirmed by a second admin: its deployment is recorded. */
public record BreakGlassConfirmed(BreakGlass breakGlass) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Break Glass Confirmed";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return breakGlass.app();
  }
}
