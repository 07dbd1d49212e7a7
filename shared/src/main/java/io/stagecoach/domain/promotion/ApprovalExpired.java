package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** Nobody decided in time; the promotion stops. */
public record ApprovalExpired(Approval approval) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Approval Expired";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return approval.app();
  }
}
