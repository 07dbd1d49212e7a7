package io.stagecoach.functions.slack;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.aws.LambdaPlanner;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.SecretsManagerSecret;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The Slack webhook function: API Gateway proxy events for {@code /slack/commands} and {@code
 * /slack/interactions}, and its own deferred invocations ({@code {"slackDeferred": <proxy
 * event>}}). A composition root only.
 */
public final class SlackWebhookHandler implements RequestStreamHandler {

  /** How long a signing secret read from Secrets Manager is used before it is read again. */
  static final Duration SECRET_TTL = Duration.ofMinutes(5);

  private final SlackWebhook webhook;

  /** Lambda's constructor: settings from the process environment. */
  public SlackWebhookHandler() {
    this(Settings.processEnvironment());
  }

  /** The function's environment as the template declares it, on the system clock. */
  public SlackWebhookHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved). Slack's request timestamps are still checked against
   * the system clock: Slack stamps them with its own wall clock, whatever the local cloud's reads.
   */
  public SlackWebhookHandler(Map<String, String> environment, Clock clock) {
    this(webhook(Settings.fromEnvironment(environment), clock, Clock.systemUTC()));
  }

  public SlackWebhookHandler(SlackWebhook webhook) {
    this.webhook = webhook;
  }

  private static SlackWebhook webhook(Settings settings, Clock clock, Clock requestClock) {
    SlackSettings slack = SlackSettings.from(settings);
    CoreServices core = CoreServices.withOptionalWorkflow(settings);
    var registry = core.registry();
    var deployments = core.deployments();
    var promotions = core.promotions();
    var lambda = settings.lambda();
    var planner =
        new LambdaPlanner(
            lambda, LambdaPlanner.parse(settings.provisionerFunctions().orElse(null)));
    var rules = new RegistryService(registry);
    var commands =
        new SlackCommands(
            rules,
            deployments,
            promotions,
            new io.stagecoach.domain.deployment.DeploymentPlanning(rules, planner),
            new DynamoDbAuditLog(core.dynamo(), settings.registryTable()),
            clock);
    var directory =
        new SlackDirectoryService(
            new DynamoDbSlackDirectory(core.dynamo(), settings.registryTable()), registry);
    var signingSecret =
        new SecretsManagerSecret(
            settings.secretsManager(), slack.requiredSigningSecretId(), SECRET_TTL, clock);
    return new SlackWebhook(
        signingSecret,
        directory,
        commands,
        SlackWeb.of(slack),
        new LambdaSelfInvocation(lambda),
        requestClock);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = Json.MAPPER.readTree(input);
    if (event.has(LambdaSelfInvocation.DEFERRED_FIELD)) {
      webhook.finish(event.get(LambdaSelfInvocation.DEFERRED_FIELD));
      output.write("null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    output.write(
        Json.write(webhook.handle(event, context.getInvokedFunctionArn()))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
