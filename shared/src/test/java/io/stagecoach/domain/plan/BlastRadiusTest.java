package io.stagecoach.domain.plan;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.plan.BlastRadius.Level;
import io.stagecoach.domain.plan.ResourceChange.Action;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlastRadiusTest {

  static Environment environment(Tier tier, boolean isProtected) {
    return new Environment(
        "payments",
        tier.wireName(),
        EnvironmentKind.PIPELINE,
        tier,
        "123456789012",
        "eu-west-1",
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

  private static Plan plan(ResourceChange... changes) {
    return new Plan(List.of(changes));
  }

  private static ResourceChange change(String id, String type, Action action) {
    return new ResourceChange(id, type, action, true, List.of(), Optional.empty());
  }

  @Test
  void aReplacedTable_isHigh_withDataLossPossible_evenInDev() {
    BlastRadius radius =
        BlastRadius.of(
            plan(
                change("Ledger", "AWS::DynamoDB::Table", Action.REPLACE),
                change("Version", "AWS::SSM::Parameter", Action.MODIFY)),
            environment(Tier.DEV, false),
            List.of("staging", "prod"));

    assertEquals(Level.HIGH, radius.level());
    assertEquals(
        List.of(new BlastRadius.Touched("Ledger", "AWS::DynamoDB::Table", Action.REPLACE, true)),
        radius.touched());
    assertEquals(1, radius.dataLossCount());
    assertEquals(
        "Ledger (AWS::DynamoDB::Table) is replaced: data loss possible", radius.reasons().get(0));
    assertTrue(radius.reasons().contains("0 to add, 1 to change, 1 to replace, 0 to remove"));
    assertTrue(radius.reasons().contains("the release goes on to staging, then prod"));
    assertEquals(List.of("staging", "prod"), radius.laterStages());
  }

  @Test
  void everyDataBearingType_removed_isHigh_andAddingOne_isNot() {
    for (String type : BlastRadius.DATA_BEARING_TYPES) {
      assertEquals(
          Level.HIGH,
          BlastRadius.of(
                  plan(change("X", type, Action.REMOVE)), environment(Tier.DEV, false), List.of())
              .level(),
          type);
      assertEquals(
          Level.LOW,
          BlastRadius.of(
                  plan(change("X", type, Action.ADD)), environment(Tier.DEV, false), List.of())
              .level(),
          type);
    }
  }

  @Test
  void aRemovedResourceWithoutData_isMedium_inDev_andHigh_inProdOrWhenProtected() {
    Plan removesARole = plan(change("Role", "AWS::IAM::Role", Action.REMOVE));

    BlastRadius dev = BlastRadius.of(removesARole, environment(Tier.DEV, false), List.of());
    assertEquals(Level.MEDIUM, dev.level());
    assertFalse(dev.touched().get(0).dataLossPossible());
    assertTrue(
        dev.reasons().contains("1 resource without data recreated or deleted: Role removed"),
        dev.reasons().toString());

    assertEquals(
        Level.HIGH, BlastRadius.of(removesARole, environment(Tier.PROD, true), List.of()).level());
    assertEquals(
        Level.HIGH,
        BlastRadius.of(removesARole, environment(Tier.STAGING, true), List.of()).level());
  }

  @Test
  void inPlaceChanges_areLow_inDev_andMedium_inProd() {
    Plan modifies = plan(change("Fn", "AWS::Lambda::Function", Action.MODIFY));

    BlastRadius dev = BlastRadius.of(modifies, environment(Tier.DEV, false), List.of("prod"));
    assertEquals(Level.LOW, dev.level());
    assertTrue(
        dev.reasons().contains("nothing is removed or replaced; dev-tier, unprotected environment"),
        dev.reasons().toString());

    BlastRadius prod = BlastRadius.of(modifies, environment(Tier.PROD, true), List.of());
    assertEquals(Level.MEDIUM, prod.level());
    assertEquals(Tier.PROD, prod.tier());
    assertTrue(prod.isProtected());
    assertTrue(prod.reasons().contains("no later stage: this is where the release ends"));
  }

  @Test
  void anEmptyPlan_isLow_everywhere() {
    BlastRadius radius = BlastRadius.of(Plan.NOTHING, environment(Tier.PROD, true), List.of());

    assertEquals(Level.LOW, radius.level());
    assertEquals("nothing changes", radius.reasons().get(0));
  }

  @Test
  void laterStages_areThoseAfterTheEnvironmentInThePipeline_noneForOthers() {
    App app =
        new App(
            "payments",
            "",
            List.of(new Stage("dev"), new Stage("staging"), new Stage("prod")),
            java.util.Set.of("qa"),
            Optional.empty(),
            PromotionConcurrency.SUPERSEDE,
            Fixtures.NOW,
            "alice",
            Fixtures.NOW,
            1);

    assertEquals(List.of("staging", "prod"), BlastRadius.laterStages(app, "dev"));
    assertEquals(List.of(), BlastRadius.laterStages(app, "prod"));
    assertEquals(List.of(), BlastRadius.laterStages(app, "alice"));
  }
}
