package io.stagecoach.domain.promotion;

import io.stagecoach.domain.events.StagecoachEvent;

/** A stage waits for approval: notifications (Slack) act on this. */
public record ApprovalRequested(Approval approval) implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Approval Requested";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return approval.app();
  }
}
