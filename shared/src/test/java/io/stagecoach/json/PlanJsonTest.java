package io.stagecoach.json;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.ResourceChange.Action;
import io.stagecoach.testing.Plans;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Plan reviewedPlan(String tags) {
    return Plans.ledgerReplaced(tags);
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
