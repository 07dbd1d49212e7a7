package io.stagecoach.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.deployment.DeploymentRecovery;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import java.time.Clock;
import java.util.Map;

/**
 * Runs on a schedule and sends {@code Deployment Requested} again for every deployment that is
 * still not terminal {@link DeploymentRecovery#GRACE} after it was requested: its event was lost,
 * its provisioner died holding the lease, or it queued behind a provisioner that died. The
 * provisioner decides from the registry what to do, so a deployment that is in fact progressing is
 * not disturbed.
 */
public final class DeploymentSweeperHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private final DeploymentRecovery recovery;
  private final Clock clock;

  public DeploymentSweeperHandler() {
    this(Settings.processEnvironment());
  }

  public DeploymentSweeperHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public DeploymentSweeperHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment), clock);
  }

  private DeploymentSweeperHandler(Settings settings, Clock clock) {
    this(
        new DynamoDbDeployments(settings.dynamoDb(), settings.registryTable()),
        new EventBridgePublisher(settings.eventBridge(), settings.eventBusName()),
        clock);
  }

  public DeploymentSweeperHandler(Deployments deployments, EventPublisher events, Clock clock) {
    this.recovery = new DeploymentRecovery(deployments, events);
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    return Map.of("resent", recovery.sweep(clock.instant()).deployments().size());
  }
}
