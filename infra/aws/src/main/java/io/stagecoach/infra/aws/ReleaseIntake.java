package io.stagecoach.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.tasks.DynamoAttributeValue;
import software.amazon.awscdk.services.stepfunctions.tasks.DynamoUpdateItem;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Release intake: every registered release has its artifact checked, and the outcome is recorded on
 * the release item.
 *
 * <p>The API function puts a {@value #DETAIL_TYPE} event on the Stagecoach bus. The rule {@code
 * ReleaseRegisteredRule} starts the {@code ReleaseIntake} state machine (standard) with the event's
 * {@code detail} as input: {@code {"app", "version", "artifactUri", "digest", ...}}. The state
 * machine invokes the artifact-check function with a task token and waits for its answer
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token):
 * {@code SendTaskSuccess} with {@code {"status": ...}} records that status as {@code intake}, with
 * {@code intakeAt}; a {@code SendTaskFailure}, a timeout or an error of the invocation records
 * {@code intake = rejected} and {@code intakeReason = "<error>: <cause>"}, and the execution fails
 * with {@value #REJECTED_ERROR}.
 *
 * <p>Both writes are conditional on the release item existing ({@code attribute_exists(pk)}): an
 * event for a release that is not in the registry fails the execution instead of creating a stub
 * item that holds only intake attributes.
 *
 * <p>EventBridge delivers at least once; a second execution for the same release checks the same
 * digest again and writes the same outcome.
 */
public final class ReleaseIntake extends Construct {

  public static final String EVENT_SOURCE = "stagecoach";
  public static final String DETAIL_TYPE = "Release Registered";
  public static final String REJECTED_ERROR = "ArtifactRejected";
  public static final String REJECTED_STATUS = "rejected";

  /** How long the state machine waits for the artifact-check function's answer. */
  public static final Duration CHECK_TIMEOUT = Duration.minutes(5);

  /** What the artifact-check function may do with the state machine: answer its task tokens. */
  public static final List<String> TASK_RESPONSE_ACTIONS =
      List.of("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat");

  /**
   * Errors of the Lambda service itself, not of the function, and the function's timeout (its work
   * may be done, and the steps it runs are idempotent): worth another try.
   */
  static final List<String> TRANSIENT_LAMBDA_ERRORS =
      List.of(
          "Lambda.ServiceException",
          "Lambda.AWSLambdaException",
          "Lambda.SdkClientException",
          "Lambda.TooManyRequestsException",
          "Sandbox.Timedout");

  private final StateMachine stateMachine;
  private final Rule rule;
  private final Queue deadLetters;

  /**
   * @param bus the Stagecoach bus the API function puts {@value #DETAIL_TYPE} on
   * @param registry the registry table, whose release items receive the outcome
   * @param artifactCheck the function that checks an artifact and answers the task token
   * @param logRetention retention of the state machine's log group
   */
  public record Props(
      IEventBus bus, ITable registry, JavaFunction artifactCheck, RetentionDays logRetention) {

    public Props {
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(artifactCheck, "artifactCheck");
      Objects.requireNonNull(logRetention, "logRetention");
    }
  }

  public ReleaseIntake(final Construct scope, final String id, final Props props) {
    super(scope, id);

    Map<String, Object> checkRequest = new LinkedHashMap<>();
    checkRequest.put("taskToken", JsonPath.getTaskToken());
    checkRequest.put("app", JsonPath.stringAt("$.app"));
    checkRequest.put("version", JsonPath.stringAt("$.version"));
    checkRequest.put("artifactUri", JsonPath.stringAt("$.artifactUri"));
    checkRequest.put("digest", JsonPath.stringAt("$.digest"));

    LambdaInvoke checkArtifact =
        LambdaInvoke.Builder.create(this, "CheckArtifact")
            .stateName("Check artifact")
            .lambdaFunction(props.artifactCheck().liveAlias())
            .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
            .payload(TaskInput.fromObject(checkRequest))
            .resultPath("$.check")
            .taskTimeout(Timeout.duration(CHECK_TIMEOUT))
            // CDK's default retries six times, on more errors; these are the ones worth a second
            // try.
            .retryOnServiceExceptions(false)
            .build();
    checkArtifact.addRetry(
        RetryProps.builder()
            .errors(TRANSIENT_LAMBDA_ERRORS)
            .interval(Duration.seconds(2))
            .maxAttempts(2)
            .backoffRate(2)
            .build());

    Map<String, DynamoAttributeValue> intake = new LinkedHashMap<>();
    intake.put(":status", DynamoAttributeValue.fromString(JsonPath.stringAt("$.check.status")));
    intake.put(":at", DynamoAttributeValue.fromString(JsonPath.getStateEnteredTime()));
    DynamoUpdateItem recordIntake =
        DynamoUpdateItem.Builder.create(this, "RecordIntake")
            .stateName("Record intake")
            .table(props.registry())
            .key(releaseKey())
            .updateExpression("SET intake = :status, intakeAt = :at")
            .expressionAttributeValues(intake)
            .conditionExpression("attribute_exists(pk)")
            .resultPath(JsonPath.DISCARD)
            .build();

    Map<String, DynamoAttributeValue> rejection = new LinkedHashMap<>();
    rejection.put(":rejected", DynamoAttributeValue.fromString(REJECTED_STATUS));
    // Not $.error.Cause alone: a SendTaskFailure without error and cause is caught as
    // {"Error": null, "Cause": null}, and {"S": null} is no attribute value, so the write would
    // fail
    // and the rejection go unrecorded. States.Format writes a null argument as "null"
    // (../shared/conformance/asl: callback-failure-without-error-caught, intrinsic-format-2).
    rejection.put(
        ":reason",
        DynamoAttributeValue.fromString(
            JsonPath.format(
                "{}: {}", JsonPath.stringAt("$.error.Error"), JsonPath.stringAt("$.error.Cause"))));
    DynamoUpdateItem recordRejection =
        DynamoUpdateItem.Builder.create(this, "RecordRejection")
            .stateName("Record rejection")
            .table(props.registry())
            .key(releaseKey())
            .updateExpression("SET intake = :rejected, intakeReason = :reason")
            .expressionAttributeValues(rejection)
            .conditionExpression("attribute_exists(pk)")
            .resultPath(JsonPath.DISCARD)
            .build();

    checkArtifact.addCatch(
        recordRejection,
        CatchProps.builder().errors(List.of(Errors.ALL)).resultPath("$.error").build());
    recordRejection.next(
        Fail.Builder.create(this, "Rejected")
            .stateName("Artifact rejected")
            .error(REJECTED_ERROR)
            .cause(
                "The artifact check rejected the release or did not answer; the reason is on the release item.")
            .build());

    LogGroup logGroup =
        LogGroup.Builder.create(this, "LogGroup").retention(props.logRetention()).build();

    this.stateMachine =
        StateMachine.Builder.create(this, "StateMachine")
            .stateMachineType(StateMachineType.STANDARD)
            .comment(
                "Checks a registered release's artifact and records the outcome on the release item")
            .definitionBody(
                DefinitionBody.fromChainable(
                    checkArtifact
                        .next(recordIntake)
                        .next(
                            Succeed.Builder.create(this, "Recorded")
                                .stateName("Intake recorded")
                                .build())))
            // Errors only, without execution data: the execution history keeps inputs and outputs,
            // readable only by whoever may read executions.
            .logs(
                LogOptions.builder()
                    .destination(logGroup)
                    .level(LogLevel.ERROR)
                    .includeExecutionData(false)
                    .build())
            .tracingEnabled(false)
            .build();

    // The answer is granted in a policy of its own, not with grantTaskResponse: that adds to the
    // function role's default policy, which the function waits for (DependsOn), while the state
    // machine waits for the function's alias; CloudFormation would refuse the cycle.
    Policy taskResponse =
        Policy.Builder.create(this, "ArtifactCheckTaskResponsePolicy")
            .roles(List.of(props.artifactCheck().role()))
            .statements(
                List.of(
                    PolicyStatement.Builder.create()
                        .actions(TASK_RESPONSE_ACTIONS)
                        .resources(List.of(stateMachine.getStateMachineArn()))
                        .build()))
            .build();

    // EventBridge target dead-letter queues must be SQS
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
    this.deadLetters =
        Queue.Builder.create(this, "ReleaseRegisteredDeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    new AcknowledgedFinding(
            "AwsSolutions-SQS3",
            "This queue is the dead-letter queue of the ReleaseRegisteredRule target; it keeps events"
                + " EventBridge could not deliver for 14 days, and a queue behind it would only move them again.")
        .on(deadLetters);

    this.rule =
        Rule.Builder.create(this, "ReleaseRegisteredRule")
            .eventBus(props.bus())
            .description("Starts release intake for every registered release")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(EVENT_SOURCE))
                    .detailType(List.of(DETAIL_TYPE))
                    .build())
            .targets(
                List.of(
                    SfnStateMachine.Builder.create(stateMachine)
                        .input(RuleTargetInput.fromEventPath("$.detail"))
                        .retryAttempts(3)
                        .maxEventAge(Duration.hours(1))
                        .deadLetterQueue(deadLetters)
                        .build()))
            .build();
    // The rule starts executions only once the function may answer their task tokens.
    rule.getNode().addDependency(taskResponse);

    new AcknowledgedFinding(
            "AwsSolutions-SF1",
            "Errors only: an execution's steps are in its execution history; ALL would copy every state"
                + " transition into CloudWatch Logs, at a cost, for no more than the history holds.")
        .on(stateMachine.getNode().getDefaultChild());
    new AcknowledgedFinding(
            "AwsSolutions-SF2",
            "No X-Ray in this stack yet (the functions do not trace either); tracing would add"
                + " xray:Put* grants on every resource to the role, for a two-step state machine.")
        .on(stateMachine.getNode().getDefaultChild());
    // Step Functions sets up log delivery with CloudWatch Logs actions that have no resource-level
    // permissions
    // (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).
    new AcknowledgedFinding(
            "AwsSolutions-IAM5[Resource::*]",
            "CloudWatch Logs log-delivery actions (CreateLogDelivery, PutResourcePolicy, ...) support"
                + " no resource-level permissions; Step Functions needs them to deliver its logs.")
        .on(stateMachine.getRole());
  }

  public IStateMachine stateMachine() {
    return stateMachine;
  }

  public Rule rule() {
    return rule;
  }

  public Queue deadLetters() {
    return deadLetters;
  }

  /**
   * The release item: {@code APP#{app}} / {@code REL#{version}}, as the registry adapter writes it.
   */
  private static Map<String, DynamoAttributeValue> releaseKey() {
    Map<String, DynamoAttributeValue> key = new LinkedHashMap<>();
    key.put(
        RegistryTable.PARTITION_KEY,
        DynamoAttributeValue.fromString(JsonPath.format("APP#{}", JsonPath.stringAt("$.app"))));
    key.put(
        RegistryTable.SORT_KEY,
        DynamoAttributeValue.fromString(JsonPath.format("REL#{}", JsonPath.stringAt("$.version"))));
    return key;
  }
}
