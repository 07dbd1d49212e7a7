package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** An approver rejected; the promotion stops. */
public record ApprovalRejected(Approval approval) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Approval Rejected";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return approval.app();
  }
}
