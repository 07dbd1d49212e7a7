package io.stagecoach.functions.slack;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.domain.drift.DriftDetected;
import io.stagecoach.domain.drift.DriftResolved;
import io.stagecoach.domain.expiry.EnvironmentExpiring;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.domain.override.BreakGlassRequested;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.SecretsManagerSecret;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Slack notifier function: {@code Approval Requested}, {@code Environment Expiring}, the
 * break-glass events and the drift events from the bus. A composition root only.
 */
public final class SlackNotifierHandler implements RequestStreamHandler {

  static final Duration SECRET_TTL = Duration.ofMinutes(5);

  private final ApprovalNotifier approvals;
  private final ExpiryNotifier expiries;
  private final BreakGlassNotifier breakGlasses;
  private final DriftNotifier drifts;

  public SlackNotifierHandler() {
    this(Settings.processEnvironment());
  }

  public SlackNotifierHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public SlackNotifierHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment), clock);
  }

  private SlackNotifierHandler(Settings settings, Clock clock) {
    this(
        new DynamoDbSlackDirectory(settings.dynamoDb(), settings.registryTable()),
        new SecretsManagerSecret(
            settings.secretsManager(),
            SlackSettings.from(settings).requiredBotTokenId(),
            SECRET_TTL,
            clock),
        SlackWeb.of(SlackSettings.from(settings)),
        SlackSettings.from(settings).stagecoachUrl(),
        clock);
  }

  private SlackNotifierHandler(
      SlackDirectory directory,
      Supplier<String> botToken,
      SlackWeb slack,
      Optional<URI> stagecoachUrl,
      Clock clock) {
    this(
        new ApprovalNotifier(directory, botToken, slack, stagecoachUrl, clock),
        new ExpiryNotifier(directory, botToken, slack),
        new BreakGlassNotifier(directory, botToken, slack),
        new DriftNotifier(directory, botToken, slack));
  }

  public SlackNotifierHandler(
      ApprovalNotifier approvals,
      ExpiryNotifier expiries,
      BreakGlassNotifier breakGlasses,
      DriftNotifier drifts) {
    this.approvals = approvals;
    this.expiries = expiries;
    this.breakGlasses = breakGlasses;
    this.drifts = drifts;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = Json.MAPPER.readTree(input);
    String type = event.path("detail-type").asText("");
    if (type.equals(EnvironmentExpiring.DETAIL_TYPE)) {
      expiries.handle(event);
    } else if (type.equals(BreakGlassRequested.DETAIL_TYPE)
        || type.equals(BreakGlassConfirmed.DETAIL_TYPE)) {
      breakGlasses.handle(event);
    } else if (type.equals(DriftDetected.DETAIL_TYPE) || type.equals(DriftResolved.DETAIL_TYPE)) {
      drifts.handle(event);
    } else {
      approvals.handle(event);
    }
    output.write("null".getBytes(StandardCharsets.UTF_8));
  }
}
