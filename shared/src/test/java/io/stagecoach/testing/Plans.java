package io.stagecoach.testing;

import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.cost.PricedResource;
import io.stagecoach.domain.cost.UsageAssumptions;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.plan.BlastRadius;
import io.stagecoach.domain.plan.ParameterChange;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PropertyChange;
import io.stagecoach.domain.plan.PropertyChange.Recreation;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.plan.ResourceChange.Action;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.pricing.PriceTableJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Plans as reviewers see them: the ledger table replaced, a queue added, a secret parameter. */
public final class Plans {

  private Plans() {}

  /** A provisioner whose every plan, apply and destroy succeeds and makes nothing. */
  public static final Provisioner MAKES_NOTHING =
      new Provisioner() {
        @Override
        public Plan plan(ProvisioningRequest request) {
          return Plan.NOTHING;
        }

        @Override
        public ProvisioningResult apply(ProvisioningRequest request) {
          return new ProvisioningResult.Succeeded(Plan.NOTHING, Map.of());
        }

        @Override
        public ProvisioningResult destroy(ProvisioningRequest request) {
          return new ProvisioningResult.Succeeded(Plan.NOTHING, Map.of());
        }
      };

  public static Environment environment(String name, Tier tier, boolean isProtected) {
    return new Environment(
        "payments",
        name,
        EnvironmentKind.PIPELINE,
        tier,
        "123456789012",
        "us-east-1",
        Map.of(),
        Map.of(),
        isProtected,
        "alice",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Fixtures.NOW,
        "alice",
        Fixtures.NOW,
        1);
  }

  /**
   * Ledger (a table) replaced for its new name, with a {@code Tags} value of {@code tags}; Queue
   * added; the DB_PASSWORD parameter set to its dynamic reference; reviewed in {@code environment}.
   */
  public static Plan ledgerReplaced(String tags, Environment environment, List<String> later) {
    Plan plan =
        new Plan(
            List.of(
                new ResourceChange(
                    "Ledger",
                    "AWS::DynamoDB::Table",
                    Action.REPLACE,
                    true,
                    List.of(
                        new PropertyChange(
                            "TableName",
                            Optional.of("ledger"),
                            Optional.of("ledger-v2"),
                            Recreation.ALWAYS),
                        new PropertyChange(
                            "Tags", Optional.empty(), Optional.of(tags), Recreation.NEVER)),
                    Optional.of("TableName requires recreation")),
                new ResourceChange("Queue", "AWS::SQS::Queue", Action.ADD, false, true)),
            List.of(
                new ParameterChange(
                    "DB_PASSWORD",
                    Optional.empty(),
                    Optional.of("{{resolve:secretsmanager:arn:aws:secretsmanager:x}}"),
                    ParameterChange.Source.SECRET)),
            List.of(
                new PricedResource(
                    "Ledger", "AWS::DynamoDB::Table", Map.of("BillingMode", "PAY_PER_REQUEST"))),
            List.of(
                new PricedResource(
                    "Ledger", "AWS::DynamoDB::Table", Map.of("BillingMode", "PAY_PER_REQUEST")),
                new PricedResource("Queue", "AWS::SQS::Queue", Map.of())));
    return plan.reviewed(
        BlastRadius.of(plan, environment, later),
        new CostEstimator(PriceTableJson.bundled())
            .estimate(
                plan.resourcesBefore(),
                plan.resourcesAfter(),
                Map.of(),
                UsageAssumptions.DEFAULT,
                environment.region()));
  }

  /** {@link #ledgerReplaced} in an unprotected dev environment before staging and prod. */
  public static Plan ledgerReplaced(String tags) {
    return ledgerReplaced(tags, environment("dev", Tier.DEV, false), List.of("staging", "prod"));
  }
}
