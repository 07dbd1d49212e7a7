package io.stagecoach.domain.deployment;

import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentFreeze;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.EphemeralPolicy;
import io.stagecoach.domain.registry.Tier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a freeze refuses, and what the app's freeze policy still lets through. Pure. */
class FreezeRulesTest {

  private static App app(FreezePolicy policy) {
    return new App(
        "shop",
        "",
        List.of(new Stage("dev"), new Stage("prod")),
        Set.of("qa"),
        Optional.empty(),
        PromotionConcurrency.SUPERSEDE,
        NOW,
        "rita",
        NOW,
        1,
        Optional.empty(),
        EphemeralPolicy.DEFAULT,
        policy,
        Optional.empty());
  }

  private static Environment qa(Optional<EnvironmentFreeze> freeze) {
    return new Environment(
        "shop",
        "qa",
        EnvironmentKind.PIPELINE,
        Tier.DEV,
        "123456789012",
        "eu-west-1",
        Map.of(),
        Map.of(),
        false,
        "rita",
        Optional.empty(),
        Optional.empty(),
        freeze,
        Optional.empty(),
        NOW,
        "rita",
        NOW,
        1);
  }

  private static final Optional<EnvironmentFreeze> FROZEN =
      Optional.of(new EnvironmentFreeze("incident 42", "sam", NOW));

  @Test
  void anUnfrozenEnvironment_refusesNothing_andARollbackIntoItOverridesNothing() {
    assertTrue(
        DeploymentPolicy.frozenRefusal(FreezePolicy.DEFAULT, qa(Optional.empty())).isEmpty());
    assertTrue(
        DeploymentPolicy.rollbackThroughFreeze(app(new FreezePolicy(false)), qa(Optional.empty()))
            .isEmpty());
  }

  @Test
  void byDefault_aRollbackGoesThroughAFreeze_recordedAsAnOverrideOfTheFreezeByPolicy() {
    assertTrue(FreezePolicy.DEFAULT.allowRollback());
    Outcome<GateOverride> through =
        DeploymentPolicy.rollbackThroughFreeze(app(FreezePolicy.DEFAULT), qa(FROZEN)).orElseThrow();
    GateOverride override = ((Outcome.Accepted<GateOverride>) through).value();
    assertEquals(GateOverride.FREEZE, override.gate());
    assertEquals(GateOverride.BASIS_POLICY, override.basis());
    assertTrue(override.detail().contains("incident 42"), override.detail());
    assertTrue(override.detail().contains("sam"), override.detail());
    Rejection deploy =
        DeploymentPolicy.frozenRefusal(FreezePolicy.DEFAULT, qa(FROZEN)).orElseThrow();
    assertEquals(Rejection.Code.FROZEN, deploy.code());
    assertTrue(deploy.detail().endsWith("(rollbacks still go through)"), deploy.detail());
  }

  @Test
  void anAppThatRefusesRollbacksDuringAFreeze_refusesThemFrozen_andSaysSoOnEveryRefusal() {
    App strict = app(new FreezePolicy(false));
    Outcome<GateOverride> through =
        DeploymentPolicy.rollbackThroughFreeze(strict, qa(FROZEN)).orElseThrow();
    Rejection refused = ((Outcome.Rejected<GateOverride>) through).rejection();
    assertEquals(Rejection.Code.FROZEN, refused.code());
    assertTrue(refused.detail().contains("freeze.allowRollback is false"), refused.detail());
    assertTrue(refused.detail().contains("incident 42"), refused.detail());
    Rejection deploy = DeploymentPolicy.frozenRefusal(strict.freeze(), qa(FROZEN)).orElseThrow();
    assertTrue(deploy.detail().contains("refuses rollbacks during a freeze too"), deploy.detail());
  }
}
