package io.stagecoach.infra.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.EventBridgePutEvents;
import software.amazon.awscdk.services.stepfunctions.tasks.EventBridgePutEventsEntry;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The promotion pipeline: a release goes through an app's stages one after the other, each deployed
 * only once the one before it has been deployed, approved where the stage asks for it, and soaked.
 *
 * <p>The API function starts the {@code PromotionStateMachine} (standard, named {@code
 * <stack>-promotion}) with {@code {"promotionId", "app", "version", "digest", "requestedBy",
 * "stages": [{"index", "environment", "tier", "needsApproval", "approvalTimeoutSeconds",
 * "soakSeconds"}, ...]}}. A Map state with a concurrency of one takes the stages in order; for
 * each, the steps function ({@value #STEPS_HANDLER}) enters the stage (retried while {@value
 * #STAGE_BUSY_ERROR}: another deployment holds the environment; while the stage's deployment window
 * is closed, the execution waits until the opening the steps function names and enters again), asks
 * for an approval with a task token the API function answers, and the {@code Deploy} state puts
 * {@code Deployment Requested} on the Stagecoach bus with a task token that the tier's provisioner
 * answers once the deployment has finished
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html). The steps
 * function then completes the stage, the execution waits for the stage's soak time, and the steps
 * function promotes the release to the next stage.
 *
 * <p>Errors are classified, not all treated alike: every invocation of the steps function retries
 * {@link #TRANSIENT_ERRORS} (throttling, 5xx, timeouts, a lost conditional write; the steps
 * function names them {@value #TRANSIENT_ERROR}) with exponential backoff and full jitter; the
 * {@link #BUSINESS_ERRORS} (a gate that refuses, a failed verification, a rejected or expired
 * approval, a failed deployment) are retried nowhere and end the promotion at once. Whatever ends a
 * stage, the steps function records the failure and the execution fails with {@value
 * #FAILED_ERROR}.
 *
 * <p>State names are a contract: the steps function and the tests rely on them.
 *
 * <p>The steps function, the API function and the provisioners find the state machine by a
 * constructed ARN and answer its tokens through policies of their own: the state machine names the
 * steps function's alias, so a reference back from that function (environment, role default policy)
 * would be a cycle CloudFormation refuses.
 */
public final class Promotion extends Construct {

  public static final String STEPS_HANDLER =
      "io.stagecoach.functions.promotion.PromotionStepsHandler::handleRequest";

  /** Where the functions find the promotion state machine (its ARN). */
  public static final String STATE_MACHINE_VARIABLE = "PROMOTION_STATE_MACHINE";

  /**
   * What the steps function throws while the stage's environment is busy with another deployment.
   */
  public static final String STAGE_BUSY_ERROR = "io.stagecoach.functions.promotion.StageBusy";

  /**
   * What the steps function throws for a technical error that passes (throttling, 5xx, timeouts, a
   * lost conditional write): retried with backoff and full jitter.
   */
  public static final String TRANSIENT_ERROR = "io.stagecoach.functions.promotion.Transient";

  /**
   * The Lambda service's own errors on invoking the steps function, and its timeout: retried as the
   * steps function's transient errors.
   */
  public static final List<String> TRANSIENT_ERRORS =
      concat(List.of(TRANSIENT_ERROR), ReleaseIntake.TRANSIENT_LAMBDA_ERRORS);

  /**
   * Business outcomes: what the steps function throws when a gate refuses, a verification fails or
   * the promotion has ended; what approvals (through their task token) and provisioners answer.
   * None is retried: each ends the promotion at once, with the reason recorded on it.
   */
  public static final List<String> BUSINESS_ERRORS =
      List.of(
          "io.stagecoach.functions.promotion.GateClosed",
          "io.stagecoach.functions.promotion.VerificationFailed",
          "io.stagecoach.functions.promotion.PromotionStopped",
          "Approval.Rejected",
          "Approval.Expired",
          "Promotion.Superseded",
          "Deployment.Failed",
          "Deployment.Superseded",
          "States.Timeout");

  /**
   * Transient errors: from 1 s, doubling, at most 30 s apart, at a random point below that (full
   * jitter, so that steps failing together do not retry together), six times (about a minute in
   * all): enough for DynamoDB to lift a throttle or a concurrent step to finish.
   * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
   */
  static final Duration TRANSIENT_INTERVAL = Duration.seconds(1);

  static final Duration TRANSIENT_MAX_DELAY = Duration.seconds(30);
  static final int TRANSIENT_MAX_ATTEMPTS = 6;

  public static final String FAILED_ERROR = "PromotionFailed";

  /** How long the Deploy state waits for the provisioner to answer its token. */
  public static final Duration DEPLOY_TIMEOUT = Duration.hours(2);

  /**
   * What the steps function may do with the state machine: answer (fail) approval tasks it
   * supersedes.
   */
  public static final List<String> STEPS_TASK_ACTIONS = ReleaseIntake.TASK_RESPONSE_ACTIONS;

  /** What the API function may do: start promotions and answer their approval tasks. */
  public static final List<String> API_ACTIONS =
      List.of("states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure");

  /** What the CodeCommit push function may do: start promotions. */
  public static final List<String> START_ACTIONS = List.of("states:StartExecution");

  /** What a provisioner may do: answer the Deploy state's task token. */
  public static final List<String> PROVISIONER_ACTIONS =
      List.of("states:SendTaskSuccess", "states:SendTaskFailure");

  private static final Pattern STATE_MACHINE_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,80}$");

  private final JavaFunction steps;
  private final StateMachine stateMachine;
  private final String stateMachineArn;
  private final Policy stepsTaskResponse;

  /**
   * @param code the functions' deployment package
   * @param bus the Stagecoach bus, where {@code Deployment Requested} goes
   * @param registry the registry, whose promotion items the steps function reads and writes
   * @param stateMachineName the state machine's physical name (letters, digits, '-', '_'; up to 80)
   * @param logRetention retention of the steps function's and the state machine's log groups
   */
  public record Props(
      Code code,
      IEventBus bus,
      RegistryTable registry,
      String stateMachineName,
      RetentionDays logRetention) {

    public Props {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(stateMachineName, "stateMachineName");
      Objects.requireNonNull(logRetention, "logRetention");
      if (!STATE_MACHINE_NAME.matcher(stateMachineName).matches()) {
        throw new IllegalArgumentException(
            "a state machine name has 1 to 80 letters, digits, '-' or '_', got '"
                + stateMachineName
                + "'");
      }
    }
  }

  public Promotion(final Construct scope, final String id, final Props props) {
    super(scope, id);

    this.stateMachineArn =
        Stack.of(this)
            .formatArn(
                ArnComponents.builder()
                    .service("states")
                    .resource("stateMachine")
                    .resourceName(props.stateMachineName())
                    .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                    .build());

    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(StagecoachStack.REGISTRY_TABLE_VARIABLE, props.registry().tableName());
    environment.put(StagecoachStack.EVENT_BUS_VARIABLE, props.bus().getEventBusName());
    environment.put(STATE_MACHINE_VARIABLE, stateMachineArn);
    // 60 s: verifying a stage makes HTTP health checks of the environment, with retries.
    this.steps =
        new JavaFunction(
            this,
            "PromotionSteps",
            new JavaFunction.Props(
                props.code(),
                STEPS_HANDLER,
                1024,
                Duration.seconds(60),
                environment,
                props.logRetention(),
                "Stagecoach promotion steps"));
    props.registry().grantItemReadWrite(steps.grantPrincipal());
    props.bus().grantPutEventsTo(steps.grantPrincipal());

    // ---- one stage (the Map's item processor); $ is the ItemSelector's object ----

    Map<String, Object> entered = new LinkedHashMap<>();
    entered.put("next", JsonPath.stringAt("$.Payload.next"));
    entered.put("deploymentId", JsonPath.stringAt("$.Payload.deploymentId"));
    entered.put("opensAt", JsonPath.stringAt("$.Payload.opensAt"));
    LambdaInvoke enterStage =
        invoke("EnterStage", "Enter stage", stageRequest("enterStage"), "$.entered", entered);
    // Another deployment holds the stage's environment: wait for it, up to about eight hours in
    // all.
    enterStage.addRetry(
        RetryProps.builder()
            .errors(List.of(STAGE_BUSY_ERROR))
            .interval(Duration.seconds(30))
            .backoffRate(1.5)
            .maxDelay(Duration.minutes(5))
            .maxAttempts(99)
            .build());

    Map<String, Object> approvalRequest = stageRequest("requestApproval");
    approvalRequest.put("taskToken", JsonPath.getTaskToken());
    LambdaInvoke waitForApproval =
        LambdaInvoke.Builder.create(this, "WaitForApproval")
            .stateName("Wait for approval")
            .lambdaFunction(steps.liveAlias())
            .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
            .payload(TaskInput.fromObject(approvalRequest))
            .taskTimeout(Timeout.at("$.stage.approvalTimeoutSeconds"))
            .resultPath("$.approval")
            .retryOnServiceExceptions(false)
            .build();
    retryTransientErrors(waitForApproval);

    EventBridgePutEvents deploy =
        EventBridgePutEvents.Builder.create(this, "Deploy")
            .stateName("Deploy")
            .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
            .entries(
                List.of(
                    EventBridgePutEventsEntry.builder()
                        .eventBus(props.bus())
                        .source(ReleaseIntake.EVENT_SOURCE)
                        .detailType(Provisioners.DETAIL_TYPE)
                        .detail(TaskInput.fromObject(deploymentRequested()))
                        .build()))
            .taskTimeout(Timeout.duration(DEPLOY_TIMEOUT))
            .resultPath("$.deployed")
            .build();

    Map<String, Object> completeRequest = stageRequest("completeStage");
    completeRequest.put("deploymentId", JsonPath.stringAt("$.entered.deploymentId"));
    completeRequest.put("deployed", JsonPath.objectAt("$.deployed"));
    LambdaInvoke completeStage =
        invoke(
            "CompleteStage",
            "Complete stage",
            completeRequest,
            "$.completed",
            Map.of("soakSeconds", JsonPath.numberAt("$.Payload.soakSeconds")));

    Map<String, Object> promoteRequest = stageRequest("promoteStage");
    promoteRequest.put("deploymentId", JsonPath.stringAt("$.entered.deploymentId"));
    LambdaInvoke promoteStage =
        invoke("PromoteStage", "Promote stage", promoteRequest, JsonPath.DISCARD, Map.of());

    Wait soak =
        Wait.Builder.create(this, "Soak")
            .stateName("Soak")
            .time(WaitTime.secondsPath("$.completed.soakSeconds"))
            .build();

    // The stage's deployment window is closed: wait until it opens (a timestamp the steps function
    // gave), then enter the stage again, which checks the window anew.
    // https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
    Wait waitForWindow =
        Wait.Builder.create(this, "WaitForWindow")
            .stateName("Wait for window")
            .time(WaitTime.timestampPath("$.entered.opensAt"))
            .build();

    Choice needsApproval =
        Choice.Builder.create(this, "NeedsApproval").stateName("Needs approval?").build();
    Choice soakOrNot = Choice.Builder.create(this, "SoakOrNot").stateName("Soak?").build();

    enterStage.next(needsApproval);
    // "skip": the stage was promoted already. Only a re-run of the stages gets there (a workflow
    // resumed
    // from an earlier point): the steps are idempotent, so a re-run neither deploys nor asks twice.
    needsApproval
        .when(Condition.stringEquals("$.entered.next", "wait"), waitForWindow.next(enterStage))
        .when(Condition.stringEquals("$.entered.next", "approve"), waitForApproval.next(deploy))
        .when(
            Condition.stringEquals("$.entered.next", "skip"),
            Succeed.Builder.create(this, "AlreadyPromoted").stateName("Already promoted").build())
        .otherwise(deploy);
    deploy.next(completeStage).next(soakOrNot);
    soakOrNot
        .when(Condition.numberGreaterThan("$.completed.soakSeconds", 0), soak.next(promoteStage))
        .otherwise(promoteStage);

    // ---- the promotion ----

    Map<String, Object> stageItem = new LinkedHashMap<>();
    stageItem.put("promotionId", JsonPath.stringAt("$.promotionId"));
    stageItem.put("app", JsonPath.stringAt("$.app"));
    stageItem.put("version", JsonPath.stringAt("$.version"));
    stageItem.put("digest", JsonPath.stringAt("$.digest"));
    stageItem.put("requestedBy", JsonPath.stringAt("$.requestedBy"));
    stageItem.put("stage", JsonPath.objectAt("$$.Map.Item.Value"));
    software.amazon.awscdk.services.stepfunctions.Map promoteStages =
        software.amazon.awscdk.services.stepfunctions.Map.Builder.create(this, "PromoteStages")
            .stateName("Promote stages")
            .itemsPath("$.stages")
            .itemSelector(stageItem)
            // One stage at a time, in order: a stage is deployed only after the one before it.
            .maxConcurrency(1)
            .resultPath(JsonPath.DISCARD)
            .build();
    promoteStages.itemProcessor(enterStage);

    Map<String, Object> failure = new LinkedHashMap<>();
    failure.put("step", "fail");
    failure.put("promotionId", JsonPath.stringAt("$.promotionId"));
    failure.put("app", JsonPath.stringAt("$.app"));
    failure.put("error", JsonPath.objectAt("$.error"));
    LambdaInvoke recordFailure =
        invoke("RecordFailure", "Record failure", failure, JsonPath.DISCARD, Map.of());
    recordFailure.next(
        Fail.Builder.create(this, "Failed")
            .stateName("Promotion failed")
            .error(FAILED_ERROR)
            .cause("see the promotion record for the reason")
            .build());
    // Business outcomes by name, then everything else (transient errors past their retries, a bug):
    // either way the promotion ends, its reason recorded.
    promoteStages.addCatch(
        recordFailure, CatchProps.builder().errors(BUSINESS_ERRORS).resultPath("$.error").build());
    promoteStages.addCatch(
        recordFailure,
        CatchProps.builder().errors(List.of(Errors.ALL)).resultPath("$.error").build());

    Map<String, Object> success = new LinkedHashMap<>();
    success.put("step", "finish");
    success.put("promotionId", JsonPath.stringAt("$.promotionId"));
    success.put("app", JsonPath.stringAt("$.app"));
    LambdaInvoke recordSuccess =
        invoke("RecordSuccess", "Record success", success, JsonPath.DISCARD, Map.of());

    LogGroup logGroup =
        LogGroup.Builder.create(this, "LogGroup").retention(props.logRetention()).build();

    this.stateMachine =
        StateMachine.Builder.create(this, "PromotionStateMachine")
            .stateMachineName(props.stateMachineName())
            .stateMachineType(StateMachineType.STANDARD)
            .comment(
                "Promotes a release through an app's stages: deploy, approve, soak, one stage after the other")
            .definitionBody(
                DefinitionBody.fromChainable(
                    promoteStages
                        .next(recordSuccess)
                        .next(
                            Succeed.Builder.create(this, "Promoted")
                                .stateName("Promoted")
                                .build())))
            // Errors only, without execution data, as release intake: the history has the rest.
            .logs(
                LogOptions.builder()
                    .destination(logGroup)
                    .level(LogLevel.ERROR)
                    .includeExecutionData(false)
                    .build())
            .tracingEnabled(false)
            .build();

    // A policy of its own, not the role's default policy, which the function waits for: the state
    // machine waits for the function's alias, so naming the state machine there would be a cycle.
    this.stepsTaskResponse =
        Policy.Builder.create(this, "PromotionStepsTaskResponsePolicy")
            .roles(List.of(steps.role()))
            .statements(
                List.of(
                    PolicyStatement.Builder.create()
                        .actions(STEPS_TASK_ACTIONS)
                        .resources(List.of(stateMachine.getStateMachineArn()))
                        .build()))
            .build();

    new AcknowledgedFinding(
            "AwsSolutions-SF1",
            "Errors only: an execution's steps are in its execution history; ALL would copy every state"
                + " transition of every stage into CloudWatch Logs, at a cost, for no more than the history holds.")
        .on(stateMachine.getNode().getDefaultChild());
    new AcknowledgedFinding(
            "AwsSolutions-SF2",
            "No X-Ray in this stack yet (the functions do not trace either); tracing would add"
                + " xray:Put* grants on every resource to the role, and the steps are in the execution history.")
        .on(stateMachine.getNode().getDefaultChild());
    // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
    new AcknowledgedFinding(
            "AwsSolutions-IAM5[Resource::*]",
            "CloudWatch Logs log-delivery actions (CreateLogDelivery, PutResourcePolicy, ...) support"
                + " no resource-level permissions; Step Functions needs them to deliver its logs.")
        .on(stateMachine.getRole());
  }

  /**
   * Lets the API function start promotions and answer their approval tasks, in a policy of its own.
   * Created after the steps function may answer tokens, so that no promotion starts before it can
   * supersede another.
   */
  public Policy grantStartAndApprove(final JavaFunction api) {
    Policy policy = statesPolicy(api, "PromotionStartAndApprovePolicy", API_ACTIONS);
    policy.getNode().addDependency(stepsTaskResponse);
    return policy;
  }

  /**
   * Lets a function start promotions, once the steps function may supersede another (as for the
   * API).
   */
  public Policy grantStart(final JavaFunction starter) {
    Policy policy = statesPolicy(starter, "PromotionStartPolicy", START_ACTIONS);
    policy.getNode().addDependency(stepsTaskResponse);
    return policy;
  }

  /**
   * Lets a tier's provisioner answer the {@code Deploy} state's task token, in a policy of its own.
   */
  public Policy grantDeploymentResponse(final JavaFunction provisioner) {
    return statesPolicy(provisioner, "PromotionDeploymentResponsePolicy", PROVISIONER_ACTIONS);
  }

  /** The steps function. */
  public JavaFunction steps() {
    return steps;
  }

  public IStateMachine stateMachine() {
    return stateMachine;
  }

  /**
   * An approval carries the plan of its stage, asked of the stage's tier provisioner: the steps
   * function knows the provisioners ({@code PROVISIONER_FUNCTIONS}, as the API function does) and
   * may invoke their live aliases, synchronously, for plans. A provisioner answers a plan request
   * without changing anything.
   */
  public void grantPlansFrom(final Provisioners provisioners) {
    steps.addEnvironment(
        StagecoachStack.PROVISIONER_FUNCTIONS_VARIABLE,
        Fn.join(",", provisioners.functionsSetting()));
    provisioners
        .functions()
        .values()
        .forEach(p -> p.liveAlias().grantInvoke(steps.grantPrincipal()));
  }

  /**
   * The state machine's ARN, constructed from its name: for environment variables, so that a
   * function does not wait for the state machine (nor form a cycle with it).
   */
  public String stateMachineArn() {
    return stateMachineArn;
  }

  private Policy statesPolicy(
      final JavaFunction grantee, final String suffix, final List<String> actions) {
    return Policy.Builder.create(this, grantee.getNode().getId() + suffix)
        .roles(List.of(grantee.role()))
        .statements(
            List.of(
                PolicyStatement.Builder.create()
                    .actions(actions)
                    .resources(List.of(stateMachine.getStateMachineArn()))
                    .build()))
        .build();
  }

  /**
   * A synchronous invocation of the steps function, retried on transient errors (its own and the
   * Lambda service's).
   */
  private LambdaInvoke invoke(
      final String id,
      final String stateName,
      final Map<String, Object> payload,
      final String resultPath,
      final Map<String, Object> resultSelector) {
    LambdaInvoke.Builder task =
        LambdaInvoke.Builder.create(this, id)
            .stateName(stateName)
            .lambdaFunction(steps.liveAlias())
            .payload(TaskInput.fromObject(payload))
            .resultPath(resultPath)
            // CDK's default retries six times, on more errors; these are the ones worth a second
            // try.
            .retryOnServiceExceptions(false);
    if (!resultSelector.isEmpty()) {
      task.resultSelector(resultSelector);
    }
    LambdaInvoke invoke = task.build();
    retryTransientErrors(invoke);
    return invoke;
  }

  private static void retryTransientErrors(final LambdaInvoke task) {
    task.addRetry(
        RetryProps.builder()
            .errors(TRANSIENT_ERRORS)
            .interval(TRANSIENT_INTERVAL)
            .backoffRate(2)
            .maxDelay(TRANSIENT_MAX_DELAY)
            .jitterStrategy(JitterType.FULL)
            .maxAttempts(TRANSIENT_MAX_ATTEMPTS)
            .build());
  }

  private static List<String> concat(final List<String> first, final List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }

  /**
   * {@code {"step", "promotionId", "app", "version", "digest", "requestedBy", "stage"}} of a
   * stage's item.
   */
  private static Map<String, Object> stageRequest(final String step) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("step", step);
    request.putAll(promotionFields());
    request.put("stage", JsonPath.objectAt("$.stage"));
    return request;
  }

  private static Map<String, Object> promotionFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("promotionId", JsonPath.stringAt("$.promotionId"));
    fields.put("app", JsonPath.stringAt("$.app"));
    fields.put("version", JsonPath.stringAt("$.version"));
    fields.put("digest", JsonPath.stringAt("$.digest"));
    fields.put("requestedBy", JsonPath.stringAt("$.requestedBy"));
    return fields;
  }

  /**
   * The detail of {@code Deployment Requested}, as the API function writes it for a deployment it
   * records, with the promotion and the task token the tier's provisioner answers.
   */
  private static Map<String, Object> deploymentRequested() {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("deploymentId", JsonPath.stringAt("$.entered.deploymentId"));
    detail.put("app", JsonPath.stringAt("$.app"));
    detail.put("environment", JsonPath.stringAt("$.stage.environment"));
    detail.put("tier", JsonPath.stringAt("$.stage.tier"));
    detail.put("action", "deploy");
    detail.put("version", JsonPath.stringAt("$.version"));
    detail.put("digest", JsonPath.stringAt("$.digest"));
    detail.put("status", "requested");
    detail.put("outputs", Map.of());
    detail.put("requestedBy", JsonPath.stringAt("$.requestedBy"));
    detail.put("origin", JsonPath.format("promotion:{}", JsonPath.stringAt("$.promotionId")));
    detail.put("attempts", 0);
    detail.put("requestedAt", JsonPath.getStateEnteredTime());
    detail.put("promotionId", JsonPath.stringAt("$.promotionId"));
    detail.put("taskToken", JsonPath.getTaskToken());
    return detail;
  }
}
