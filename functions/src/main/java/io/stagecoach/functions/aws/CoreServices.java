package io.stagecoach.functions.aws;

import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The core's services on the registry table, the event bus and the promotion workflow, wired the
 * same way for every handler that needs them; built once, at init. {@code dynamo} is the one
 * DynamoDB client they share, for a handler that reads more of the table.
 */
public record CoreServices(
    DynamoDbClient dynamo,
    Registry registry,
    EventPublisher events,
    DeploymentService deployments,
    PromotionService promotions) {

  /** Promotions start on the state machine the function's settings name, which it must have. */
  public static CoreServices withWorkflow(Settings settings) {
    return from(
        settings,
        registry ->
            new SfnPromotionRunner(
                settings.stepFunctions(), settings.promotionStateMachine(), registry));
  }

  /** Promotions start on the state machine if the settings name one; otherwise they are refused. */
  public static CoreServices withOptionalWorkflow(Settings settings) {
    return from(
        settings,
        registry ->
            settings
                .optionalPromotionStateMachine()
                .<PromotionRunner>map(
                    arn -> new SfnPromotionRunner(settings.stepFunctions(), arn, registry))
                .orElse(PromotionRunner.UNAVAILABLE));
  }

  private static CoreServices from(Settings settings, Function<Registry, PromotionRunner> runner) {
    var dynamo = settings.dynamoDb();
    var registry = new DynamoDbRegistry(dynamo, settings.registryTable());
    var events = new EventBridgePublisher(settings.eventBridge(), settings.eventBusName());
    var deployments =
        new DeploymentService(
            registry, new DynamoDbDeployments(dynamo, settings.registryTable()), events);
    // Approvals carry the plan of their stage, asked of its tier's provisioner.
    TierPlanner planner =
        settings
            .provisionerFunctions()
            .<TierPlanner>map(f -> new LambdaPlanner(settings.lambda(), LambdaPlanner.parse(f)))
            .orElse(TierPlanner.NONE);
    var promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(dynamo, settings.registryTable()),
            runner.apply(registry),
            deployments,
            events,
            planner);
    return new CoreServices(dynamo, registry, events, deployments, promotions);
  }
}
