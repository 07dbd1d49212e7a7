package io.stagecoach.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.deployment.DeploymentCallbacks;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.deployment.DriftChecks;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.deployment.ReviewedProvisioner;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.deployment.TierProvisioning;
import io.stagecoach.domain.drift.DriftCheckRequested;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.plan.PlanReview;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.aws.SfnPromotionRunner;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.pricing.PriceTableJson;
import io.stagecoach.provisioning.cloudformation.CloudFormationProvisioner;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A tier's provisioner function. It takes two kinds of input:
 *
 * <ul>
 *   <li>a {@code Deployment Requested} event (from its tier's rule): runs the deployment ({@link
 *       ProvisioningRun}); an event of another tier is refused and logged, never run, since this
 *       function holds only its own tier's credentials;
 *   <li>a {@code Drift Check Requested} event (from the same rule): runs the drift check with the
 *       tier's provisioner ({@link DriftChecks}) and records what it found on the environment;
 *   <li>{@code {"action": "plan", "app", "environment", "version"}} (a synchronous invocation by
 *       the API function): answers {@code {"plan": ...}} or {@code {"refused": {"code", "detail"}}}
 *       and changes nothing.
 * </ul>
 */
public final class ProvisionerHandler implements RequestStreamHandler {

  private static final Log LOG = Log.of(ProvisionerHandler.class);

  private final TierProvisioning provisioning;

  /** The invocation under way, for the CloudFormation provisioner's time budget. */
  private AtomicReference<Context> invocation = new AtomicReference<>();

  /** Deploy roles are named {@code stagecoach-deploy-{tier}} in every target account. */
  public static final String DEPLOY_ROLE_PREFIX = "stagecoach-deploy-";

  public ProvisionerHandler() {
    this(Settings.processEnvironment());
  }

  public ProvisionerHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC(), ProvisionerHandler::cloudFormation);
  }

  /**
   * The function with another provisioner than CloudFormation, on another clock: the local cloud
   * passes its local materializer here, so that it never ships in the Lambda jar, and its own clock
   * (which can be moved).
   */
  public ProvisionerHandler(
      Map<String, String> environment, Clock clock, ProvisionerFactory provisioners) {
    this(Settings.fromEnvironment(environment), clock, provisioners, new AtomicReference<>());
  }

  private ProvisionerHandler(
      Settings settings,
      Clock clock,
      ProvisionerFactory provisioners,
      AtomicReference<Context> invocation) {
    this(
        settings.provisionerTier(),
        new DynamoDbRegistry(settings.dynamoDb(), settings.registryTable()),
        new DynamoDbDeployments(settings.dynamoDb(), settings.registryTable()),
        provisioners.create(settings, clock, () -> timeLeft(invocation.get())),
        new EventBridgePublisher(settings.eventBridge(), settings.eventBusName()),
        clock,
        // Only answers promotion steps' tokens: no state machine ARN is needed for that.
        new SfnPromotionRunner(settings.stepFunctions(), "", null));
    this.invocation = invocation;
  }

  /** Makes the tier's provisioner from the function's settings, once, at init. */
  @FunctionalInterface
  public interface ProvisionerFactory {
    /**
     * @param clock the function's clock
     * @param timeLeft how long the invocation under way may still run
     */
    Provisioner create(Settings settings, Clock clock, Supplier<Duration> timeLeft);
  }

  public ProvisionerHandler(
      String tier,
      Registry registry,
      Deployments deployments,
      Provisioner provisioner,
      EventPublisher events,
      Clock clock) {
    this(tier, registry, deployments, provisioner, events, clock, DeploymentCallbacks.NONE);
  }

  public ProvisionerHandler(
      String tier,
      Registry registry,
      Deployments deployments,
      Provisioner provisioner,
      EventPublisher events,
      Clock clock,
      DeploymentCallbacks callbacks) {
    this.provisioning =
        new TierProvisioning(
            tier,
            registry,
            deployments,
            reviewed(provisioner, registry),
            events,
            clock::instant,
            callbacks);
  }

  /**
   * Every plan the tier's provisioner makes, reviewed: blast radius, and cost from the price table
   * kept in the repository.
   */
  private static Provisioner reviewed(Provisioner provisioner, Registry registry) {
    return new ReviewedProvisioner(
        provisioner, new PlanReview(registry, new CostEstimator(PriceTableJson.bundled())));
  }

  /** CloudFormation through the tier's deploy role in the listed accounts. */
  private static Provisioner cloudFormation(
      Settings settings, Clock clock, Supplier<Duration> timeLeft) {
    return CloudFormationProvisioner.assumingDeployRoles(
        settings.region(),
        settings.credentials(),
        deployRolePrefix(settings),
        settings.deployAccounts(),
        clock,
        timeLeft);
  }

  /**
   * {@code DEPLOY_ROLE_NAME} is {@code stagecoach-deploy-{tier}}; the provisioner assumes it in
   * each account.
   */
  private static String deployRolePrefix(Settings settings) {
    String role = settings.deployRoleName();
    String tier = settings.provisionerTier();
    if (!role.equals(DEPLOY_ROLE_PREFIX + tier)) {
      throw new IllegalStateException(
          "DEPLOY_ROLE_NAME must be "
              + DEPLOY_ROLE_PREFIX
              + tier
              + " for the "
              + tier
              + " provisioner, not "
              + role);
    }
    return DEPLOY_ROLE_PREFIX;
  }

  private static Duration timeLeft(Context context) {
    return context == null
        ? Duration.ofMinutes(15)
        : Duration.ofMillis(context.getRemainingTimeInMillis());
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    invocation.set(context);
    JsonNode in =
        Json.parse(new String(input.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    ObjectNode answer;
    if ("plan".equals(in.path("action").asText())) {
      answer =
          plan(
              in.path("app").asText(),
              in.path("environment").asText(),
              in.path("version").asText());
    } else if (DeploymentRequested.DETAIL_TYPE.equals(in.path("detail-type").asText())) {
      answer = deploy(in.path("detail"), context);
    } else if (DriftCheckRequested.DETAIL_TYPE.equals(in.path("detail-type").asText())) {
      answer = checkDrift(in.path("detail"));
    } else {
      throw new IllegalArgumentException(
          "the provisioner takes Deployment Requested and Drift Check Requested events and plan"
              + " requests only");
    }
    output.write(Json.write(answer).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private ObjectNode deploy(JsonNode detail, Context context) {
    String app = detail.path("app").asText();
    String id = detail.path("deploymentId").asText();
    String eventTier = detail.path("tier").asText();
    Optional<TierProvisioning.PromotionStep> promotion =
        detail.hasNonNull("promotionId") && detail.hasNonNull("taskToken")
            ? Optional.of(
                new TierProvisioning.PromotionStep(
                    detail.path("promotionId").asText(),
                    detail.path("taskToken").asText(),
                    detail.path("requestedBy").asText("promotion"),
                    detail.path("environment").asText(),
                    detail.path("version").asText()))
            : Optional.empty();
    ObjectNode answer = Json.object();
    switch (provisioning.deploy(app, id, eventTier, promotion, () -> timeLeft(context))) {
      case TierProvisioning.DeployAnswer.OtherTier other -> {
        LOG.warn(
            "deployment of another tier refused",
            "tier",
            provisioning.tier(),
            "eventTier",
            other.eventTier(),
            "app",
            app,
            "deploymentId",
            id);
        answer.put("refused", "tier");
      }
      case TierProvisioning.DeployAnswer.Refused r -> answer.put("refused", r.code());
      case TierProvisioning.DeployAnswer.Ran ran -> {
        var lines = answer.putArray("report");
        ran.report().lines().forEach(lines::add);
        LOG.info(
            "deployment provisioned",
            "tier",
            provisioning.tier(),
            "app",
            app,
            "deploymentId",
            id,
            "promotionId",
            detail.path("promotionId").asText(null),
            "report",
            String.join("; ", ran.report().lines()));
      }
    }
    return answer;
  }

  /**
   * Runs a drift check with this tier's provisioner and records what it found; a check of another
   * tier, or one no longer under way, is left alone.
   */
  private ObjectNode checkDrift(JsonNode detail) {
    String app = detail.path("app").asText();
    String environment = detail.path("environment").asText();
    String checkId = detail.path("checkId").asText();
    ObjectNode answer = Json.object();
    switch (provisioning.checkDrift(app, environment, checkId)) {
      case DriftChecks.Ran.OtherTier other -> {
        LOG.warn(
            "drift check of another tier refused",
            "tier",
            provisioning.tier(),
            "environmentTier",
            other.tier(),
            "app",
            app,
            "environment",
            environment,
            "checkId",
            checkId);
        answer.put("refused", "tier");
      }
      case DriftChecks.Ran.NotCurrent n -> answer.put("skipped", n.why());
      case DriftChecks.Ran.Checked c -> {
        answer.put("status", c.found().status().wireName());
        answer.put("resources", c.found().resources().size());
        LOG.info(
            "drift checked",
            "tier",
            provisioning.tier(),
            "app",
            app,
            "environment",
            environment,
            "checkId",
            checkId,
            "status",
            c.found().status().wireName(),
            "previous",
            c.previous().status().wireName());
      }
    }
    return answer;
  }

  private ObjectNode plan(String app, String environment, String version) {
    ObjectNode answer = Json.object();
    switch (provisioning.plan(app, environment, version)) {
      case TierPlanner.Answer.Planned p -> answer.set("plan", DeploymentJson.plan(p.plan()));
      case TierPlanner.Answer.Refused r ->
          answer
              .putObject("refused")
              .put("code", r.rejection().code().wireName())
              .put("detail", r.rejection().detail());
      case TierPlanner.Answer.Unavailable u ->
          throw new IllegalStateException("the provisioner cannot plan: " + u.reason());
    }
    return answer;
  }
}
