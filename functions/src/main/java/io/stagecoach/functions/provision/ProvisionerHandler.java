package io.stagecoach.functions.provision;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentCallbacks;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.deployment.Plan;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.functions.aws.SfnPromotionRunner;
import io.stagecoach.functions.events.EventBridgePublisher;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.provisioning.cloudformation.CloudFormationProvisioner;
import io.stagecoach.provisioning.cloudformation.RefusedRequestException;
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
 *   <li>{@code {"action": "plan", "app", "environment", "version"}} (a synchronous invocation by
 *       the API function): answers {@code {"plan": ...}} or {@code {"refused": {"code", "detail"}}}
 *       and changes nothing.
 * </ul>
 */
public final class ProvisionerHandler implements RequestStreamHandler {

  private static final Log LOG = Log.of(ProvisionerHandler.class);

  private final String tier;
  private final Registry registry;
  private final Deployments deployments;
  private final Provisioner provisioner;
  private final EventPublisher events;
  private final Clock clock;
  private final DeploymentCallbacks callbacks;

  /** The invocation under way, for the CloudFormation provisioner's time budget. */
  private AtomicReference<Context> invocation = new AtomicReference<>();

  /** Deploy roles are named {@code stagecoach-deploy-{tier}} in every target account. */
  public static final String DEPLOY_ROLE_PREFIX = "stagecoach-deploy-";

  public ProvisionerHandler() {
    this(System.getenv());
  }

  public ProvisionerHandler(Map<String, String> environment) {
    this(environment, ProvisionerHandler::cloudFormation);
  }

  /**
   * The function with another provisioner than CloudFormation: the local cloud passes its local
   * materializer here, so that it never ships in the Lambda jar.
   */
  public ProvisionerHandler(Map<String, String> environment, ProvisionerFactory provisioners) {
    this(Settings.fromEnvironment(environment), provisioners, new AtomicReference<>());
  }

  private ProvisionerHandler(
      Settings settings, ProvisionerFactory provisioners, AtomicReference<Context> invocation) {
    this(
        settings.provisionerTier(),
        new DynamoDbRegistry(settings.dynamoDb(), settings.registryTable()),
        new DynamoDbDeployments(settings.dynamoDb(), settings.registryTable()),
        provisioners.create(settings, () -> timeLeft(invocation.get())),
        new EventBridgePublisher(settings.eventBridge(), settings.eventBusName()),
        Clock.systemUTC(),
        // Only answers promotion steps' tokens: no state machine ARN is needed for that.
        new SfnPromotionRunner(settings.stepFunctions(), "", null));
    this.invocation = invocation;
  }

  /** Makes the tier's provisioner from the function's settings, once, at init. */
  @FunctionalInterface
  public interface ProvisionerFactory {
    /**
     * @param timeLeft how long the invocation under way may still run
     */
    Provisioner create(Settings settings, Supplier<Duration> timeLeft);
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
    this.callbacks = callbacks;
    this.tier = tier;
    this.registry = registry;
    this.deployments = deployments;
    this.provisioner = provisioner;
    this.events = events;
    this.clock = clock;
  }

  /** CloudFormation through the tier's deploy role in the listed accounts. */
  private static Provisioner cloudFormation(Settings settings, Supplier<Duration> timeLeft) {
    return CloudFormationProvisioner.assumingDeployRoles(
        settings.region(),
        settings.credentials(),
        deployRolePrefix(settings),
        settings.deployAccounts(),
        Clock.systemUTC(),
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
    } else {
      throw new IllegalArgumentException(
          "the provisioner takes Deployment Requested events and plan requests only");
    }
    output.write(Json.write(answer).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private ObjectNode deploy(JsonNode detail, Context context) {
    String app = detail.path("app").asText();
    String id = detail.path("deploymentId").asText();
    String eventTier = detail.path("tier").asText();
    ObjectNode answer = Json.object();
    if (!tier.equals(eventTier)) {
      LOG.warn(
          "deployment of another tier refused",
          "tier",
          tier,
          "eventTier",
          eventTier,
          "app",
          app,
          "deploymentId",
          id);
      return answer.put("refused", "tier");
    }
    if (detail.hasNonNull("promotionId") && detail.hasNonNull("taskToken")) {
      // Asked by a promotion's Deploy step: the event is the request; record it (once) with the
      // step's token.
      Outcome<Deployment> recorded =
          new DeploymentService(registry, deployments, events)
              .recordForPromotion(
                  new Principal(detail.path("requestedBy").asText("promotion"), java.util.Set.of()),
                  app,
                  id,
                  detail.path("environment").asText(),
                  detail.path("version").asText(),
                  detail.path("promotionId").asText(),
                  detail.path("taskToken").asText(),
                  clock.instant());
      if (recorded instanceof Outcome.Rejected<Deployment> r) {
        Deployment refused =
            new Deployment(
                id,
                app,
                detail.path("environment").asText(),
                io.stagecoach.domain.registry.Tier.DEV,
                io.stagecoach.domain.deployment.DeploymentAction.DEPLOY,
                Optional.empty(),
                Optional.empty(),
                io.stagecoach.domain.deployment.DeploymentStatus.FAILED,
                Optional.of(r.rejection().detail()),
                Optional.empty(),
                java.util.Map.of(),
                "promotion",
                "promotion",
                "",
                0,
                clock.instant(),
                Optional.empty(),
                Optional.empty());
        callbacks.failed(detail.path("taskToken").asText(), refused);
        return answer.put("refused", r.rejection().code().wireName());
      }
    }
    ProvisioningRun run =
        new ProvisioningRun(registry, deployments, provisioner, events, clock::instant, callbacks);
    ProvisioningRun.Report report = run.run(app, id, () -> timeLeft(context));
    var lines = answer.putArray("report");
    report.lines().forEach(lines::add);
    LOG.info(
        "deployment provisioned",
        "tier",
        tier,
        "app",
        app,
        "deploymentId",
        id,
        "promotionId",
        detail.path("promotionId").asText(null),
        "report",
        String.join("; ", report.lines()));
    return answer;
  }

  private ObjectNode plan(String app, String environment, String version) {
    Registry.AppAndEnvironment read = registry.findAppAndEnvironment(app, environment);
    if (read.app().isEmpty() || read.environment().isEmpty()) {
      return refused(
          Rejection.Code.NOT_FOUND, "environment '" + app + "/" + environment + "' does not exist");
    }
    App theApp = read.app().get();
    Environment env = read.environment().get();
    if (!env.tier().wireName().equals(tier)) {
      return refused(
          Rejection.Code.FORBIDDEN,
          "this is the "
              + tier
              + " provisioner; "
              + app
              + "/"
              + environment
              + " is on the "
              + env.tier().wireName()
              + " tier");
    }
    if (theApp.template().isEmpty()) {
      return refused(Rejection.Code.CONFLICT, "app '" + app + "' has no environment template");
    }
    Optional<Release> release = registry.findRelease(app, version);
    if (release.isEmpty()) {
      return refused(
          Rejection.Code.NOT_FOUND, "release " + version + " of app '" + app + "' does not exist");
    }
    Plan plan;
    try {
      plan =
          provisioner.plan(new ProvisioningRequest("plan", env, release, theApp.template().get()));
    } catch (IllegalArgumentException | RefusedRequestException e) {
      return refused(
          Rejection.Code.VALIDATION_FAILED,
          "the environment template cannot be planned: " + e.getMessage());
    }
    ObjectNode answer = Json.object();
    answer.set("plan", DeploymentJson.plan(plan));
    return answer;
  }

  private static ObjectNode refused(Rejection.Code code, String detail) {
    ObjectNode answer = Json.object();
    answer.putObject("refused").put("code", code.wireName()).put("detail", detail);
    return answer;
  }
}
