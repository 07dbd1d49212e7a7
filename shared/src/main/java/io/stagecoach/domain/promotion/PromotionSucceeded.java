package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** The release reached the last stage the promotion asked for, through every gate. */
public record PromotionSucceeded(Promotion promotion) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Promotion Succeeded";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return promotion.app();
  }
}
