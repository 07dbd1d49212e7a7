package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** A promotion was accepted and its workflow started. */
public record PromotionStarted(Promotion promotion) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Promotion Started";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return promotion.app();
  }
}
