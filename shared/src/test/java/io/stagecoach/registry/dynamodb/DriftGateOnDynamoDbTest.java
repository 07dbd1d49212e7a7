package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.promotion.Gate;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.Plans;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drift gate as the promotion workflow meets it, on DynamoDB Local: a stage that blocks on
 * drift waits while its environment has drifted since its last deployment (looking again every
 * {@link PromotionService#DRIFT_RECHECK}), explains itself as {@code drifted}, fails {@code
 * drifted} after the stage's maxWait, and lets a promotion in once a deployment made the drift
 * older than what runs.
 */
class DriftGateOnDynamoDbTest {

  private static final Duration MAX_WAIT = Duration.ofHours(2);

  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private DeploymentService service;
  private PromotionService promotions;
  private final RecordingEventPublisher events = new RecordingEventPublisher();
  private Instant now = NOW;

  @BeforeEach
  void devBlocksOnDrift_andRuns10() {
    String table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    service = new DeploymentService(registry, deployments, events);
    PromotionRunner started =
        new PromotionRunner() {
          @Override
          public void start(Promotion promotion, App app) {}

          @Override
          public boolean succeed(String taskToken, String outputJson) {
            return true;
          }

          @Override
          public boolean fail(String taskToken, String error, String cause) {
            return true;
          }
        };
    promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(LocalDynamoDb.client(), table),
            started,
            service,
            events);
    RegistryService rules = new RegistryService(registry);
    accepted(
        rules.createApp(
            ADMIN,
            new AppSpec(
                "payments",
                Optional.empty(),
                List.of(
                    new Stage(
                        "dev",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Duration.ZERO,
                        MAX_WAIT,
                        true),
                    new Stage("staging")),
                List.of(),
                app("payments").template(),
                PromotionConcurrency.SUPERSEDE),
            NOW));
    for (String env : List.of("dev", "staging")) {
      accepted(
          rules.putEnvironment(
              ADMIN, "payments", env, pipelineEnvironment(env), Optional.empty(), NOW));
    }
    accepted(rules.registerRelease(ADMIN, "payments", release("1.0"), NOW));
    accepted(rules.registerRelease(ADMIN, "payments", release("2.0"), NOW));
    deployDev("1.0", "d-000000000001");
  }

  private static <T> T accepted(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Accepted<T> a) {
      return a.value();
    }
    return fail("expected acceptance, got " + outcome);
  }

  private void deployDev(String version, String id) {
    now = now.plusSeconds(10);
    Saved<Deployment> saved =
        accepted(
            service.request(
                DEPLOYER,
                "payments",
                new DeploymentSpec("dev", version),
                Optional.empty(),
                version + id,
                id,
                DeploymentService.Origin.API,
                now));
    Instant at = now;
    new ProvisioningRun(registry, deployments, Plans.MAKES_NOTHING, events, () -> at)
        .run("payments", saved.value().id(), () -> Duration.ofMinutes(15));
  }

  /** Dev found drifted now, as its provisioner's check would record it. */
  private void devDrifted() {
    now = now.plusSeconds(10);
    assertInstanceOf(
        WriteResult.Written.class,
        registry.startDriftCheck(
            "payments",
            "dev",
            new DriftCheck("k-1" + now.getEpochSecond(), "sam", now),
            Optional.empty()));
    assertInstanceOf(
        WriteResult.Written.class,
        registry.finishDriftCheck(
            "payments",
            "dev",
            "k-1" + now.getEpochSecond(),
            Drift.found(List.of(DriftedResource.deleted("Orders", "AWS::DynamoDB::Table")), now)));
  }

  private Gate driftGate(Promotion p) {
    return promotions.gates(p, now).get(0).gates().stream()
        .filter(g -> g.kind() == Gate.Kind.DRIFT)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPromotionIntoADriftedStage_waits_explainsWhy_andFailsDriftedAfterMaxWait() {
    devDrifted();
    Promotion p =
        accepted(
            promotions.start(
                DEPLOYER,
                "payments",
                "2.0",
                Optional.empty(),
                Optional.empty(),
                "pr-000000000001",
                now));

    PromotionService.Entered waiting = promotions.enterStage("payments", p.id(), "dev", now);
    assertEquals("wait", waiting.next());
    assertEquals(Optional.of(now.plus(PromotionService.DRIFT_RECHECK)), waiting.opensAt());
    Promotion held = accepted(promotions.get("payments", p.id()));
    assertEquals(Promotion.StageStatus.WAITING_FOR_DRIFT, held.stages().get(0).status());
    Gate gate = driftGate(held);
    assertEquals(Gate.State.DRIFTED, gate.state());
    assertTrue(gate.reason().contains("Orders (AWS::DynamoDB::Table) deleted"), gate.reason());
    assertEquals("", waiting.deploymentId(), "nothing deployed");

    // Still drifted when it looks again past the stage's maxWait: it fails, saying why.
    Instant late = now.plus(MAX_WAIT).plusSeconds(1);
    PromotionService.GateClosed closed =
        assertThrows(
            PromotionService.GateClosed.class,
            () -> promotions.enterStage("payments", p.id(), "dev", late));
    assertEquals(Rejection.Code.DRIFTED, closed.code());
    Promotion failed = accepted(promotions.get("payments", p.id()));
    assertEquals(Optional.of("drifted"), failed.failure());
    assertEquals(Gate.State.FAILED, driftGate(failed).state());
  }

  @Test
  void aDeploymentSinceTheDrift_clearsTheGate_andThePromotionGoesIn() {
    devDrifted();
    Promotion p =
        accepted(
            promotions.start(
                DEPLOYER,
                "payments",
                "2.0",
                Optional.empty(),
                Optional.empty(),
                "pr-000000000002",
                now));
    assertEquals("wait", promotions.enterStage("payments", p.id(), "dev", now).next());

    deployDev("1.0", "d-000000000002"); // the repair
    now = now.plus(PromotionService.DRIFT_RECHECK);
    assertEquals(Gate.State.OPEN, driftGate(accepted(promotions.get("payments", p.id()))).state());
    PromotionService.Entered in = promotions.enterStage("payments", p.id(), "dev", now);
    assertEquals("deploy", in.next());
    assertFalse(in.deploymentId().isEmpty());
  }
}
