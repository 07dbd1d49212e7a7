package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/**
 * The promotion stopped: at a gate, a rejected or expired approval, a failed deploy or
 * verification.
 */
public record PromotionFailed(Promotion promotion) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Promotion Failed";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return promotion.app();
  }
}
