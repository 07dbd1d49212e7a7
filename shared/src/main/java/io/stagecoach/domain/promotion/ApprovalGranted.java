package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** Enough distinct approvers of the right groups approved. */
public record ApprovalGranted(Approval approval) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Approval Granted";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return approval.app();
  }
}
