package io.stagecoach.infra.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfig;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The per-tier provisioners and the deployment sweeper.
 *
 * <p>For each tier there is one function with its own role, subscribed by its own rule to {@code
 * Deployment Requested} events of that tier ({@code detail.tier}). The role may assume only that
 * tier's deploy role, {@code stagecoach-deploy-{tier}}, and only in the accounts listed for the
 * tier: prod credentials never sit in a function that handles dev events. A tier without accounts
 * gets no {@code sts:AssumeRole} at all (its deployments fail with a clear reason until accounts
 * are listed).
 *
 * <p>The same rule brings it that tier's {@code Drift Check Requested} events: the drift check runs
 * in the same function, through the same deploy role (CloudFormation drift detection).
 *
 * <p>EventBridge invokes the functions asynchronously; a run that ends in a technical error is
 * retried by Lambda twice (the provisioner counts attempts and fails the deployment after the
 * third), and an event that still cannot be handled lands in the tier's dead-letter queue.
 *
 * <p>The sweeper runs every five minutes and sends {@code Deployment Requested} again for
 * deployments still unfinished ten minutes after they were asked for (a lost event, a provisioner
 * that died).
 */
public final class Provisioners extends Construct {

  public static final String HANDLER =
      "io.stagecoach.functions.provision.ProvisionerHandler::handleRequest";
  public static final String SWEEPER_HANDLER =
      "io.stagecoach.functions.provision.DeploymentSweeperHandler::handleRequest";
  public static final String DETAIL_TYPE = "Deployment Requested";
  public static final String DRIFT_CHECK_DETAIL_TYPE = "Drift Check Requested";
  public static final List<String> DEFAULT_TIERS = List.of("dev", "staging", "prod");
  public static final Set<String> KNOWN_TIERS = Set.of("dev", "staging", "prod");

  /** Lambda's own retries of an asynchronous invocation that failed (the maximum). */
  public static final int LAMBDA_RETRIES = 2;

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

  private final Map<String, JavaFunction> functions = new LinkedHashMap<>();
  private final Map<String, Rule> rules = new LinkedHashMap<>();
  private final JavaFunction sweeper;

  /**
   * @param tiers the tiers that get a provisioner, in order (each one of dev, staging, prod)
   * @param deployAccounts per tier, the AWS accounts whose {@code stagecoach-deploy-{tier}} role
   *     its provisioner may assume
   */
  public record Props(
      Code code,
      IEventBus bus,
      RegistryTable registry,
      List<String> tiers,
      Map<String, List<String>> deployAccounts,
      RetentionDays logRetention) {

    public Props {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(tiers, "tiers");
      Objects.requireNonNull(deployAccounts, "deployAccounts");
      Objects.requireNonNull(logRetention, "logRetention");
      if (tiers.isEmpty()) {
        throw new IllegalArgumentException("at least one tier needs a provisioner");
      }
      if (Set.copyOf(tiers).size() != tiers.size()) {
        throw new IllegalArgumentException("tiers must not repeat, got " + tiers);
      }
      for (String tier : tiers) {
        if (!KNOWN_TIERS.contains(tier)) {
          throw new IllegalArgumentException(
              "unknown tier '" + tier + "'; tiers are " + DEFAULT_TIERS);
        }
      }
      for (Map.Entry<String, List<String>> e : deployAccounts.entrySet()) {
        if (!tiers.contains(e.getKey())) {
          throw new IllegalArgumentException(
              "deploy accounts are listed for tier '"
                  + e.getKey()
                  + "', which has no provisioner (tiers: "
                  + tiers
                  + ")");
        }
        for (String account : e.getValue()) {
          if (!ACCOUNT.matcher(account).matches()) {
            throw new IllegalArgumentException(
                "deploy account of tier "
                    + e.getKey()
                    + " must be a 12-digit account id, got '"
                    + account
                    + "'");
          }
        }
      }
      tiers = List.copyOf(tiers);
      Map<String, List<String>> copy = new LinkedHashMap<>();
      deployAccounts.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      deployAccounts = Map.copyOf(copy);
    }
  }

  public Provisioners(final Construct scope, final String id, final Props props) {
    super(scope, id);
    String bus = props.bus().getEventBusName();
    for (String tier : props.tiers()) {
      String name = capitalised(tier);
      List<String> accounts = props.deployAccounts().getOrDefault(tier, List.of());
      Map<String, String> environment = new LinkedHashMap<>();
      environment.put(StagecoachStack.REGISTRY_TABLE_VARIABLE, props.registry().tableName());
      environment.put(StagecoachStack.EVENT_BUS_VARIABLE, bus);
      environment.put("PROVISIONER_TIER", tier);
      environment.put("DEPLOY_ROLE_NAME", deployRoleName(tier));
      environment.put("DEPLOY_ACCOUNTS", String.join(",", accounts));
      JavaFunction fn =
          new JavaFunction(
              this,
              name + "Provisioner",
              new JavaFunction.Props(
                  props.code(),
                  HANDLER,
                  1024,
                  Duration.minutes(15),
                  environment,
                  props.logRetention(),
                  "Stagecoach provisioner of the " + tier + " tier"));
      props.registry().grantItemReadWrite(fn.grantPrincipal());
      props.bus().grantPutEventsTo(fn.grantPrincipal());
      if (!accounts.isEmpty()) {
        List<String> roles = new ArrayList<>();
        for (String account : accounts) {
          roles.add("arn:aws:iam::" + account + ":role/" + deployRoleName(tier));
        }
        fn.role()
            .addToPrincipalPolicy(
                PolicyStatement.Builder.create()
                    .actions(List.of("sts:AssumeRole"))
                    .resources(roles)
                    .build());
      }

      Queue deadLetters =
          Queue.Builder.create(this, name + "DeadLetters")
              .encryption(QueueEncryption.SQS_MANAGED)
              .enforceSsl(true)
              .retentionPeriod(Duration.days(14))
              .build();
      new AcknowledgedFinding(
              "AwsSolutions-SQS3",
              "This queue is the dead-letter queue of the "
                  + tier
                  + " provisioner (its rule target and its"
                  + " asynchronous invocations); a queue behind it would only move the events again.")
          .on(deadLetters);
      // On the alias EventBridge invokes: a config without the qualifier would apply to $LATEST.
      EventInvokeConfig.Builder.create(this, name + "InvokeConfig")
          .function(fn.function())
          .qualifier(JavaFunction.ALIAS_NAME)
          .retryAttempts(LAMBDA_RETRIES)
          .maxEventAge(Duration.hours(6))
          .onFailure(new SqsDestination(deadLetters))
          .build();

      Rule rule =
          Rule.Builder.create(this, name + "DeploymentRequestedRule")
              .eventBus(props.bus())
              .description(
                  "Deployment Requested and Drift Check Requested events of the "
                      + tier
                      + " tier, to its provisioner")
              .eventPattern(
                  EventPattern.builder()
                      .source(List.of(ReleaseIntake.EVENT_SOURCE))
                      .detailType(List.of(DETAIL_TYPE, DRIFT_CHECK_DETAIL_TYPE))
                      .detail(Map.of("tier", List.of(tier)))
                      .build())
              .targets(
                  List.of(
                      LambdaFunction.Builder.create(fn.liveAlias())
                          .retryAttempts(3)
                          .maxEventAge(Duration.hours(1))
                          .deadLetterQueue(deadLetters)
                          .build()))
              .build();
      functions.put(tier, fn);
      rules.put(tier, rule);
    }

    this.sweeper =
        new JavaFunction(
            this,
            "DeploymentSweeper",
            new JavaFunction.Props(
                props.code(),
                SWEEPER_HANDLER,
                512,
                Duration.seconds(60),
                Map.of(
                    StagecoachStack.REGISTRY_TABLE_VARIABLE,
                    props.registry().tableName(),
                    StagecoachStack.EVENT_BUS_VARIABLE,
                    bus),
                props.logRetention(),
                "Stagecoach deployment sweeper: resends events of stalled deployments"));
    // Reads only: it finds unfinished deployments (gsi2) and reads each item before resending its
    // event.
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(sweeper.grantPrincipal())
            .actions(List.of("dynamodb:GetItem", "dynamodb:Query"))
            .resourceArns(
                List.of(
                    props.registry().table().getTableArn(),
                    props.registry().table().getTableArn() + "/index/gsi2"))
            .build());
    props.bus().grantPutEventsTo(sweeper.grantPrincipal());
    Rule.Builder.create(this, "DeploymentSweeperSchedule")
        .description("Resends Deployment Requested for deployments that stalled")
        .schedule(Schedule.rate(Duration.minutes(5)))
        .targets(
            List.of(
                LambdaFunction.Builder.create(sweeper.liveAlias())
                    .event(RuleTargetInput.fromObject(Map.of("sweep", "deployments")))
                    .retryAttempts(2)
                    .build()))
        .build();
  }

  public static String deployRoleName(final String tier) {
    return "stagecoach-deploy-" + tier;
  }

  /** The provisioner function of each tier, in tier order. */
  public Map<String, JavaFunction> functions() {
    return functions;
  }

  public Map<String, Rule> rules() {
    return rules;
  }

  public JavaFunction sweeper() {
    return sweeper;
  }

  /**
   * {@code dev=<alias arn>,staging=...}: how the API function finds the provisioner that plans for
   * a tier.
   */
  public List<String> functionsSetting() {
    List<String> pairs = new ArrayList<>();
    functions.forEach((tier, fn) -> pairs.add(tier + "=" + fn.liveAlias().getFunctionArn()));
    return pairs;
  }

  private static String capitalised(final String tier) {
    return tier.substring(0, 1).toUpperCase(Locale.ROOT) + tier.substring(1);
  }
}
