package io.stagecoach.functions.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.template.TemplateSource;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.aws.LambdaPlanner;
import io.stagecoach.functions.aws.S3TemplateSource;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The API function: API Gateway proxy events in, proxy responses out. A composition root only. */
public final class ApiHandler
    implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

  private final Api api;

  /** Lambda's constructor: settings from the process environment. */
  public ApiHandler() {
    this(Settings.processEnvironment());
  }

  /**
   * The function on AWS, on the system clock: templates at a URL are read from S3 (the allowed
   * buckets only).
   */
  public ApiHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The function's environment as the template declares it, and the clock it reads (the local
   * cloud's can be moved); templates at a URL are read from S3.
   */
  public ApiHandler(Map<String, String> environment, Clock clock) {
    this(environment, clock, ApiHandler::s3);
  }

  /**
   * The local cloud's constructor: the function's environment, the local cloud's clock, and where
   * templates named by URL are read (the local cloud has its own folder for them).
   */
  public ApiHandler(
      Map<String, String> environment,
      Clock clock,
      Function<Settings, TemplateSource> templateSource) {
    this(api(Settings.fromEnvironment(environment), clock, templateSource));
  }

  public ApiHandler(Api api) {
    this.api = api;
  }

  private static TemplateSource s3(Settings settings) {
    return new S3TemplateSource(
        settings.httpClient(),
        settings.credentials(),
        settings.region(),
        settings.templateBuckets(),
        settings.s3Endpoint());
  }

  private static Api api(
      Settings settings, Clock clock, Function<Settings, TemplateSource> templateSource) {
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
        new RegistryService(registry, templateSource.apply(settings)),
        deployments,
        promotions,
        planner,
        events,
        Optional.of(slack),
        new DynamoDbAuditLog(core.dynamo(), settings.registryTable()),
        clock);
  }

  @Override
  public APIGatewayProxyResponseEvent handleRequest(
      APIGatewayProxyRequestEvent event, Context context) {
    return api.handle(event);
  }
}
