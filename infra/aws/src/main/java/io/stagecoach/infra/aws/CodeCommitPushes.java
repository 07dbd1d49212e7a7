package io.stagecoach.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfig;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Pushes to CodeCommit drive apps: a rule on the account's <b>default</b> bus (where AWS services
 * put their events) sends branch changes to the push function, which registers releases, starts
 * promotions and deploys or destroys ephemeral environments, as each app's repository mapping says.
 *
 * <p>The pattern is the one AWS documents for starting CodePipeline from CodeCommit
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/triggering.html) without its {@code
 * resources} and {@code referenceName}: which repositories and branches count is in the registry,
 * not in the rule, so mapping a new repository needs no deployment. Tags and merge commits no
 * branch points at are not sent.
 *
 * <p>The function may read and write registry items and query the table's indexes (it finds the
 * apps of a repository in gsi2), put events on the Stagecoach bus, and start executions of the
 * promotion state machine; nothing else. Delivery is as for the provisioners: the rule retries 3
 * times within an hour, Lambda retries a failed run twice, and what still fails lands in the
 * function's dead-letter queue. Refused, ignored and malformed events are answered, not thrown, so
 * they are never retried.
 */
public final class CodeCommitPushes extends Construct {

  public static final String HANDLER =
      "io.stagecoach.functions.codecommit.PushHandler::handleRequest";
  public static final String SOURCE = "aws.codecommit";
  public static final String DETAIL_TYPE = "CodeCommit Repository State Change";

  /**
   * The branch changes a mapping acts on; {@code unreferencedMergeCommitCreated} is followed by one
   * of them.
   */
  public static final List<String> EVENTS =
      List.of("referenceCreated", "referenceUpdated", "referenceDeleted");

  private final JavaFunction function;
  private final Rule rule;
  private final Queue deadLetters;

  /**
   * @param code the functions' deployment package
   * @param bus the Stagecoach bus, where the function announces releases and deployments
   * @param registry the registry
   * @param promotion the promotion pipeline, whose state machine the function starts
   * @param logRetention retention of the function's log group
   */
  public record Props(
      Code code,
      IEventBus bus,
      RegistryTable registry,
      Promotion promotion,
      RetentionDays logRetention) {

    public Props {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(promotion, "promotion");
      Objects.requireNonNull(logRetention, "logRetention");
    }
  }

  public CodeCommitPushes(final Construct scope, final String id, final Props props) {
    super(scope, id);

    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(StagecoachStack.REGISTRY_TABLE_VARIABLE, props.registry().tableName());
    environment.put(StagecoachStack.EVENT_BUS_VARIABLE, props.bus().getEventBusName());
    environment.put(Promotion.STATE_MACHINE_VARIABLE, props.promotion().stateMachineArn());
    this.function =
        new JavaFunction(
            this,
            "PushFunction",
            new JavaFunction.Props(
                props.code(),
                HANDLER,
                1024,
                Duration.seconds(30),
                environment,
                props.logRetention(),
                "Stagecoach CodeCommit pushes: releases, promotions and branch environments"));
    props.registry().grantItemReadWrite(function.grantPrincipal());
    props.bus().grantPutEventsTo(function.grantPrincipal());
    props.promotion().grantStart(function);

    this.deadLetters =
        Queue.Builder.create(this, "DeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    new AcknowledgedFinding(
            "AwsSolutions-SQS3",
            "This queue is the dead-letter queue of the CodeCommit push function (its rule target and its"
                + " asynchronous invocations); a queue behind it would only move the events again.")
        .on(deadLetters);
    // On the alias EventBridge invokes: a config without the qualifier would apply to $LATEST.
    EventInvokeConfig.Builder.create(this, "InvokeConfig")
        .function(function.function())
        .qualifier(JavaFunction.ALIAS_NAME)
        .retryAttempts(Provisioners.LAMBDA_RETRIES)
        .maxEventAge(Duration.hours(6))
        .onFailure(new SqsDestination(deadLetters))
        .build();

    // No eventBus: the rule is on the default bus, the only one CodeCommit sends to.
    this.rule =
        Rule.Builder.create(this, "RepositoryStateChangeRule")
            .description("CodeCommit branch changes, to the Stagecoach push function")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(SOURCE))
                    .detailType(List.of(DETAIL_TYPE))
                    .detail(Map.of("event", EVENTS, "referenceType", List.of("branch")))
                    .build())
            .targets(
                List.of(
                    LambdaFunction.Builder.create(function.liveAlias())
                        .retryAttempts(3)
                        .maxEventAge(Duration.hours(1))
                        .deadLetterQueue(deadLetters)
                        .build()))
            .build();
  }

  public JavaFunction function() {
    return function;
  }

  public Rule rule() {
    return rule;
  }

  public Queue deadLetters() {
    return deadLetters;
  }
}
