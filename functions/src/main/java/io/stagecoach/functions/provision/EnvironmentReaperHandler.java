package io.stagecoach.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.expiry.EnvironmentReaper;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.functions.support.TokenSource;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs on a schedule and destroys every expired ephemeral environment through the normal destroy
 * ({@link EnvironmentReaper}): the destroy is recorded, {@code Deployment Requested} goes to the
 * tier's provisioner, and the history shows a destroy requested by {@code reaper}. The schedule's
 * input is ignored, so a duplicate or late delivery is just another run.
 */
public final class EnvironmentReaperHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private static final Log LOG = Log.of(EnvironmentReaperHandler.class);

  private final EnvironmentReaper reaper;
  private final Clock clock;
  private final TokenSource ids = new TokenSource();

  public EnvironmentReaperHandler() {
    this(System.getenv());
  }

  public EnvironmentReaperHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public EnvironmentReaperHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment), clock);
  }

  private EnvironmentReaperHandler(Settings settings, Clock clock) {
    this(
        new DynamoDbRegistry(settings.dynamoDb(), settings.registryTable()),
        new DynamoDbDeployments(settings.dynamoDb(), settings.registryTable()),
        new EventBridgePublisher(settings.eventBridge(), settings.eventBusName()),
        settings.expiryWarningLeadTimes(EnvironmentReaper.DEFAULT_LEAD_TIMES),
        clock);
  }

  public EnvironmentReaperHandler(
      Registry registry,
      Deployments deployments,
      EventPublisher events,
      List<Duration> leadTimes,
      Clock clock) {
    this.reaper =
        new EnvironmentReaper(
            registry,
            deployments,
            new DeploymentService(registry, deployments, events),
            events,
            leadTimes);
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    EnvironmentReaper.Reaped reaped = reaper.reap(clock.instant(), () -> "x-" + ids.newId());
    for (Deployment d : reaped.destroying()) {
      LOG.info(
          "expired environment destroying",
          "app",
          d.app(),
          "environment",
          d.environment(),
          "deploymentId",
          d.id());
    }
    for (EnvironmentReaper.GaveUp g : reaped.gaveUp()) {
      // Reported, not retried: a person has to look at why its destroys keep failing.
      LOG.error(
          "expired environment could not be destroyed; the reaper stopped trying",
          "app",
          g.app(),
          "environment",
          g.environment(),
          "failedDestroys",
          Integer.toString(g.failedDestroys()),
          "lastReason",
          g.lastReason());
    }
    for (EnvironmentReaper.Warned w : reaped.warned()) {
      LOG.info(
          "owner warned of an expiry",
          "app",
          w.app(),
          "environment",
          w.environment(),
          "leadTime",
          w.leadTime().toString(),
          "expiresAt",
          w.expiresAt().toString());
    }
    return Map.of(
        "warned", reaped.warned().size(),
        "destroying", reaped.destroying().size(),
        "spared", reaped.spared().size(),
        "gaveUp", reaped.gaveUp().size());
  }
}
