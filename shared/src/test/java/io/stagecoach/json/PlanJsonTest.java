package io.stagecoach.json;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.cost.CostEstimator;
import io.stagecoach.domain.cost.StackResource;
import io.stagecoach.domain.cost.UsageAssumptions;
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
import io.stagecoach.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Plan reviewedPlan(String longValue) {
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
                            "Tags", Optional.empty(), Optional.of(longValue), Recreation.NEVER)),
                    Optional.of("TableName requires recreation")),
                new ResourceChange("Queue", "AWS::SQS::Queue", Action.ADD, false, true)),
            List.of(
                new ParameterChange(
                    "DB_PASSWORD",
                    Optional.empty(),
                    Optional.of("{{resolve:secretsmanager:arn:aws:secretsmanager:x}}"),
                    ParameterChange.Source.SECRET)),
            List.of(new StackResource("Ledger", "AWS::DynamoDB::Table", Map.of())),
            List.of(new StackResource("Queue", "AWS::SQS::Queue", Map.of())));
    Environment dev =
        new Environment(
            "payments",
            "dev",
            EnvironmentKind.PIPELINE,
            Tier.DEV,
            "123456789012",
            "us-east-1",
            Map.of(),
            Map.of(),
            false,
            "alice",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Fixtures.NOW,
            "alice",
            Fixtures.NOW,
            1);
    return plan.reviewed(
        BlastRadius.of(plan, dev, List.of("staging", "prod")),
        new CostEstimator(PriceTableJson.bundled())
            .estimate(
                plan.resourcesBefore(),
                plan.resourcesAfter(),
                Set.of(),
                UsageAssumptions.DEFAULT,
                "us-east-1"));
  }

  @Test
  void aReviewedPlan_readsBackAsTheSamePlan_throughItsText() throws Exception {
    Plan plan = reviewedPlan("{\"team\":\"payments\"}");

    String text = PlanJson.text(PlanJson.write(plan));

    assertEquals(plan, PlanJson.parse(text));
    // Read by another mapper (numbers as doubles), it is the same plan too.
    assertEquals(plan, PlanJson.read(MAPPER.readTree(text)));
  }

  @Test
  void theOldShape_modifyWithReplacement_readsAsAReplacement() throws Exception {
    JsonNode old =
        MAPPER.readTree(
            "{\"summary\":{},\"changes\":[{\"logicalId\":\"T\",\"type\":\"AWS::DynamoDB::Table\","
                + "\"action\":\"modify\",\"replacement\":true,\"supported\":true}]}");

    Plan plan = PlanJson.read(old);

    assertEquals(Action.REPLACE, plan.changes().get(0).action());
    assertEquals(Optional.empty(), plan.blastRadius());
  }

  @Test
  void aPlanPastTheLimit_dropsItsValuesFirst_andKeepsBlastRadiusAndCost() {
    Plan plan = reviewedPlan("v".repeat(1000));
    int full = PlanJson.text(PlanJson.write(plan)).length();

    JsonNode bounded = PlanJson.write(plan, full - 1);

    assertTrue(bounded.path("valuesOmitted").asBoolean());
    JsonNode tags = bounded.path("changes").get(0).path("properties").get(1);
    assertEquals("Tags", tags.path("path").asText());
    assertFalse(tags.has("after"));
    assertEquals("high", bounded.path("blastRadius").path("level").asText());
    assertTrue(bounded.has("cost"));
    assertFalse(PlanJson.write(plan, full).has("valuesOmitted"));
  }
}
