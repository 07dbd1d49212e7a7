package io.stagecoach.provisioning.cloudformation;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChangeSetNamesTest {

  /** What CloudFormation accepts as a change set name. */
  private static final Pattern ACCEPTED = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]{0,127}");

  @Test
  void aDeploymentsChangeSet_isNamedAfterTheDeployment() {
    assertEquals("stagecoach-d-2026-11-22-abc", ChangeSetNames.forDeployment("d-2026-11-22-abc"));
  }

  @Test
  void anIdWithCharactersCloudFormationRefuses_becomesANameItAccepts_distinctFromSimilarIds() {
    String dotted = ChangeSetNames.forDeployment("payments.staging:1.4.0");
    String underscored = ChangeSetNames.forDeployment("payments_staging:1_4_0");

    assertTrue(ACCEPTED.matcher(dotted).matches(), dotted);
    assertTrue(dotted.startsWith("stagecoach-payments-staging-1-4-0-"), dotted);
    assertNotEquals(dotted, underscored);
  }

  @Test
  void aVeryLongId_isCutTo128Characters_andStaysDistinct() {
    String a = ChangeSetNames.forDeployment("x".repeat(300) + "a");
    String b = ChangeSetNames.forDeployment("x".repeat(300) + "b");

    assertEquals(ChangeSetNames.MAX_LENGTH, a.length());
    assertTrue(ACCEPTED.matcher(a).matches(), a);
    assertNotEquals(a, b);
  }

  @Test
  void aPlansChangeSet_differsFromTheDeployments_andFromEveryOtherPlan() {
    Instant at = Instant.parse("2026-11-22T10:00:00Z");
    String plan = ChangeSetNames.forPlan("d-1", at);

    assertTrue(ACCEPTED.matcher(plan).matches(), plan);
    assertTrue(plan.startsWith("stagecoach-plan-"));
    assertNotEquals(plan, ChangeSetNames.forPlan("d-1", at.plusMillis(1)));
    assertNotEquals(ChangeSetNames.forDeployment("d-1"), plan);
  }
}
