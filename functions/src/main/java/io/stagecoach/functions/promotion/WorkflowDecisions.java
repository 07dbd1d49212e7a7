package io.stagecoach.functions.promotion;

import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.promotion.PromotionStep;
import io.stagecoach.functions.support.AuditTrail;
import java.time.Instant;
import java.util.Optional;

/**
 * The audit entries of the workflow's decisions: a stage started, waiting for its window, deployed,
 * promoted or failed (with its gate and code), an approval requested or expired, a promotion
 * succeeded, failed or superseded. The principal is the one who requested the promotion (the
 * workflow acts for them); the surface {@code workflow}. Each decision's entry id is derived from
 * the promotion, the stage and the decision, so a step the workflow retries, or runs again after a
 * restart, records it once. {@code before} and {@code after} are the stage's (or the promotion's)
 * status as read before and after the step.
 */
final class WorkflowDecisions {

  static final String SURFACE = "workflow";

  private final PromotionService promotions;
  private final AuditTrail audit;

  WorkflowDecisions(PromotionService promotions, AuditTrail audit) {
    this.promotions = promotions;
    this.audit = audit;
  }

  /** The promotion as it is now, if it can be read (recording never fails a step). */
  Optional<Promotion> read(PromotionStep step) {
    try {
      return promotions.get(step.app(), step.promotionId()) instanceof Outcome.Accepted<Promotion> a
          ? Optional.of(a.value())
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Records what {@code step} decided, answering {@code answer}. */
  void answered(
      PromotionStep step,
      Optional<Promotion> before,
      PromotionStep.Answer answer,
      Instant at,
      String requestId) {
    Optional<Promotion> after = read(step);
    Entry e = new Entry(step, before, after, at, requestId);
    switch (answer) {
      case PromotionStep.Answer.Entered entered when step instanceof PromotionStep.EnterStage s -> {
        switch (entered.next()) {
          case "deploy", "approve" ->
              e.stage(
                  s.environment(),
                  "stage.started",
                  AuditEntry.ACCEPTED,
                  "release "
                      + version(before, after)
                      + (entered.next().equals("approve")
                          ? " waits for approval of '" + s.environment() + "'"
                          : " deploying to '" + s.environment() + "'")
                      + " (deployment "
                      + entered.deploymentId()
                      + ")");
          case "wait" ->
              e.stage(
                  s.environment(),
                  "stage.waiting",
                  AuditEntry.ACCEPTED,
                  "the window of '"
                      + s.environment()
                      + "' is closed; it opens at "
                      + entered.opensAt().map(Instant::toString).orElse("?"));
          default -> {}
        }
      }
      case PromotionStep.Answer.ApprovalRequested a
          when step instanceof PromotionStep.RequestApproval s ->
          e.record(
              AuditEntry.idOf(SURFACE, s.promotionId(), s.environment(), "approval.requested"),
              "approval.requested",
              a.approvalId(),
              Optional.of(s.environment()),
              AuditEntry.ACCEPTED,
              Optional.empty(),
              Optional.empty(),
              "approval "
                  + a.approvalId()
                  + " of release "
                  + version(before, after)
                  + " into '"
                  + s.environment()
                  + "' requested");
      case PromotionStep.Answer.Completed c when step instanceof PromotionStep.CompleteStage s ->
          e.stage(
              s.environment(),
              "stage.deployed",
              AuditEntry.ACCEPTED,
              "release "
                  + version(before, after)
                  + " deployed to '"
                  + s.environment()
                  + "'"
                  + (c.soak().isZero() ? "" : "; soaking " + c.soak().toSeconds() + " s"));
      case PromotionStep.Answer.Promoted p when step instanceof PromotionStep.PromoteStage s ->
          e.stage(
              s.environment(),
              "stage.promoted",
              AuditEntry.ACCEPTED,
              "release " + version(before, after) + " promoted in '" + s.environment() + "'");
      case PromotionStep.Answer.Finished f ->
          e.promotion(
              "promotion.succeeded",
              AuditEntry.ACCEPTED,
              "release " + version(before, after) + " went through every stage");
      case PromotionStep.Answer.Failed f when step instanceof PromotionStep.Fail s -> {
        String code = after.flatMap(Promotion::failure).orElse(s.error());
        Optional<Promotion.StageProgress> stage = after.flatMap(Promotion::current);
        Optional<Approval> expiredApproval =
            code.equals("approval_expired")
                ? stage
                    .flatMap(Promotion.StageProgress::approvalId)
                    .flatMap(this::approval)
                    .filter(a -> a.status() == Approval.Status.EXPIRED)
                : Optional.empty();
        if (expiredApproval.isPresent()) {
          String approval = expiredApproval.get().id();
          // It expired when its time was up (before this step ended the promotion), which is also
          // where the log puts it.
          Instant expired =
              Optional.of(expiredApproval.get().expiresAt()).filter(t -> t.isBefore(at)).orElse(at);
          new Entry(step, before, after, expired, requestId)
              .record(
                  AuditEntry.idOf(
                      SURFACE, s.promotionId(), stage.get().environment(), "approval.expired"),
                  "approval.expired",
                  approval,
                  Optional.of(stage.get().environment()),
                  AuditEntry.ACCEPTED,
                  Optional.of("pending"),
                  Optional.of("expired"),
                  "nobody decided approval " + approval + " in time");
        }
        e.promotion(
            f.status() == Promotion.Status.SUPERSEDED ? "promotion.superseded" : "promotion.failed",
            code,
            after.flatMap(Promotion::reason).orElse(s.cause()));
      }
      default -> {}
    }
  }

  /** Records a stage refused by its gate, or failed by its verification. */
  void refused(
      PromotionStep step,
      Optional<Promotion> before,
      RuntimeException thrown,
      Instant at,
      String requestId) {
    String environment;
    if (step instanceof PromotionStep.EnterStage s) {
      environment = s.environment();
    } else if (step instanceof PromotionStep.CompleteStage s) {
      environment = s.environment();
    } else {
      return;
    }
    String code;
    String detail;
    switch (thrown) {
      case PromotionService.GateClosed gate -> {
        code = gate.code().wireName();
        detail = "gate " + gateOf(code) + ": " + gate.getMessage();
      }
      case PromotionService.VerificationFailed failed -> {
        code = "verification_failed";
        detail = "gate verification: " + failed.getMessage();
      }
      default -> {
        return;
      }
    }
    new Entry(step, before, read(step), at, requestId)
        .stage(environment, "stage.failed", code, detail);
  }

  /** The gate a stage's refusal code comes from. */
  static String gateOf(String code) {
    return switch (code) {
      case "frozen" -> "freeze";
      case "window_closed" -> "window";
      case "order_violation" -> "order";
      case "verification_failed" -> "verification";
      default -> "stage";
    };
  }

  private Optional<Approval> approval(String approvalId) {
    try {
      return promotions.approval(approvalId) instanceof Outcome.Accepted<Approval> a
          ? Optional.of(a.value())
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String version(Optional<Promotion> before, Optional<Promotion> after) {
    return after.or(() -> before).map(Promotion::version).orElse("?");
  }

  /** One step's entries, from what was read around it. */
  private final class Entry {
    private final PromotionStep step;
    private final Optional<Promotion> before;
    private final Optional<Promotion> after;
    private final Instant at;
    private final String requestId;

    Entry(
        PromotionStep step,
        Optional<Promotion> before,
        Optional<Promotion> after,
        Instant at,
        String requestId) {
      this.step = step;
      this.before = before;
      this.after = after;
      this.at = at;
      this.requestId = requestId;
    }

    void stage(String environment, String action, String outcome, String detail) {
      record(
          AuditEntry.idOf(SURFACE, step.promotionId(), environment, action),
          action,
          step.promotionId() + "/" + environment,
          Optional.of(environment),
          outcome,
          before.flatMap(p -> p.stage(environment)).map(s -> s.status().wireName()),
          after.flatMap(p -> p.stage(environment)).map(s -> s.status().wireName()),
          detail);
    }

    void promotion(String action, String outcome, String detail) {
      record(
          AuditEntry.idOf(SURFACE, step.promotionId(), action),
          action,
          step.promotionId(),
          Optional.empty(),
          outcome,
          before.map(p -> p.status().wireName()),
          after.map(p -> p.status().wireName()),
          detail);
    }

    void record(
        String id,
        String action,
        String target,
        Optional<String> environment,
        String outcome,
        Optional<String> from,
        Optional<String> to,
        String detail) {
      audit.record(
          new AuditTrail.Decision(
              id,
              at,
              after.or(() -> before).map(Promotion::requestedBy).orElse(SURFACE),
              action,
              target,
              Optional.of(step.app()),
              environment,
              outcome,
              requestId,
              from,
              to,
              Optional.of(detail)));
    }
  }
}
