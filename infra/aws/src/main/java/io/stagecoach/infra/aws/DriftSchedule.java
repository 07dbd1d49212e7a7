package io.stagecoach.infra.aws;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The drift detector's schedule: a function on an hourly rule that starts a drift check of every
 * deployed environment last checked {@code intervalHours} ago or more (default 24: daily), by
 * recording the check on the environment and publishing {@code Drift Check Requested}. The tier's
 * provisioner (subscribed by {@link Provisioners}) runs the check through its deploy role, with
 * CloudFormation's drift detection ({@code cloudformation:DetectStackDrift}, {@code
 * DescribeStackDriftDetectionStatus}, {@code DescribeStackResourceDrifts}, which the deploy role
 * needs beside its deploy permissions).
 *
 * <p>The schedule's own role reads the registry (the apps index gsi1 and an app's environments),
 * may update items of the table (recording a check under way: one conditional {@code UpdateItem})
 * and publish to the bus. It holds no CloudFormation permission and may assume no role: it never
 * sees an environment's resources.
 */
public final class DriftSchedule extends Construct {

  public static final String HANDLER =
      "io.stagecoach.functions.provision.DriftScheduleHandler::handleRequest";
  public static final int DEFAULT_INTERVAL_HOURS = 24;
  public static final String INTERVAL_VARIABLE = "DRIFT_CHECK_INTERVAL_HOURS";

  private final JavaFunction function;
  private final Rule schedule;

  public record Props(
      Code code,
      IEventBus bus,
      RegistryTable registry,
      int intervalHours,
      RetentionDays logRetention) {
    public Props {
      if (intervalHours < 1 || intervalHours > 720) {
        throw new IllegalArgumentException(
            "the drift check interval must be 1 to 720 hours, got " + intervalHours);
      }
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(logRetention, "logRetention");
    }
  }

  public DriftSchedule(final Construct scope, final String id, final Props props) {
    super(scope, id);
    this.function =
        new JavaFunction(
            this,
            "DriftScheduler",
            new JavaFunction.Props(
                props.code(),
                HANDLER,
                512,
                Duration.seconds(120),
                Map.of(
                    StagecoachStack.REGISTRY_TABLE_VARIABLE,
                    props.registry().tableName(),
                    StagecoachStack.EVENT_BUS_VARIABLE,
                    props.bus().getEventBusName(),
                    INTERVAL_VARIABLE,
                    Integer.toString(props.intervalHours())),
                props.logRetention(),
                "Stagecoach drift schedule: starts drift checks of deployed environments"));
    String table = props.registry().table().getTableArn();
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(function.grantPrincipal())
            .actions(List.of("dynamodb:Query"))
            .resourceArns(List.of(table, table + "/index/gsi1"))
            .build());
    // Recording the check under way on the environment: one conditional update, on the table only.
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(function.grantPrincipal())
            .actions(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"))
            .resourceArns(List.of(table))
            .build());
    props.bus().grantPutEventsTo(function.grantPrincipal());
    this.schedule =
        Rule.Builder.create(this, "DriftCheckSchedule")
            .description(
                "Starts a drift check of each deployed environment last checked "
                    + props.intervalHours()
                    + " hours ago or more")
            .schedule(Schedule.rate(Duration.hours(1)))
            .targets(
                List.of(
                    LambdaFunction.Builder.create(function.liveAlias())
                        .event(RuleTargetInput.fromObject(Map.of("check", "drift")))
                        .retryAttempts(2)
                        .build()))
            .build();
  }

  public JavaFunction function() {
    return function;
  }

  public Rule schedule() {
    return schedule;
  }
}
