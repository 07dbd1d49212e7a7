package io.stagecoach.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.expiry.EnvironmentReaper;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.AuditTrail;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.functions.support.TokenSource;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs on a schedule and destroys every expired ephemeral environment through the normal destroy
 * ({@link EnvironmentReaper}): the destroy is recorded, {@code Deployment Requested} goes to the
 * tier's provisioner, and the history shows a destroy requested by {@code reaper}. The schedule's
 * input is ignored, so a duplicate or late delivery is just another run. Each destroy it requests,
 * and each environment it gives up on, is recorded in the audit log once (surface and principal
 * {@code reaper}).
 */
public final class EnvironmentReaperHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private static final Log LOG = Log.of(EnvironmentReaperHandler.class);

  private static final String SURFACE = "reaper";

  private final EnvironmentReaper reaper;
  private final AuditTrail audit;
  private final Clock clock;
  private final TokenSource ids = new TokenSource();

  public EnvironmentReaperHandler() {
    this(Settings.processEnvironment());
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
        new DynamoDbAuditLog(settings.dynamoDb(), settings.registryTable()),
        clock);
  }

  /** A reaper whose decisions are recorded nowhere (handler tests that look at other things). */
  public EnvironmentReaperHandler(
      Registry registry,
      Deployments deployments,
      EventPublisher events,
      List<Duration> leadTimes,
      Clock clock) {
    this(registry, deployments, events, leadTimes, AuditLog.NONE, clock);
  }

  /** A reaper that records each destroy it requests, and each environment it gave up on. */
  public EnvironmentReaperHandler(
      Registry registry,
      Deployments deployments,
      EventPublisher events,
      List<Duration> leadTimes,
      AuditLog audit,
      Clock clock) {
    this.reaper =
        new EnvironmentReaper(
            registry,
            deployments,
            new DeploymentService(registry, deployments, events),
            events,
            leadTimes);
    this.audit = new AuditTrail(audit, SURFACE);
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    Instant now = clock.instant();
    EnvironmentReaper.Reaped reaped = reaper.reap(now, () -> "x-" + ids.newId());
    String requestId = context != null ? context.getAwsRequestId() : "reaper-" + now;
    for (Deployment d : reaped.destroying()) {
      // Once per destroy: a duplicate run finds the destroy under way, with the same id. One that
      // someone else requested is in the log already, as theirs.
      if (!d.requestedBy().equals(EnvironmentReaper.PRINCIPAL)) {
        continue;
      }
      audit.record(
          new AuditTrail.Decision(
              AuditEntry.idOf(SURFACE, "destroy", d.app(), d.id()),
              now,
              EnvironmentReaper.PRINCIPAL,
              "destroy",
              d.app() + "/" + d.environment(),
              Optional.of(d.app()),
              Optional.of(d.environment()),
              AuditEntry.ACCEPTED,
              requestId,
              Optional.empty(),
              Optional.of(d.status().wireName()),
              Optional.of(
                  "the environment expired; destroy " + d.id() + " requested through its tier")));
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
      // Every later run reports it again, with the same failures: recorded once.
      audit.record(
          new AuditTrail.Decision(
              AuditEntry.idOf(
                  SURFACE,
                  "gave_up",
                  g.app(),
                  g.environment(),
                  Integer.toString(g.failedDestroys()),
                  g.lastReason()),
              now,
              EnvironmentReaper.PRINCIPAL,
              "destroy",
              g.app() + "/" + g.environment(),
              Optional.of(g.app()),
              Optional.of(g.environment()),
              "gave_up",
              requestId,
              Optional.empty(),
              Optional.empty(),
              Optional.of(
                  g.failedDestroys()
                      + " destroys failed; the reaper stopped trying. Last: "
                      + g.lastReason())));
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
