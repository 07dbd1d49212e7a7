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
 * The reaper of expired ephemeral environments: a function on a schedule (every {@code
 * rateMinutes}, default 5) that reads the registry's {@code EXPIRING} index (gsi2) and requests a
 * destroy of each expired one, which the tier's provisioner carries out.
 *
 * <p>It also warns owners ({@code Environment Expiring} on the bus) at each of {@code
 * warningLeadMinutes} before an expiry (default 24 h and 1 h), once each.
 *
 * <p>Its role reads items, queries gsi2 (expiring environments) and gsi1 (an environment's history,
 * to count failed destroys), may <em>put</em> items (the destroy request is one conditional {@code
 * PutItem} of a new deployment item, its audit entry another) and update items of the table
 * (recording a sent warning on the environment). It never deletes anything; the provisioner removes
 * the environment when its destroy succeeds.
 */
public final class EphemeralReaper extends Construct {

  public static final String HANDLER =
      "io.stagecoach.functions.provision.EnvironmentReaperHandler::handleRequest";
  public static final int DEFAULT_RATE_MINUTES = 5;

  /** Owners are warned 24 h and 1 h before their environment expires, unless told otherwise. */
  public static final List<Integer> DEFAULT_WARNING_LEAD_MINUTES = List.of(1440, 60);

  /** A lead time longer than an ephemeral environment may live warns at its creation. */
  public static final int MAX_LEAD_MINUTES = 30 * 24 * 60;

  public static final String WARNING_LEAD_VARIABLE = "EXPIRY_WARNING_LEAD_MINUTES";

  private final JavaFunction function;
  private final Rule schedule;

  public record Props(
      Code code,
      IEventBus bus,
      RegistryTable registry,
      int rateMinutes,
      List<Integer> warningLeadMinutes,
      RetentionDays logRetention) {
    public Props {
      Objects.requireNonNull(warningLeadMinutes, "warningLeadMinutes");
      warningLeadMinutes = List.copyOf(warningLeadMinutes);
      for (int lead : warningLeadMinutes) {
        if (lead < 1 || lead > MAX_LEAD_MINUTES) {
          throw new IllegalArgumentException(
              "an expiry warning's lead time must be 1 to "
                  + MAX_LEAD_MINUTES
                  + " minutes, got "
                  + lead);
        }
      }
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(bus, "bus");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(logRetention, "logRetention");
      if (rateMinutes < 1 || rateMinutes > 1440) {
        throw new IllegalArgumentException(
            "the reaper's rate must be 1 to 1440 minutes, got " + rateMinutes);
      }
    }
  }

  public EphemeralReaper(final Construct scope, final String id, final Props props) {
    super(scope, id);
    this.function =
        new JavaFunction(
            this,
            "EnvironmentReaper",
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
                    WARNING_LEAD_VARIABLE,
                    String.join(
                        ",", props.warningLeadMinutes().stream().map(String::valueOf).toList())),
                props.logRetention(),
                "Stagecoach reaper: destroys expired ephemeral environments"));
    String table = props.registry().table().getTableArn();
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(function.grantPrincipal())
            .actions(List.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"))
            .resourceArns(List.of(table, table + "/index/gsi1", table + "/index/gsi2"))
            .build());
    // Recording a sent warning on the environment: one conditional ADD to a set, on the table only.
    Grant.addToPrincipal(
        GrantOnPrincipalOptions.builder()
            .grantee(function.grantPrincipal())
            .actions(List.of("dynamodb:UpdateItem"))
            .resourceArns(List.of(table))
            .build());
    props.bus().grantPutEventsTo(function.grantPrincipal());
    this.schedule =
        Rule.Builder.create(this, "ReaperSchedule")
            .description("Destroys expired ephemeral environments")
            .schedule(Schedule.rate(Duration.minutes(props.rateMinutes())))
            .targets(
                List.of(
                    LambdaFunction.Builder.create(function.liveAlias())
                        .event(RuleTargetInput.fromObject(Map.of("reap", "ephemeral")))
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
