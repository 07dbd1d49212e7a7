package io.stagecoach.functions.slack;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.SecretsManagerSecret;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The Slack notifier function: {@code Approval Requested} events from the bus. A composition root
 * only.
 */
public final class SlackNotifierHandler implements RequestStreamHandler {

  static final Duration SECRET_TTL = Duration.ofMinutes(5);

  private final ApprovalNotifier notifier;

  public SlackNotifierHandler() {
    this(System.getenv());
  }

  public SlackNotifierHandler(Map<String, String> environment) {
    this(notifier(Settings.fromEnvironment(environment)));
  }

  public SlackNotifierHandler(ApprovalNotifier notifier) {
    this.notifier = notifier;
  }

  private static ApprovalNotifier notifier(Settings settings) {
    SlackSettings slack = SlackSettings.from(settings);
    Clock clock = Clock.systemUTC();
    return new ApprovalNotifier(
        new DynamoDbSlackDirectory(settings.dynamoDb(), settings.registryTable()),
        new SecretsManagerSecret(
            settings.secretsManager(), slack.requiredBotTokenId(), SECRET_TTL, clock),
        SlackWeb.of(slack),
        clock);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    notifier.handle(Json.MAPPER.readTree(input));
    output.write("null".getBytes(StandardCharsets.UTF_8));
  }
}
