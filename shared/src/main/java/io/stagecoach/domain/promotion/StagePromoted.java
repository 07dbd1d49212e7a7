package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** The release passed a stage: deployed, verified and soaked. */
public record StagePromoted(Promotion promotion, String environment) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Stage Promoted";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return promotion.app();
  }
}
