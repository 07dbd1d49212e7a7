package io.stagecoach.domain.promotion;

import java.time.Duration;
import java.util.Map;

/**
 * One step the promotion workflow asks for, and what it answers. The workflow engine (Step
 * Functions on AWS, the local interpreter on one machine) only sequences these; the rules are in
 * {@link PromotionService}, which {@link #run} calls.
 */
public sealed interface PromotionStep {

  String app();

  String promotionId();

  /**
   * Pass the stage's gate and record its deployment, or say when to come back (a closed window).
   */
  record EnterStage(String app, String promotionId, String environment) implements PromotionStep {}

  /** Record an approval that the waiting workflow task ({@code taskToken}) waits for. */
  record RequestApproval(String app, String promotionId, String environment, String taskToken)
      implements PromotionStep {}

  /** The stage's deployment succeeded with {@code outputs}: verify it and say how long to soak. */
  record CompleteStage(
      String app, String promotionId, String environment, Map<String, String> outputs)
      implements PromotionStep {
    public CompleteStage {
      outputs = Map.copyOf(outputs);
    }
  }

  /** The stage soaked: the release is promoted there. */
  record PromoteStage(String app, String promotionId, String environment)
      implements PromotionStep {}

  /** Every stage is done. */
  record Finish(String app, String promotionId) implements PromotionStep {}

  /** The workflow failed with {@code error} and {@code cause}. */
  record Fail(String app, String promotionId, String error, String cause)
      implements PromotionStep {}

  /** What a step answers the workflow. */
  sealed interface Answer {
    /** {@code opensAt}: when {@code next} is {@code wait}, when to enter the stage again. */
    record Entered(String next, String deploymentId, java.util.Optional<java.time.Instant> opensAt)
        implements Answer {}

    record ApprovalRequested(String approvalId) implements Answer {}

    record Completed(Duration soak) implements Answer {}

    record Promoted(String environment) implements Answer {}

    record Finished() implements Answer {}

    record Failed(Promotion.Status status) implements Answer {}
  }

  /**
   * Runs {@code step}. {@code newId} names what the step may create (an approval, a rollback's
   * deployment). Throws what the workflow must see as a failure (a refusing gate, a failed
   * verification) or retry ({@link PromotionService.StageBusy}).
   */
  static Answer run(
      PromotionService promotions,
      PromotionStep step,
      PromotionService.Verifier verifier,
      String newId,
      java.time.Instant now) {
    return switch (step) {
      case EnterStage s -> {
        PromotionService.Entered entered =
            promotions.enterStage(s.app(), s.promotionId(), s.environment(), now);
        yield new Answer.Entered(entered.next(), entered.deploymentId(), entered.opensAt());
      }
      case RequestApproval s ->
          new Answer.ApprovalRequested(
              promotions
                  .requestApproval(
                      s.app(), s.promotionId(), s.environment(), s.taskToken(), newId, now)
                  .id());
      case CompleteStage s ->
          new Answer.Completed(
              promotions.completeStage(
                  s.app(),
                  s.promotionId(),
                  s.environment(),
                  s.outputs(),
                  verifier,
                  "d-" + newId,
                  now));
      case PromoteStage s -> {
        promotions.promoteStage(s.app(), s.promotionId(), s.environment(), now);
        yield new Answer.Promoted(s.environment());
      }
      case Finish s -> {
        promotions.finish(s.app(), s.promotionId(), now);
        yield new Answer.Finished();
      }
      case Fail s ->
          new Answer.Failed(
              promotions.fail(s.app(), s.promotionId(), s.error(), s.cause(), now).status());
    };
  }
}
