package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentCallbacks;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.DriftChecks;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.deployment.TierProvisioning;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.drift.DriftCheckRequested;
import io.stagecoach.domain.drift.DriftDetected;
import io.stagecoach.domain.drift.DriftGate;
import io.stagecoach.domain.drift.DriftResolved;
import io.stagecoach.domain.drift.DriftStatus;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift checks on the registry in DynamoDB Local: asking for one (a second request while one runs
 * answers the same check, a stale one is taken over), the schedule (deployed environments that are
 * due only), running one with a tier's provisioner (what it finds is recorded, and only a change of
 * status is announced), and a deployment into a drifted environment (a redeploy of the release it
 * runs is a repair, allowed where a new release needs a promotion, and followed by a check). The
 * provisioner here answers what the test scripts (a real one needs AWS or the local cloud).
 */
class DriftChecksOnDynamoDbTest {

  private static final DriftedResource TABLE_DELETED =
      DriftedResource.deleted("Orders", "AWS::DynamoDB::Table");
  private static final DriftedResource LEVEL_CHANGED =
      new DriftedResource(
          "LogLevel",
          "AWS::SSM::Parameter",
          DriftedResource.Difference.MODIFIED,
          List.of(PropertyDifference.of("/Value", "info", "debug")));

  /** Deploys whatever it is asked, and finds the drift the test sets. */
  private static final class ScriptedProvisioner implements Provisioner {
    List<DriftedResource> drift = List.of();
    final List<ProvisioningRequest> checked = new ArrayList<>();

    @Override
    public Plan plan(ProvisioningRequest request) {
      return Plan.NOTHING;
    }

    @Override
    public ProvisioningResult apply(ProvisioningRequest request) {
      return new ProvisioningResult.Succeeded(
          Plan.NOTHING,
          Map.of(),
          List.of(new StackResource("Orders", "AWS::DynamoDB::Table", Optional.of("t"))));
    }

    @Override
    public ProvisioningResult destroy(ProvisioningRequest request) {
      return new ProvisioningResult.Succeeded(Plan.NOTHING, Map.of());
    }

    @Override
    public List<DriftedResource> detectDrift(ProvisioningRequest request) {
      checked.add(request);
      return drift;
    }
  }

  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private RecordingEventPublisher events;
  private DeploymentService service;
  private DriftChecks drift;
  private final ScriptedProvisioner provisioner = new ScriptedProvisioner();
  private Instant now = NOW;

  @BeforeEach
  void appWithDevAndStaging_andTwoReleases() {
    String table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    events = new RecordingEventPublisher();
    service = new DeploymentService(registry, deployments, events);
    drift = service.driftChecks();
    RegistryService rules = new RegistryService(registry);
    accepted(rules.createApp(ADMIN, app("payments"), NOW));
    for (String env : List.of("dev", "staging")) {
      accepted(
          rules.putEnvironment(
              ADMIN, "payments", env, pipelineEnvironment(env), Optional.empty(), NOW));
    }
    accepted(rules.registerRelease(ADMIN, "payments", release("1.0"), NOW));
    accepted(rules.registerRelease(ADMIN, "payments", release("2.0"), NOW));
  }

  private static <T> T accepted(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Accepted<T> a) {
      return a.value();
    }
    return fail("expected acceptance, got " + outcome);
  }

  private static Rejection.Code refusal(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Rejected<?> r) {
      return r.rejection().code();
    }
    return fail("expected a refusal, got " + outcome);
  }

  private Environment env(String name) {
    return registry.findEnvironment("payments", name).orElseThrow();
  }

  /** Deploys {@code version} into dev (directly) or staging (as a promotion's stage would). */
  private Deployment deploy(String env, String version, String id) {
    return deploy(
        env,
        version,
        id,
        env.equals("dev")
            ? DeploymentService.Origin.API
            : DeploymentService.Origin.promotion("pr-000000000001"));
  }

  private Deployment deploy(
      String env, String version, String id, DeploymentService.Origin origin) {
    now = now.plusSeconds(10);
    Saved<Deployment> saved =
        accepted(
            service.request(
                DEPLOYER,
                "payments",
                new DeploymentSpec(env, version),
                Optional.empty(),
                version,
                id,
                origin,
                now));
    Instant at = now;
    new ProvisioningRun(registry, deployments, provisioner, events, () -> at)
        .run("payments", saved.value().id(), () -> Duration.ofMinutes(15));
    Deployment done = deployments.findDeployment("payments", saved.value().id()).orElseThrow();
    assertEquals(DeploymentStatus.SUCCEEDED, done.status(), done.toString());
    return done;
  }

  /** Runs the check under way on {@code env} with the tier's provisioner, at {@code now}. */
  private DriftChecks.Ran runCheck(String env) {
    now = now.plusSeconds(10);
    Instant at = now;
    String id = env(env).drift().checking().orElseThrow().id();
    return new TierProvisioning(
            env(env).tier().wireName(),
            registry,
            deployments,
            provisioner,
            events,
            () -> at,
            DeploymentCallbacks.NONE)
        .checkDrift("payments", env, id);
  }

  private <T extends StagecoachEvent> List<T> published(Class<T> type) {
    return events.published().stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void anEnvironmentNeverDeployed_hasDriftUnknown_andACheckOfItStartsNothing() {
    DriftChecks.Requested asked = accepted(drift.request("sam", "payments", "dev", "k-1", now));
    assertEquals(Optional.empty(), asked.check());
    assertFalse(asked.started());
    assertEquals(DriftStatus.UNKNOWN, asked.drift().status());
    assertEquals(Drift.UNKNOWN, env("dev").drift(), "nothing recorded");
    assertEquals(List.of(), events.published());
  }

  @Test
  void badNamesAndUnknownEnvironments_areRefused_andNothingIsStarted() {
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        refusal(drift.request("sam", "Payments!", "dev", "k-1", now)));
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        refusal(drift.request("sam", "payments", "dev_1", "k-1", now)));
    assertEquals(
        Rejection.Code.NOT_FOUND, refusal(drift.request("sam", "nosuchapp", "dev", "k-1", now)));
    assertEquals(
        Rejection.Code.NOT_FOUND, refusal(drift.request("sam", "payments", "prod", "k-1", now)));
    assertEquals(List.of(), events.published());
  }

  @Test
  void aSecondRequestWhileACheckRuns_answersThatCheck_andAStaleOneIsTakenOver() {
    deploy("dev", "1.0", "d-000000000001");
    DriftChecks.Requested first = accepted(drift.request("sam", "payments", "dev", "k-1", now));
    assertTrue(first.started());
    DriftChecks.Requested second =
        accepted(drift.request("rita", "payments", "dev", "k-2", now.plusSeconds(5)));
    assertFalse(second.started());
    assertEquals(first.check(), second.check(), "the same check");
    assertEquals("sam", second.check().orElseThrow().requestedBy());
    assertEquals(1, published(DriftCheckRequested.class).size(), "handed over once");
    assertEquals("dev", published(DriftCheckRequested.class).get(0).tier());

    // Its provisioner never answered: past STALE_AFTER a new check takes over...
    Instant later = now.plus(DriftCheck.STALE_AFTER);
    DriftChecks.Requested third = accepted(drift.request("rita", "payments", "dev", "k-3", later));
    assertTrue(third.started());
    assertEquals("k-3", env("dev").drift().checking().orElseThrow().id());
    // ...and the old one, if it ever runs, is no longer the environment's.
    assertInstanceOf(
        DriftChecks.Ran.NotCurrent.class,
        service.driftChecks().run(provisioner, "dev", "payments", "dev", "k-1", () -> later));
    assertEquals(List.of(), provisioner.checked, "not even looked at");
  }

  @Test
  void aCheck_recordsWhatItFound_andOnlyAChangeOfStatusIsAnnounced() {
    deploy("dev", "1.0", "d-000000000001");
    provisioner.drift = List.of(TABLE_DELETED, LEVEL_CHANGED);
    accepted(drift.request("sam", "payments", "dev", "k-1", now));
    DriftChecks.Ran.Checked found = (DriftChecks.Ran.Checked) runCheck("dev");
    assertEquals(DriftStatus.DRIFTED, found.found().status());
    Drift recorded = env("dev").drift();
    assertEquals(DriftStatus.DRIFTED, recorded.status());
    assertEquals(List.of(TABLE_DELETED, LEVEL_CHANGED), recorded.resources(), "read back whole");
    assertEquals(Optional.of(now), recorded.checkedAt());
    assertEquals(Optional.empty(), recorded.checking(), "the check ended");
    assertEquals(1, published(DriftDetected.class).size());
    assertEquals("1.0", provisioner.checked.get(0).release().orElseThrow().version());
    assertEquals(Optional.of(1), provisioner.checked.get(0).templateRevision());

    // Found drifted again: recorded, not news.
    accepted(drift.request("sam", "payments", "dev", "k-2", now));
    runCheck("dev");
    assertEquals(1, published(DriftDetected.class).size());

    // Fixed by hand: in sync, and resolved.
    provisioner.drift = List.of();
    accepted(drift.request("sam", "payments", "dev", "k-3", now));
    runCheck("dev");
    assertEquals(DriftStatus.IN_SYNC, env("dev").drift().status());
    DriftResolved resolved = published(DriftResolved.class).get(0);
    assertEquals(List.of(TABLE_DELETED, LEVEL_CHANGED), resolved.previous().resources());
    assertEquals("k-3", resolved.checkId());
  }

  @Test
  void aCheck_ofAnotherTier_isNotRunByThisTiersProvisioner() {
    deploy("staging", "1.0", "d-000000000001");
    accepted(drift.request("sam", "payments", "staging", "k-1", now));
    assertEquals(
        new DriftChecks.Ran.OtherTier("staging"),
        service.driftChecks().run(provisioner, "dev", "payments", "staging", "k-1", () -> now));
    assertEquals(List.of(), provisioner.checked);
    assertEquals("k-1", env("staging").drift().checking().orElseThrow().id(), "left for its own");
  }

  @Test
  void theSchedule_checksDeployedEnvironmentsDue_andLeavesTheOthers() {
    deploy("dev", "1.0", "d-000000000001");
    DriftChecks.Scheduled first = drift.schedule(now, Duration.ofDays(1), () -> "k-1");
    assertEquals(List.of("payments/dev"), first.started(), "staging was never deployed");
    assertEquals(2, first.looked());
    assertEquals(DriftCheck.SCHEDULER, env("dev").drift().checking().orElseThrow().requestedBy());
    runCheck("dev");

    assertEquals(
        List.of(),
        drift.schedule(now.plus(Duration.ofHours(23)), Duration.ofDays(1), () -> "k-2").started(),
        "checked within the day");
    assertEquals(
        List.of("payments/dev"),
        drift.schedule(now.plus(Duration.ofHours(24)), Duration.ofDays(1), () -> "k-3").started());
  }

  @Test
  void anAppsOwnInterval_isTheOneTheScheduleHonours_andAnIntervalOutOfRangeIsRefused() {
    RegistryService rules = new RegistryService(registry);
    io.stagecoach.domain.registry.AppSpec usual = app("payments");
    java.util.function.Function<Optional<Integer>, io.stagecoach.domain.registry.AppSpec> every =
        hours ->
            new io.stagecoach.domain.registry.AppSpec(
                usual.name(),
                usual.description(),
                usual.pipeline(),
                usual.allowedEnvironments(),
                usual.template(),
                usual.concurrency(),
                usual.repository(),
                usual.ephemeral(),
                usual.freeze(),
                usual.perEnvironmentConfig(),
                hours);
    for (int wrong : new int[] {0, 721}) {
      Outcome<?> refused =
          rules.putApp(ADMIN, every.apply(Optional.of(wrong)), Optional.empty(), now);
      assertEquals(Rejection.Code.VALIDATION_FAILED, refusal(refused), "" + wrong);
    }
    assertEquals(Optional.empty(), registry.findApp("payments").orElseThrow().driftCheckHours());
    accepted(rules.putApp(ADMIN, every.apply(Optional.of(6)), Optional.empty(), now));
    assertEquals(Optional.of(6), registry.findApp("payments").orElseThrow().driftCheckHours());

    deploy("dev", "1.0", "d-000000000001");
    assertEquals(
        List.of("payments/dev"), drift.schedule(now, Duration.ofDays(1), () -> "k-1").started());
    runCheck("dev");
    assertEquals(
        List.of(),
        drift.schedule(now.plus(Duration.ofHours(5)), Duration.ofDays(1), () -> "k-2").started(),
        "checked within the app's six hours");
    assertEquals(
        List.of("payments/dev"),
        drift.schedule(now.plus(Duration.ofHours(6)), Duration.ofDays(1), () -> "k-3").started(),
        "due after six hours, not the schedule's day");
  }

  @Test
  void redeployingTheReleaseADriftedStageRuns_isARepair_evenWhereANewReleaseNeedsAPromotion() {
    deploy("staging", "1.0", "d-000000000001");
    // Staging takes releases from the pipeline only...
    assertEquals(
        Rejection.Code.PROMOTION_REQUIRED,
        refusal(
            service.request(
                DEPLOYER,
                "payments",
                new DeploymentSpec("staging", "1.0"),
                Optional.empty(),
                "h",
                "d-000000000002",
                DeploymentService.Origin.API,
                now)));
    // ...until it has drifted: the release it runs may then be redeployed to repair it.
    provisioner.drift = List.of(TABLE_DELETED);
    accepted(drift.request("sam", "payments", "staging", "k-1", now));
    runCheck("staging");
    assertTrue(
        DriftGate.holds(
                true,
                "payments",
                "staging",
                env("staging").drift(),
                env("staging").deployed().map(d -> d.deployedAt()))
            .isPresent());
    assertEquals(
        Rejection.Code.PROMOTION_REQUIRED,
        refusal(
            service.request(
                DEPLOYER,
                "payments",
                new DeploymentSpec("staging", "2.0"),
                Optional.empty(),
                "h",
                "d-000000000003",
                DeploymentService.Origin.API,
                now)),
        "a new release still needs its promotion");

    provisioner.drift = List.of();
    Deployment repair = deploy("staging", "1.0", "d-000000000004", DeploymentService.Origin.API);
    assertEquals(1, repair.overrides().size(), repair.toString());
    GateOverride override = repair.overrides().get(0);
    assertEquals(GateOverride.DRIFT, override.gate());
    assertEquals(GateOverride.BASIS_REPAIR, override.basis());
    assertTrue(override.detail().contains("Orders"), override.detail());

    // The drift found before it no longer holds the gate; the check after it says it is gone.
    Environment after = env("staging");
    assertFalse(DriftGate.isCurrent(after.drift(), after.deployed().map(d -> d.deployedAt())));
    DriftCheck following = after.drift().checking().orElseThrow();
    assertEquals("deployment:d-000000000004", following.requestedBy());
    assertEquals(2, published(DriftCheckRequested.class).size(), "the one asked, and this one");
    runCheck("staging");
    assertEquals(1, published(DriftResolved.class).size());
  }
}
