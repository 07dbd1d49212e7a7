package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.DEPLOYER;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentRecovery;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.local.provisioning.LocalProvisioner;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deploy requests, the lease and provisioning runs on DynamoDB Local, with the local provisioner.
 */
class DeploymentsOnDynamoDbTest {

  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private DeploymentService service;
  private RecordingEventPublisher events;
  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);

  @BeforeEach
  void freshRegistry() {
    String table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    events = new RecordingEventPublisher();
    service = new DeploymentService(registry, deployments, events);
    RegistryService rules = new RegistryService(registry);
    // Each test gets its own app, so the tables the local provisioner makes never meet.
    app = "app" + Long.toString(System.nanoTime(), 36).substring(4);
    assertInstanceOf(Outcome.Accepted.class, rules.createApp(ADMIN, Fixtures.app(app), NOW));
    for (String env : List.of("dev", "staging")) {
      assertInstanceOf(
          Outcome.Accepted.class,
          rules.putEnvironment(
              ADMIN, app, env, Fixtures.pipelineEnvironment(env), Optional.empty(), NOW));
    }
    for (String v : List.of("1.0.0", "1.1.0")) {
      assertInstanceOf(
          Outcome.Accepted.class, rules.registerRelease(ADMIN, app, Fixtures.release(v), NOW));
    }
  }

  private String app;

  private Outcome<Saved<Deployment>> request(
      String env, String version, Optional<String> key, String newId) {
    return service.request(
        DEPLOYER,
        app,
        new DeploymentSpec(env, version),
        key,
        env + "/" + version,
        newId,
        DeploymentService.Origin.API,
        now.get());
  }

  private Deployment requested(String env, String version, String id) {
    return ((Outcome.Accepted<Saved<Deployment>>) request(env, version, Optional.empty(), id))
        .value()
        .value();
  }

  private ProvisioningRun run(Provisioner provisioner) {
    return new ProvisioningRun(registry, deployments, provisioner, events, now::get);
  }

  @Test
  void request_withTheSameKeyAndBody_answersTheSameDeployment_andWithAnotherBody_isAConflict() {
    Saved<Deployment> first =
        ((Outcome.Accepted<Saved<Deployment>>) request("dev", "1.0.0", Optional.of("k1"), "d-1"))
            .value();
    assertTrue(first.created());
    Saved<Deployment> again =
        ((Outcome.Accepted<Saved<Deployment>>) request("dev", "1.0.0", Optional.of("k1"), "d-2"))
            .value();
    assertFalse(again.created());
    assertEquals(first.value().id(), again.value().id());
    assertEquals(
        2,
        events.published().size(),
        "a replay of a still-requested deployment announces it again");
    Outcome<Saved<Deployment>> other = request("dev", "1.1.0", Optional.of("k1"), "d-3");
    assertEquals(
        Rejection.Code.CONFLICT, ((Outcome.Rejected<Saved<Deployment>>) other).rejection().code());
    assertEquals(
        1,
        deployments.history(app, "dev", PageRequest.first()) instanceof Outcome.Accepted<?> a
            ? ((io.stagecoach.domain.common.Page<?>) a.value()).items().size()
            : -1);
  }

  @Test
  void request_isRefused_forStagingTier_unknownRelease_andMalformedKeys_recordingNothing() {
    assertEquals(
        Rejection.Code.PROMOTION_REQUIRED,
        rejection(request("staging", "1.0.0", Optional.empty(), "d-1")));
    assertEquals(
        Rejection.Code.NOT_FOUND, rejection(request("dev", "9.9.9", Optional.empty(), "d-2")));
    assertEquals(
        Rejection.Code.NOT_FOUND, rejection(request("nope", "1.0.0", Optional.empty(), "d-3")));
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        rejection(request("dev", "1.0.0", Optional.of("has space"), "d-4")));
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        rejection(request("Dev!", "1.0.0", Optional.empty(), "d-5")));
    assertTrue(events.published().isEmpty());
    Outcome<Saved<Deployment>> fromPipeline =
        service.request(
            DEPLOYER,
            app,
            new DeploymentSpec("staging", "1.0.0"),
            Optional.empty(),
            "h",
            "d-6",
            DeploymentService.Origin.promotion("p-1"),
            NOW);
    assertInstanceOf(
        Outcome.Accepted.class, fromPipeline, "the pipeline itself may deploy to staging");
  }

  @Test
  void claim_queuesASecondDeployment_behindTheHolder_andTheHolderTakesItUp() {
    Deployment first = requested("dev", "1.0.0", "d-1");
    Deployment second = requested("dev", "1.1.0", "d-2");
    assertInstanceOf(
        Deployments.Claim.Claimed.class, deployments.claim(first, NOW, NOW.plusSeconds(60)));
    Deployments.Claim queued = deployments.claim(second, NOW, NOW.plusSeconds(60));
    assertEquals(new Deployments.Claim.Queued("d-1"), queued);
    assertInstanceOf(
        Deployments.Claim.NotRequested.class,
        deployments.claim(
            deployments.findDeployment(app, "d-1").orElseThrow(), NOW, NOW.plusSeconds(60)),
        "the holder's own event again, while it runs, starts nothing");
    Deployment holder = deployments.findDeployment(app, "d-1").orElseThrow();
    assertEquals(DeploymentStatus.PROVISIONING, holder.status());
    assertEquals(
        new Deployments.Finished(new WriteResult.Written(1), true),
        deployments.finish(holder.failed("test", Optional.empty(), NOW), Optional.empty()),
        "the end says that a deployment waits");
    assertEquals(
        DeploymentStatus.FAILED, deployments.findDeployment(app, "d-1").orElseThrow().status());
    assertEquals(List.of("d-2"), deployments.takeWaiting(app, "dev"));
    assertEquals(List.of(), deployments.takeWaiting(app, "dev"), "taken once");
    assertInstanceOf(
        Deployments.Claim.Claimed.class,
        deployments.claim(second, NOW, NOW.plusSeconds(60)),
        "the lease is free for the one that waited");
  }

  @Test
  void anEnd_thatNobodyWaitedFor_saysSo_freesTheLease_andALateEndOfAnotherHolderChangesNothing() {
    Deployment first = requested("dev", "1.0.0", "d-1");
    assertInstanceOf(
        Deployments.Claim.Claimed.class, deployments.claim(first, NOW, NOW.plusSeconds(60)));
    Deployment holder = deployments.findDeployment(app, "d-1").orElseThrow();
    assertEquals(
        new Deployments.Finished(new WriteResult.Written(1), false),
        deployments.finish(holder.failed("test", Optional.empty(), NOW), Optional.empty()));
    assertEquals(
        DeploymentStatus.FAILED, deployments.findDeployment(app, "d-1").orElseThrow().status());
    assertEquals(List.of(), deployments.takeWaiting(app, "dev"));

    // The next one finds the lease free; one queued behind it is not the old holder's to end.
    Deployment second = requested("dev", "1.1.0", "d-2");
    assertEquals(
        Optional.empty(),
        ((Deployments.Claim.Claimed) deployments.claim(second, NOW, NOW.plusSeconds(60)))
            .tookOverFrom());
    Deployment third = requested("dev", "1.0.0", "d-3");
    assertEquals(
        new Deployments.Claim.Queued("d-2"), deployments.claim(third, NOW, NOW.plusSeconds(60)));
    assertEquals(
        new Deployments.Finished(new WriteResult.ChangedSinceRead(), false),
        deployments.finish(holder.failed("again", Optional.empty(), NOW), Optional.empty()),
        "an end of a deployment that no longer holds the lease");
    Deployment running = deployments.findDeployment(app, "d-2").orElseThrow();
    assertEquals(DeploymentStatus.PROVISIONING, running.status());
    assertEquals(
        new Deployments.Finished(new WriteResult.Written(1), true),
        deployments.finish(running.failed("test", Optional.empty(), NOW), Optional.empty()));
    assertEquals(List.of("d-3"), deployments.takeWaiting(app, "dev"));
  }

  @Test
  void aRepeatedEvent_ofADeploymentWhoseRunHoldsALiveLease_isLeftAlone_butAPausedOneIsResumed() {
    Deployment d = requested("dev", "1.0.0", "d-1");
    assertInstanceOf(
        Deployments.Claim.Claimed.class, deployments.claim(d, NOW, NOW.plusSeconds(60)));
    Deployment running = deployments.findDeployment(app, "d-1").orElseThrow();
    assertInstanceOf(
        Deployments.Claim.NotRequested.class,
        deployments.claim(running, NOW.plusSeconds(1), NOW.plusSeconds(61)),
        "a swept or duplicated event must not start a second run beside the first");
    assertTrue(deployments.extendLease(app, "dev", "d-1", NOW.plusSeconds(120)));
    assertInstanceOf(
        Deployments.Claim.Claimed.class,
        deployments.claim(running, NOW.plusSeconds(2), NOW.plusSeconds(62)),
        "the continuation of a paused run takes its lease back");
    assertInstanceOf(
        Deployments.Claim.NotRequested.class,
        deployments.claim(running, NOW.plusSeconds(3), NOW.plusSeconds(63)),
        "and only one continuation does");
    assertInstanceOf(
        Deployments.Claim.Claimed.class,
        deployments.claim(running, NOW.plusSeconds(64), NOW.plusSeconds(120)),
        "once its lease expired (the run died), a later event runs it again");
  }

  @Test
  void afterRestart_handsTheStoppedRunsLeaseBack_andResendsEveryUnfinishedDeployment_atOnce() {
    Deployment interrupted = requested("dev", "1.0.0", "d-1");
    assertInstanceOf(
        Deployments.Claim.Claimed.class,
        deployments.claim(interrupted, NOW, NOW.plus(ProvisioningRun.LEASE)));
    Deployment waiting = requested("dev", "1.1.0", "d-2");
    assertEquals(
        new Deployments.Claim.Queued("d-1"),
        deployments.claim(waiting, NOW, NOW.plus(ProvisioningRun.LEASE)));
    DeploymentRecovery recovery = new DeploymentRecovery(deployments, events);
    assertEquals(
        List.of(),
        recovery.sweep(NOW.plusSeconds(60)).deployments(),
        "the sweeper leaves young deployments to their first delivery");
    int published = events.published().size();

    Instant restart = NOW.plusSeconds(60);
    DeploymentRecovery.Resent resent = recovery.afterRestart(restart);
    assertEquals(List.of("d-1", "d-2"), resent.deployments());
    assertEquals(List.of("d-1"), resent.leasesReclaimed());
    assertEquals(
        List.of("d-1", "d-2"),
        events.published().subList(published, events.published().size()).stream()
            .map(e -> ((DeploymentRequested) e).deployment().id())
            .toList());

    Deployment provisioning = deployments.findDeployment(app, "d-1").orElseThrow();
    assertInstanceOf(
        Deployments.Claim.Claimed.class,
        deployments.claim(provisioning, restart, restart.plus(ProvisioningRun.LEASE)),
        "the first delivery continues the interrupted run without waiting for its lease to end");
    assertInstanceOf(
        Deployments.Claim.NotRequested.class,
        deployments.claim(provisioning, restart, restart.plus(ProvisioningRun.LEASE)),
        "and only one delivery does: a duplicate never provisions twice");
    assertEquals(
        List.of(),
        recovery.afterRestart(restart).leasesReclaimed(),
        "a lease taken since the start belongs to a live run and is left alone");
  }

  @Test
  void reclaimLease_handsBackOnlyALeaseEndingBeforeTheBound_andOnlyToItsHolder() {
    Deployment d = requested("dev", "1.0.0", "d-1");
    assertInstanceOf(
        Deployments.Claim.Claimed.class, deployments.claim(d, NOW, NOW.plusSeconds(60)));
    assertFalse(deployments.reclaimLease(app, "dev", "d-2", NOW.plusSeconds(61)));
    assertFalse(deployments.reclaimLease(app, "dev", "d-1", NOW.plusSeconds(60)));
    assertFalse(deployments.reclaimLease(app, "staging", "d-1", NOW.plusSeconds(61)));
    assertTrue(deployments.reclaimLease(app, "dev", "d-1", NOW.plusSeconds(61)));
  }

  @Test
  void anExpiredLease_isTakenOver_andItsCrashedHolderIsFailedWithTheReason() {
    Deployment crashed = requested("dev", "1.0.0", "d-1");
    assertInstanceOf(
        Deployments.Claim.Claimed.class, deployments.claim(crashed, NOW, NOW.plusSeconds(60)));
    Deployment next = requested("dev", "1.1.0", "d-2");
    Deployments.Claim claim = deployments.claim(next, NOW.plusSeconds(61), NOW.plusSeconds(121));
    assertEquals(Optional.of("d-1"), ((Deployments.Claim.Claimed) claim).tookOverFrom());
    Deployment failed = deployments.findDeployment(app, "d-1").orElseThrow();
    assertEquals(DeploymentStatus.FAILED, failed.status());
    assertTrue(failed.reason().orElseThrow().contains("lease"), failed.reason().toString());
  }

  @Test
  void
      run_deploysThroughTheLocalProvisioner_recordsOutputs_andNeverLetsAnOlderReleaseReplaceANewerOne() {
    Deployment older = requested("dev", "1.0.0", "d-1");
    now.set(NOW.plusSeconds(1));
    Deployment newer = requested("dev", "1.1.0", "d-2");
    LocalProvisioner local = new LocalProvisioner(LocalDynamoDb.client());
    ProvisioningRun run = run(local);

    // The newer one's event arrives first.
    run.run(app, newer.id(), () -> Duration.ofMinutes(5));
    run.run(app, older.id(), () -> Duration.ofMinutes(5));
    assertEquals(
        DeploymentStatus.SUCCEEDED, deployments.findDeployment(app, "d-2").orElseThrow().status());
    Deployment late = deployments.findDeployment(app, "d-1").orElseThrow();
    assertEquals(DeploymentStatus.SUPERSEDED, late.status(), late.toString());
    assertEquals(
        "1.1.0",
        registry.findEnvironment(app, "dev").orElseThrow().deployedVersion().orElseThrow());
    Map<String, String> outputs = deployments.findDeployment(app, "d-2").orElseThrow().outputs();
    assertEquals(app + "-dev-orders", outputs.get("OrdersTable"));

    // A repeated delivery of a finished deployment changes nothing and announces it again.
    int before = events.published().size();
    run.run(app, newer.id(), () -> Duration.ofMinutes(5));
    assertEquals(
        DeploymentStatus.SUCCEEDED, deployments.findDeployment(app, "d-2").orElseThrow().status());
    assertEquals(before + 1, events.published().size());
  }

  @Test
  void run_withTooLittleTimeLeft_handsTheDeploymentOn_insteadOfStartingIt() {
    Deployment d = requested("dev", "1.0.0", "d-1");
    int before = events.published().size();
    ProvisioningRun.Report report = run(failing()).run(app, d.id(), () -> Duration.ofSeconds(5));
    assertEquals(List.of("d-1: handed on"), report.lines());
    assertEquals(
        DeploymentStatus.REQUESTED, deployments.findDeployment(app, "d-1").orElseThrow().status());
    assertEquals(before + 1, events.published().size());
  }

  @Test
  void run_whoseProvisionerThrows_requeuesAndRethrows_untilTheLastAttemptFailsTheDeployment() {
    Deployment d = requested("dev", "1.0.0", "d-1");
    ProvisioningRun run = run(failing());
    for (int attempt = 1; attempt < ProvisioningRun.MAX_ATTEMPTS; attempt++) {
      assertThrows(
          ProvisioningRun.ProvisioningInterrupted.class,
          () -> run.run(app, d.id(), () -> Duration.ofMinutes(5)));
      Deployment again = deployments.findDeployment(app, "d-1").orElseThrow();
      assertEquals(DeploymentStatus.REQUESTED, again.status());
      assertEquals(attempt, again.attempts());
    }
    run.run(app, d.id(), () -> Duration.ofMinutes(5));
    Deployment failed = deployments.findDeployment(app, "d-1").orElseThrow();
    assertEquals(DeploymentStatus.FAILED, failed.status());
    assertEquals(ProvisioningRun.MAX_ATTEMPTS, failed.attempts());
    assertTrue(
        failed.reason().orElseThrow().contains("stack exploded"), failed.reason().toString());
    assertTrue(
        registry.findEnvironment(app, "dev").orElseThrow().deployed().isEmpty(),
        "nothing was deployed");
  }

  /** A provisioner whose every call fails with a technical error (a broken network, say). */
  private static Provisioner failing() {
    return new Provisioner() {
      @Override
      public Plan plan(ProvisioningRequest request) {
        throw new IllegalStateException("stack exploded");
      }

      @Override
      public ProvisioningResult apply(ProvisioningRequest request) {
        throw new IllegalStateException("stack exploded");
      }

      @Override
      public ProvisioningResult destroy(ProvisioningRequest request) {
        throw new IllegalStateException("stack exploded");
      }
    };
  }

  private static Rejection.Code rejection(Outcome<?> outcome) {
    return ((Outcome.Rejected<?>) outcome).rejection().code();
  }
}
