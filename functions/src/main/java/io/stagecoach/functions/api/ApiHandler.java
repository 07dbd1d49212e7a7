package io.stagecoach.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.aws.LambdaPlanner;
import io.stagecoach.functions.aws.SfnPromotionRunner;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The API function: API Gateway proxy events in, proxy responses out. A composition root only. */
public final class ApiHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  private final Api api;

  /** Lambda's constructor: settings from the process environment. */
  public ApiHandler() {
    this(System.getenv());
  }

  /** The local cloud's constructor: the function's environment as the template declares it. */
  public ApiHandler(Map<String, String> environment) {
    this(api(Settings.fromEnvironment(environment)));
  }

  public ApiHandler(Api api) {
    this.api = api;
  }

  private static Api api(Settings settings) {
    var dynamo = settings.dynamoDb();
    var registry = new DynamoDbRegistry(dynamo, settings.registryTable());
    var events = new EventBridgePublisher(settings.eventBridge(), settings.eventBusName());
    var deployments =
        new DeploymentService(
            registry, new DynamoDbDeployments(dynamo, settings.registryTable()), events);
    TierPlanner planner =
        new LambdaPlanner(
            settings.lambda(), LambdaPlanner.parse(settings.provisionerFunctions().orElse(null)));
    PromotionRunner runner =
        settings
            .optionalPromotionStateMachine()
            .<PromotionRunner>map(
                arn -> new SfnPromotionRunner(settings.stepFunctions(), arn, registry))
            .orElse(PromotionRunner.UNAVAILABLE);
    var promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(dynamo, settings.registryTable()),
            runner,
            deployments,
            events);
    var slack =
        new SlackDirectoryService(
            new DynamoDbSlackDirectory(dynamo, settings.registryTable()), registry);
    return new Api(
        new RegistryService(registry),
        deployments,
        promotions,
        planner,
        events,
        Optional.of(slack),
        Clock.systemUTC());
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    return api.handle(event);
  }
}
