package io.stagecoach.domain.deployment;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.plan.BlastRadius;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanReview;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.pricing.PriceTableJson;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.Plans;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every plan a wrapped provisioner answers or reports comes back reviewed, the rest unchanged. */
class ReviewedProvisionerTest {

  private static final Plan REMOVES_A_TABLE =
      new Plan(
          List.of(
              new ResourceChange(
                  "Orders", "AWS::DynamoDB::Table", ResourceChange.Action.REMOVE, false, true)));

  /** Answers fixed results: the provisioner behind the review. */
  private record Answering(ProvisioningResult applied, ProvisioningResult destroyed)
      implements Provisioner {
    @Override
    public Plan plan(ProvisioningRequest request) {
      return REMOVES_A_TABLE;
    }

    @Override
    public ProvisioningResult apply(ProvisioningRequest request) {
      return applied;
    }

    @Override
    public ProvisioningResult destroy(ProvisioningRequest request) {
      return destroyed;
    }
  }

  private static ReviewedProvisioner reviewed(Provisioner provisioner) {
    return new ReviewedProvisioner(
        provisioner,
        new PlanReview(
            new DynamoDbRegistry(LocalDynamoDb.client(), LocalDynamoDb.newRegistryTable()),
            new CostEstimator(PriceTableJson.bundled())));
  }

  private static final ProvisioningRequest REQUEST =
      new ProvisioningRequest(
          "d-1",
          Plans.environment("prod", Tier.PROD, true),
          Optional.empty(),
          EnvironmentTemplate.inline("{\"Resources\": {}}"));

  @Test
  void plans_andTheResultsPlans_areReviewed_andTheirOutputsAndReasonsKept() {
    Provisioner provisioner =
        reviewed(
            new Answering(
                new ProvisioningResult.Succeeded(REMOVES_A_TABLE, Map.of("Table", "t")),
                new ProvisioningResult.Failed("stack is DELETE_FAILED", REMOVES_A_TABLE)));

    assertEquals(
        BlastRadius.Level.HIGH, provisioner.plan(REQUEST).blastRadius().orElseThrow().level());
    ProvisioningResult.Succeeded applied =
        (ProvisioningResult.Succeeded) provisioner.apply(REQUEST);
    assertTrue(applied.plan().isReviewed());
    assertEquals(REMOVES_A_TABLE.changes(), applied.plan().changes());
    assertEquals(Map.of("Table", "t"), applied.outputs());
    ProvisioningResult.Failed destroyed = (ProvisioningResult.Failed) provisioner.destroy(REQUEST);
    assertTrue(destroyed.plan().isReviewed());
    assertEquals("stack is DELETE_FAILED", destroyed.reason());

    ProvisioningResult inProgress =
        new ProvisioningResult.InProgress("stack is UPDATE_IN_PROGRESS");
    assertSame(inProgress, reviewed(new Answering(inProgress, inProgress)).apply(REQUEST));
  }
}
