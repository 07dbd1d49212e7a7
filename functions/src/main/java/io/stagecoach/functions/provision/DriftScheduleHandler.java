package io.stagecoach.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.deployment.DriftChecks;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.functions.support.TokenSource;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Runs on a schedule and starts a drift check of every deployed environment whose last check is
 * older than the interval ({@code DRIFT_CHECK_INTERVAL_HOURS}, default daily): each is recorded on
 * its environment and handed to its tier's provisioner ({@code Drift Check Requested}), which holds
 * the deploy role and runs it. This function reads the registry, records the checks it starts and
 * publishes; it never touches an environment's resources. The schedule's input is ignored, so a
 * duplicate or late delivery is just another run (a check under way is not started twice).
 */
public final class DriftScheduleHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private static final Log LOG = Log.of(DriftScheduleHandler.class);

  private final DriftChecks checks;
  private final Duration interval;
  private final Clock clock;
  private final TokenSource ids = new TokenSource();

  public DriftScheduleHandler() {
    this(Settings.processEnvironment());
  }

  public DriftScheduleHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /** The local cloud's constructor: the function's environment, and the local cloud's clock. */
  public DriftScheduleHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment), clock);
  }

  private DriftScheduleHandler(Settings settings, Clock clock) {
    this(
        new DynamoDbRegistry(settings.dynamoDb(), settings.registryTable()),
        new EventBridgePublisher(settings.eventBridge(), settings.eventBusName()),
        settings.driftCheckInterval(DriftChecks.DEFAULT_INTERVAL),
        clock);
  }

  public DriftScheduleHandler(
      Registry registry, EventPublisher events, Duration interval, Clock clock) {
    this.checks = new DriftChecks(registry, events);
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    DriftChecks.Scheduled run =
        checks.schedule(clock.instant(), interval, () -> "k-" + ids.newId());
    for (String environment : run.started()) {
      LOG.info("drift check started", "environment", environment);
    }
    return Map.of("looked", run.looked(), "started", run.started().size());
  }
}
