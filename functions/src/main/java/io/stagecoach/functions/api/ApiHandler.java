package io.stagecoach.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.aws.LambdaPlanner;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
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
    CoreServices core = CoreServices.withOptionalWorkflow(settings);
    var registry = core.registry();
    var events = core.events();
    var deployments = core.deployments();
    var promotions = core.promotions();
    TierPlanner planner =
        new LambdaPlanner(
            settings.lambda(), LambdaPlanner.parse(settings.provisionerFunctions().orElse(null)));
    var slack =
        new SlackDirectoryService(
            new DynamoDbSlackDirectory(core.dynamo(), settings.registryTable()), registry);
    return new Api(
        new RegistryService(registry),
        deployments,
        promotions,
        planner,
        events,
        Optional.of(slack),
        new DynamoDbAuditLog(core.dynamo(), settings.registryTable()),
        Clock.systemUTC());
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    return api.handle(event);
  }
}
