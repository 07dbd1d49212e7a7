package io.stagecoach.functions.promotion;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.aws.SfnPromotionRunner;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.functions.support.TokenSource;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The promotion workflow's steps ({@code {"step": ...}}, from the PromotionStateMachine):
 * enterStage, requestApproval (with the waiting task's token), completeStage, promoteStage, finish,
 * fail. A gate that refuses, a failed verification or a stopped promotion is thrown, so the
 * workflow goes to Record failure; a busy stage throws {@link StageBusy}, which the workflow
 * retries.
 */
public final class PromotionStepsHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private final PromotionService promotions;
  private final PromotionService.Verifier verifier;
  private final TokenSource ids;
  private final Clock clock;

  public PromotionStepsHandler() {
    this(System.getenv());
  }

  public PromotionStepsHandler(Map<String, String> environment) {
    this(Settings.fromEnvironment(environment));
  }

  private PromotionStepsHandler(Settings settings) {
    this(service(settings), new HttpVerifier(), Clock.systemUTC());
  }

  public PromotionStepsHandler(
      PromotionService promotions, PromotionService.Verifier verifier, Clock clock) {
    this.promotions = promotions;
    this.verifier = verifier;
    this.ids = new TokenSource();
    this.clock = clock;
  }

  private static PromotionService service(Settings settings) {
    var dynamo = settings.dynamoDb();
    Registry registry = new DynamoDbRegistry(dynamo, settings.registryTable());
    EventPublisher events =
        new EventBridgePublisher(settings.eventBridge(), settings.eventBusName());
    var runner =
        new SfnPromotionRunner(
            settings.stepFunctions(), settings.promotionStateMachine(), registry);
    var deployments =
        new DeploymentService(
            registry, new DynamoDbDeployments(dynamo, settings.registryTable()), events);
    return new PromotionService(
        registry,
        new DynamoDbPromotions(dynamo, settings.registryTable()),
        runner,
        deployments,
        events);
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    String step = text(input, "step");
    String app = text(input, "app");
    String promotionId = text(input, "promotionId");
    String environment =
        input.get("stage") instanceof Map<?, ?> stage
                && stage.get("environment") instanceof String e
            ? e
            : null;
    Map<String, Object> answer = new LinkedHashMap<>();
    switch (step) {
      case "enterStage" -> {
        try {
          PromotionService.Entered entered =
              promotions.enterStage(app, promotionId, environment, clock.instant());
          answer.put("next", entered.next());
          answer.put("deploymentId", entered.deploymentId());
        } catch (PromotionService.StageBusy busy) {
          throw new StageBusy(busy.getMessage());
        }
      }
      case "requestApproval" ->
          answer.put(
              "approvalId",
              promotions
                  .requestApproval(
                      app,
                      promotionId,
                      environment,
                      text(input, "taskToken"),
                      ids.newId(),
                      clock.instant())
                  .id());
      case "completeStage" -> {
        Map<String, String> outputs = new LinkedHashMap<>();
        if (input.get("deployed") instanceof Map<?, ?> deployed
            && deployed.get("outputs") instanceof Map<?, ?> o) {
          o.forEach((k, v) -> outputs.put(String.valueOf(k), String.valueOf(v)));
        }
        answer.put(
            "soakSeconds",
            promotions
                .completeStage(
                    app,
                    promotionId,
                    environment,
                    outputs,
                    verifier,
                    "d-" + ids.newId(),
                    clock.instant())
                .toSeconds());
      }
      case "promoteStage" -> {
        promotions.promoteStage(app, promotionId, environment, clock.instant());
        answer.put("promoted", environment);
      }
      case "finish" -> {
        promotions.finish(app, promotionId, clock.instant());
        answer.put("status", "succeeded");
      }
      case "fail" -> {
        String error = "error";
        String cause = "";
        if (input.get("error") instanceof Map<?, ?> e) {
          error = String.valueOf(e.get("Error"));
          cause = String.valueOf(e.get("Cause"));
        }
        answer.put(
            "status",
            promotions.fail(app, promotionId, error, cause, clock.instant()).status().wireName());
      }
      default -> throw new IllegalArgumentException("unknown promotion step '" + step + "'");
    }
    return answer;
  }

  private static String text(Map<String, Object> input, String name) {
    Object value = input.get(name);
    if (!(value instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("the promotion step needs " + name);
    }
    return s;
  }
}
