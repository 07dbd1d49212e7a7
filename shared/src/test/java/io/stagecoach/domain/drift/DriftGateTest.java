package io.stagecoach.domain.drift;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftGateTest {

  private static final Instant DEPLOYED = Instant.parse("2026-12-05T08:00:00Z");
  private static final DriftedResource DELETED =
      DriftedResource.deleted("Orders", "AWS::DynamoDB::Table");

  private static Drift foundAt(Instant at, DriftedResource... resources) {
    return Drift.found(List.of(resources), at);
  }

  @Test
  void aStageThatBlocksOnDrift_holdsWhileItsEnvironmentHasDriftedSinceItsLastDeployment() {
    Drift drifted = foundAt(DEPLOYED.plusSeconds(60), DELETED);
    Optional<String> held = DriftGate.holds(true, "shop", "dev", drifted, Optional.of(DEPLOYED));
    assertTrue(held.isPresent());
    assertTrue(held.get().contains("Orders (AWS::DynamoDB::Table) deleted"), held.get());
    assertTrue(held.get().contains("redeploying the release it runs repairs it"), held.get());
  }

  @Test
  void theGate_isOpen_withoutBlockOnDrift_inSync_unknown_orWhenTheDriftPredatesTheDeployment() {
    Drift drifted = foundAt(DEPLOYED.plusSeconds(60), DELETED);
    assertEquals(
        Optional.empty(), DriftGate.holds(false, "shop", "dev", drifted, Optional.of(DEPLOYED)));
    assertEquals(
        Optional.empty(),
        DriftGate.holds(
            true, "shop", "dev", foundAt(DEPLOYED.plusSeconds(60)), Optional.of(DEPLOYED)));
    assertEquals(
        Optional.empty(),
        DriftGate.holds(true, "shop", "dev", Drift.UNKNOWN, Optional.of(DEPLOYED)));
    assertEquals(
        Optional.empty(),
        DriftGate.holds(true, "shop", "dev", drifted, Optional.of(DEPLOYED.plusSeconds(61))),
        "a deployment since clears it");
  }

  @Test
  void aFinding_isDriftedWhenAnyResourceDiffers_andDescribesEachOne() {
    Drift none = foundAt(DEPLOYED);
    assertEquals(DriftStatus.IN_SYNC, none.status());
    Drift some =
        foundAt(
            DEPLOYED,
            DELETED,
            new DriftedResource(
                "Level",
                "AWS::SSM::Parameter",
                DriftedResource.Difference.MODIFIED,
                List.of(PropertyDifference.of("/Value", "info", "debug"))));
    assertEquals(DriftStatus.DRIFTED, some.status());
    assertEquals(
        "2 resources differ from its last deployment (checked at 2026-12-05T08:00:00Z): Orders"
            + " (AWS::DynamoDB::Table) deleted; Level (AWS::SSM::Parameter) modified: /Value",
        some.describe());
    assertEquals(DriftStatus.IN_SYNC, DriftStatus.fromWire("in_sync").orElseThrow());
    assertEquals(Optional.empty(), DriftStatus.fromWire("IN_SYNC"));
  }
}
