package io.stagecoach.domain;

/**
 * Something that happened in Stagecoach, published on the Stagecoach bus (source {@code
 * stagecoach}) for the rules that react to it. Names are past tense; each has a JSON Schema in
 * {@code events/}.
 */
public sealed interface StagecoachEvent
    permits ReleaseRegistered,
        DeploymentRequested,
        DeploymentSucceeded,
        DeploymentFailed,
        PromotionStarted,
        PromotionSucceeded,
        PromotionFailed,
        StagePromoted,
        ApprovalRequested,
        ApprovalGranted,
        ApprovalRejected,
        ApprovalExpired,
        RollbackCompleted {

  /** The EventBridge detail-type, e.g. {@code Release Registered}. */
  String detailType();

  /** The app the event is about. */
  String app();
}
