package io.stagecoach.domain.plan;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.cost.CostEstimate;
import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.cost.PricedResource;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.pricing.PriceTableJson;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.Plans;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reviews on a real registry (DynamoDB Local), for the app's pipeline. */
class PlanReviewTest {

  private PlanReview review;

  @BeforeEach
  void anAppWithAPipeline() {
    DynamoDbRegistry registry =
        new DynamoDbRegistry(LocalDynamoDb.client(), LocalDynamoDb.newRegistryTable());
    new RegistryService(registry).createApp(Fixtures.ADMIN, Fixtures.app("payments"), Fixtures.NOW);
    review = new PlanReview(registry, new CostEstimator(PriceTableJson.bundled()));
  }

  @Test
  void
      aPlan_getsItsBlastRadius_withTheAppsLaterStages_andItsCost_andLosesTheResourcesItWasPricedFrom() {
    Plan plan =
        new Plan(
            List.of(
                new ResourceChange(
                    "Orders", "AWS::DynamoDB::Table", ResourceChange.Action.REMOVE, false, true),
                new ResourceChange(
                    "Topic", "AWS::SNS::Topic", ResourceChange.Action.ADD, false, true)),
            List.of(),
            List.of(
                new PricedResource(
                    "Orders", "AWS::DynamoDB::Table", Map.of("BillingMode", "PAY_PER_REQUEST"))),
            List.of());

    Plan reviewed = review.review(plan, Plans.environment("dev", Tier.DEV, false));

    BlastRadius radius = reviewed.blastRadius().orElseThrow();
    assertEquals(BlastRadius.Level.HIGH, radius.level());
    assertEquals(List.of("staging", "prod"), radius.laterStages());
    CostEstimate cost = reviewed.cost().orElseThrow();
    assertEquals(new java.math.BigDecimal("0.44"), cost.monthlyBefore());
    assertEquals(new java.math.BigDecimal("0.00"), cost.monthlyAfter());
    assertEquals(
        List.of(
            new CostEstimate.NotEstimated(
                "Topic", "AWS::SNS::Topic", "its properties could not be read")),
        cost.notEstimated(),
        "a change whose resource was read on neither side is not estimated");
    assertEquals(List.of(), reviewed.resourcesBefore());
    assertSame(reviewed, review.review(reviewed, Plans.environment("dev", Tier.DEV, false)));
  }

  @Test
  void aPlanOfNothing_hasABlastRadius_butNoCostEstimate() {
    Plan reviewed = review.review(Plan.NOTHING, Plans.environment("prod", Tier.PROD, true));

    assertEquals(BlastRadius.Level.LOW, reviewed.blastRadius().orElseThrow().level());
    assertEquals(List.of(), reviewed.blastRadius().orElseThrow().laterStages());
    assertEquals(Optional.empty(), reviewed.cost());
  }
}
