package io.stagecoach.functions.promotion;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.promotion.PromotionStep;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.support.AuditTrail;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.functions.support.TokenSource;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The promotion workflow's steps ({@code {"step": ...}}, from the PromotionStateMachine):
 * enterStage, requestApproval (with the waiting task's token), completeStage, promoteStage, finish,
 * fail. What a step throws reaches the workflow under the names {@link WorkflowErrors} gives it: a
 * gate that refuses, a failed verification or a stopped promotion ends the promotion at once
 * (Record failure); a busy stage ({@link StageBusy}) and a technical error that passes ({@link
 * Transient}: throttling, 5xx, timeouts, a lost conditional write) are retried by the workflow.
 * Each decision is recorded in the audit log once ({@link WorkflowDecisions}).
 */
public final class PromotionStepsHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private static final Log LOG = Log.of(PromotionStepsHandler.class);

  private final PromotionService promotions;
  private final PromotionService.Verifier verifier;
  private final TokenSource ids;
  private final WorkflowDecisions decisions;
  private final Clock clock;

  public PromotionStepsHandler() {
    this(Settings.processEnvironment());
  }

  public PromotionStepsHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public PromotionStepsHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment), clock);
  }

  private PromotionStepsHandler(Settings settings, Clock clock) {
    this(CoreServices.withWorkflow(settings), settings.registryTable(), clock);
  }

  private PromotionStepsHandler(CoreServices core, String table, Clock clock) {
    this(core.promotions(), new HttpVerifier(), new DynamoDbAuditLog(core.dynamo(), table), clock);
  }

  /** Steps whose decisions are recorded nowhere (handler tests that look at other things). */
  public PromotionStepsHandler(
      PromotionService promotions, PromotionService.Verifier verifier, Clock clock) {
    this(promotions, verifier, AuditLog.NONE, clock);
  }

  /** Steps whose decisions are recorded in {@code audit} ({@link WorkflowDecisions}). */
  public PromotionStepsHandler(
      PromotionService promotions,
      PromotionService.Verifier verifier,
      AuditLog audit,
      Clock clock) {
    this.promotions = promotions;
    this.verifier = verifier;
    this.ids = new TokenSource();
    this.decisions =
        new WorkflowDecisions(promotions, new AuditTrail(audit, WorkflowDecisions.SURFACE));
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    PromotionStep step = step(input);
    Instant now = clock.instant();
    Optional<Promotion> before = decisions.read(step);
    String requestId = context != null ? context.getAwsRequestId() : step.promotionId();
    try {
      PromotionStep.Answer answer = PromotionStep.run(promotions, step, verifier, ids.newId(), now);
      decisions.answered(step, before, answer, now, requestId);
      return answer(answer);
    } catch (RuntimeException e) {
      decisions.refused(step, before, e, now, requestId);
      RuntimeException seen = WorkflowErrors.classify(e);
      if (seen instanceof Transient) {
        LOG.warn(
            "promotion step failed for a passing reason; the workflow retries it",
            "step",
            String.valueOf(input.get("step")),
            "promotionId",
            step.promotionId(),
            "error",
            seen.getMessage());
      }
      throw seen;
    }
  }

  /** The step the workflow's input names ({@code {"step": ..., "app", "promotionId", ...}}). */
  static PromotionStep step(Map<String, Object> input) {
    String step = text(input, "step");
    String app = text(input, "app");
    String promotionId = text(input, "promotionId");
    String environment =
        input.get("stage") instanceof Map<?, ?> stage
                && stage.get("environment") instanceof String e
            ? e
            : null;
    return switch (step) {
      case "enterStage" -> new PromotionStep.EnterStage(app, promotionId, environment);
      case "requestApproval" ->
          new PromotionStep.RequestApproval(
              app, promotionId, environment, text(input, "taskToken"));
      case "completeStage" -> {
        Map<String, String> outputs = new LinkedHashMap<>();
        if (input.get("deployed") instanceof Map<?, ?> deployed
            && deployed.get("outputs") instanceof Map<?, ?> o) {
          o.forEach((k, v) -> outputs.put(String.valueOf(k), String.valueOf(v)));
        }
        yield new PromotionStep.CompleteStage(app, promotionId, environment, outputs);
      }
      case "promoteStage" -> new PromotionStep.PromoteStage(app, promotionId, environment);
      case "finish" -> new PromotionStep.Finish(app, promotionId);
      case "fail" -> {
        String error = "error";
        String cause = "";
        if (input.get("error") instanceof Map<?, ?> e) {
          error = String.valueOf(e.get("Error"));
          cause = String.valueOf(e.get("Cause"));
        }
        yield new PromotionStep.Fail(app, promotionId, error, cause);
      }
      default -> throw new IllegalArgumentException("unknown promotion step '" + step + "'");
    };
  }

  /** The step's answer as the workflow's state machine reads it. */
  private static Map<String, Object> answer(PromotionStep.Answer answer) {
    Map<String, Object> out = new LinkedHashMap<>();
    switch (answer) {
      case PromotionStep.Answer.Entered e -> {
        out.put("next", e.next());
        out.put("deploymentId", e.deploymentId());
        // Always there, since the workflow's ResultSelector reads it; a Wait uses it only for
        // "wait".
        out.put("opensAt", e.opensAt().map(java.time.Instant::toString).orElse(""));
      }
      case PromotionStep.Answer.ApprovalRequested a -> out.put("approvalId", a.approvalId());
      case PromotionStep.Answer.Completed c -> out.put("soakSeconds", c.soak().toSeconds());
      case PromotionStep.Answer.Promoted p -> out.put("promoted", p.environment());
      case PromotionStep.Answer.Finished f -> out.put("status", "succeeded");
      case PromotionStep.Answer.Failed f -> out.put("status", f.status().wireName());
    }
    return out;
  }

  private static String text(Map<String, Object> input, String name) {
    Object value = input.get(name);
    if (!(value instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("the promotion step needs " + name);
    }
    return s;
  }
}
