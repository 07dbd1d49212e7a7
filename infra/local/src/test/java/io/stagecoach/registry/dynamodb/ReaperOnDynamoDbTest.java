package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditQuery;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.EnvironmentDestroyed;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.expiry.EnvironmentExpired;
import io.stagecoach.domain.expiry.EnvironmentExpiring;
import io.stagecoach.domain.expiry.EnvironmentReaper;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.provision.EnvironmentReaperHandler;
import io.stagecoach.local.provisioning.LocalProvisioner;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reaper on DynamoDB Local, with the local provisioner: it destroys expired ephemeral
 * environments through the normal destroy, spares what it must, is idempotent, and gives up (and
 * reports) after repeated failed destroys. Time is passed in: nothing waits.
 */
class ReaperOnDynamoDbTest {

  private static final Principal OWNER = new Principal("pat@example.com", Set.of(Role.DEPLOYER));
  private static final Instant LATER = NOW.plus(Duration.ofHours(2));

  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private DeploymentService service;
  private RegistryService rules;
  private EnvironmentReaper reaper;
  private RecordingEventPublisher events;
  private String app;
  private String table;
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeEach
  void freshRegistry() {
    table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    events = new RecordingEventPublisher();
    service = new DeploymentService(registry, deployments, events);
    rules = new RegistryService(registry);
    reaper =
        new EnvironmentReaper(
            registry, deployments, service, events, EnvironmentReaper.DEFAULT_LEAD_TIMES);
    app = "app" + Long.toString(System.nanoTime(), 36).substring(4);
    assertInstanceOf(Outcome.Accepted.class, rules.createApp(ADMIN, Fixtures.app(app), NOW));
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.putEnvironment(
            ADMIN, app, "dev", Fixtures.pipelineEnvironment("dev"), Optional.empty(), NOW));
    assertInstanceOf(
        Outcome.Accepted.class, rules.registerRelease(ADMIN, app, Fixtures.release("1.0.0"), NOW));
  }

  private void ephemeral(String name, Duration ttl, boolean isProtected) {
    EnvironmentSpec spec =
        new EnvironmentSpec(
            Optional.of("ephemeral"),
            Optional.empty(),
            Optional.of("123456789012"),
            Optional.of("eu-west-1"),
            Map.of(),
            Map.of(),
            Optional.of(isProtected),
            Optional.of(OWNER.name()),
            Optional.of(NOW.plus(ttl)));
    // Protecting is an admin's decision; the environment is still the owner's.
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.putEnvironment(isProtected ? ADMIN : OWNER, app, name, spec, Optional.empty(), NOW));
  }

  private void personal(String name) {
    EnvironmentSpec spec =
        new EnvironmentSpec(
            Optional.of("personal"),
            Optional.empty(),
            Optional.of("123456789012"),
            Optional.of("eu-west-1"),
            Map.of(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.putEnvironment(OWNER, app, name, spec, Optional.empty(), NOW));
  }

  private Outcome<Saved<Deployment>> deploy(String env, Instant at) {
    return service.request(
        OWNER,
        app,
        new DeploymentSpec(env, "1.0.0"),
        Optional.empty(),
        "h-" + env + at,
        "d-" + ids.incrementAndGet(),
        DeploymentService.Origin.API,
        at);
  }

  private ProvisioningRun run(Provisioner provisioner, Instant at) {
    return new ProvisioningRun(registry, deployments, provisioner, events, () -> at);
  }

  private List<Deployment> history(String env) {
    return ((Outcome.Accepted<Page<Deployment>>)
            deployments.history(app, env, new PageRequest(Optional.empty(), 100)))
        .value()
        .items();
  }

  private EnvironmentReaper.Reaped reap(Instant at) {
    return reaper.reap(at, () -> "x-new" + ids.incrementAndGet());
  }

  @Test
  void anExpiredEphemeralEnvironment_isDestroyedByTheReaper_andDeploysInBetweenAreRefusedExpired() {
    ephemeral("pr-1", Duration.ofHours(1), false);
    Saved<Deployment> first = ((Outcome.Accepted<Saved<Deployment>>) deploy("pr-1", NOW)).value();
    run(new LocalProvisioner(LocalDynamoDb.client()), NOW)
        .run(app, first.value().id(), () -> Duration.ofMinutes(5));
    String table = app + "-pr-1-orders";
    assertTrue(LocalDynamoDb.client().listTables().tableNames().contains(table));

    assertTrue(reap(NOW).destroying().isEmpty(), "nothing has expired yet");

    Outcome<Saved<Deployment>> refused = deploy("pr-1", LATER);
    Rejection rejection = ((Outcome.Rejected<Saved<Deployment>>) refused).rejection();
    assertEquals(Rejection.Code.EXPIRED, rejection.code());
    assertTrue(
        rejection.detail().contains("expired at " + NOW.plus(Duration.ofHours(1))),
        rejection.detail());
    assertTrue(rejection.detail().contains("extend"), rejection.detail());
    assertEquals(1, history("pr-1").size(), "a refused deploy records nothing");

    EnvironmentReaper.Reaped reaped = reap(LATER);
    assertEquals(1, reaped.destroying().size(), reaped.toString());
    Deployment destroy = reaped.destroying().get(0);
    assertEquals("pr-1", destroy.environment());
    assertEquals(DeploymentAction.DESTROY, destroy.action());
    assertEquals(EnvironmentReaper.PRINCIPAL, destroy.requestedBy());
    assertEquals(Deployment.ORIGIN_REAPER, destroy.origin());

    // A duplicate and a late delivery of the schedule find the same destroy, and make no other.
    assertEquals(destroy.id(), reap(LATER).destroying().get(0).id());
    assertEquals(destroy.id(), reap(LATER.plusSeconds(60)).destroying().get(0).id());
    assertEquals(
        1, history("pr-1").stream().filter(d -> d.action() == DeploymentAction.DESTROY).count());

    run(new LocalProvisioner(LocalDynamoDb.client()), LATER)
        .run(app, destroy.id(), () -> Duration.ofMinutes(5));
    assertEquals(
        DeploymentStatus.SUCCEEDED,
        deployments.findDeployment(app, destroy.id()).orElseThrow().status());
    assertTrue(registry.findEnvironment(app, "pr-1").isEmpty());
    assertFalse(LocalDynamoDb.client().listTables().tableNames().contains(table));
    assertTrue(reap(LATER.plusSeconds(600)).destroying().isEmpty(), "a late run finds nothing");
  }

  @Test
  void theReaper_sparesProtectedPinnedAndUnexpiredOnes_andNeverTouchesPipelineOrPersonal() {
    ephemeral("pr-prot", Duration.ofHours(1), true);
    ephemeral("pr-pin", Duration.ofHours(1), false);
    ephemeral("pr-later", Duration.ofHours(5), false);
    personal("pat");
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.pin(ADMIN, app, "pr-pin", "demo for the board on Friday", NOW));

    EnvironmentReaper.Reaped reaped = reap(LATER);
    assertEquals(List.of(), reaped.destroying());
    assertEquals(
        Set.of("pr-prot", "pr-pin"),
        reaped.spared().stream()
            .map(EnvironmentReaper.Spared::environment)
            .collect(java.util.stream.Collectors.toSet()),
        reaped.toString());
    for (String env : List.of("pr-prot", "pr-pin", "pr-later", "pat", "dev")) {
      assertTrue(registry.findEnvironment(app, env).isPresent(), env);
      assertEquals(List.of(), history(env), env);
    }
    assertInstanceOf(
        Outcome.Accepted.class, deploy("pr-pin", LATER), "a pinned environment takes releases");

    assertInstanceOf(Outcome.Accepted.class, rules.unpin(ADMIN, app, "pr-pin"));
    EnvironmentReaper.Reaped afterUnpin = reap(LATER);
    assertEquals(
        List.of("pr-pin"), afterUnpin.destroying().stream().map(Deployment::environment).toList());
  }

  @Test
  void
      aDestroyThatFails_leavesTheEnvironmentRegistered_isRetried_andIsReportedAfterThreeFailures() {
    ephemeral("pr-9", Duration.ofHours(1), false);
    for (int failure = 1; failure <= EnvironmentReaper.MAX_FAILED_DESTROYS; failure++) {
      EnvironmentReaper.Reaped reaped = reap(LATER);
      assertEquals(1, reaped.destroying().size(), "attempt " + failure + ": " + reaped);
      String id = reaped.destroying().get(0).id();
      ProvisioningRun run = run(failing(), LATER);
      for (int attempt = 1; attempt < ProvisioningRun.MAX_ATTEMPTS; attempt++) {
        assertThrows(
            ProvisioningRun.ProvisioningInterrupted.class,
            () -> run.run(app, id, () -> Duration.ofMinutes(5)));
      }
      run.run(app, id, () -> Duration.ofMinutes(5));
      assertEquals(
          DeploymentStatus.FAILED, deployments.findDeployment(app, id).orElseThrow().status());
      assertTrue(registry.findEnvironment(app, "pr-9").isPresent(), "still registered");
    }
    EnvironmentReaper.Reaped reaped = reap(LATER);
    assertEquals(List.of(), reaped.destroying());
    assertEquals(1, reaped.gaveUp().size(), reaped.toString());
    assertEquals(EnvironmentReaper.MAX_FAILED_DESTROYS, reaped.gaveUp().get(0).failedDestroys());
    assertTrue(reaped.gaveUp().get(0).lastReason().contains("stack exploded"));
    assertEquals(
        EnvironmentReaper.MAX_FAILED_DESTROYS,
        history("pr-9").stream().filter(d -> d.action() == DeploymentAction.DESTROY).count());
  }

  /**
   * Issue 11, point 6: the reaper function records each destroy it requests and the environment it
   * gave up on, once each, however often it runs; principal and surface {@code reaper}.
   */
  @Test
  void theReaperFunction_auditsEachDestroyItRequests_andGivingUp_onceEach_acrossRuns() {
    ephemeral("pr-10", Duration.ofHours(1), false);
    EnvironmentReaperHandler handler =
        new EnvironmentReaperHandler(
            registry,
            deployments,
            events,
            EnvironmentReaper.DEFAULT_LEAD_TIMES,
            new DynamoDbAuditLog(LocalDynamoDb.client(), table),
            Clock.fixed(LATER, ZoneOffset.UTC));
    for (int failure = 1; failure <= EnvironmentReaper.MAX_FAILED_DESTROYS; failure++) {
      // Two runs while the destroy waits for its provisioner (a duplicate delivery): one destroy.
      handler.handleRequest(Map.of(), null);
      handler.handleRequest(Map.of(), null);
      String id =
          history("pr-10").stream()
              .filter(d -> d.status() == DeploymentStatus.REQUESTED)
              .findFirst()
              .orElseThrow()
              .id();
      ProvisioningRun run = run(failing(), LATER);
      for (int attempt = 1; attempt < ProvisioningRun.MAX_ATTEMPTS; attempt++) {
        assertThrows(
            ProvisioningRun.ProvisioningInterrupted.class,
            () -> run.run(app, id, () -> Duration.ofMinutes(5)));
      }
      run.run(app, id, () -> Duration.ofMinutes(5));
    }
    for (int run = 0; run < 2; run++) {
      assertEquals(1, handler.handleRequest(Map.of(), null).get("gaveUp"));
    }

    List<AuditEntry> entries =
        ((Outcome.Accepted<Page<AuditEntry>>)
                new DynamoDbAuditLog(LocalDynamoDb.client(), table)
                    .find(
                        new AuditQuery(
                            Optional.of(app),
                            Optional.of("pr-10"),
                            Optional.empty(),
                            Optional.of("reaper destroy"),
                            Optional.empty(),
                            Optional.empty()),
                        new PageRequest(Optional.empty(), 100)))
            .value()
            .items();
    // Three destroys and one giving up, each once, after eight runs. Every run here is at one
    // instant, so the entries' order among themselves is their ids'.
    assertEquals(
        List.of("accepted", "accepted", "accepted", "gave_up"),
        entries.stream().map(AuditEntry::outcome).sorted().toList(),
        entries.toString());
    for (AuditEntry e : entries) {
      assertEquals("reaper", e.principal());
      assertEquals("reaper", e.surface());
      assertEquals(app + "/pr-10", e.target());
    }
    AuditEntry gaveUp =
        entries.stream().filter(e -> e.outcome().equals("gave_up")).findFirst().orElseThrow();
    assertTrue(gaveUp.detail().orElseThrow().contains("stack exploded"), gaveUp.toString());
  }

  /** A provisioner whose every call fails with a technical error. */
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

  private List<EnvironmentExpiring> warnings(String env) {
    return events.published().stream()
        .filter(e -> e instanceof EnvironmentExpiring w && w.environment().name().equals(env))
        .map(EnvironmentExpiring.class::cast)
        .toList();
  }

  private static List<Duration> leads(EnvironmentReaper.Reaped reaped) {
    return reaped.warned().stream().map(EnvironmentReaper.Warned::leadTime).toList();
  }

  @Test
  void theReaper_warnsTheOwnerOncePerLeadTime_evenUnderDuplicateRuns_andAgainAfterAnExtension() {
    ephemeral("pr-w", Duration.ofHours(2), false);
    ephemeral("pr-wprot", Duration.ofHours(2), true);
    Instant expiry = NOW.plus(Duration.ofHours(2));

    // Created two hours before its expiry: inside the 24 h lead time at once.
    assertEquals(List.of(Duration.ofHours(24)), leads(reap(NOW)));
    assertEquals(List.of(), leads(reap(NOW)), "a duplicate run sends nothing");
    assertEquals(List.of(), leads(reap(NOW.plus(Duration.ofMinutes(30)))), "90 min left");
    assertEquals(List.of(Duration.ofHours(1)), leads(reap(NOW.plus(Duration.ofMinutes(61)))));
    assertEquals(List.of(), leads(reap(NOW.plus(Duration.ofMinutes(61)))));
    assertEquals(List.of(), leads(reap(NOW.plus(Duration.ofMinutes(90)))));

    List<EnvironmentExpiring> sent = warnings("pr-w");
    assertEquals(2, sent.size(), sent.toString());
    assertEquals(expiry, sent.get(1).expiresAt());
    assertEquals(OWNER.name(), sent.get(1).environment().owner());
    assertEquals(NOW.plus(Duration.ofMinutes(61)), sent.get(1).warnedAt());
    assertEquals(List.of(), warnings("pr-wprot"), "the reaper spares it: nobody is warned");

    // Extended by a day: the new expiry is warned about again, 24 h ahead.
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.extendEnvironment(
            OWNER,
            app,
            "pr-w",
            Optional.empty(),
            Optional.of(Duration.ofHours(24)),
            NOW.plus(Duration.ofMinutes(90))));
    assertEquals(List.of(Duration.ofHours(24)), leads(reap(NOW.plus(Duration.ofHours(2)))));
    assertEquals(expiry.plus(Duration.ofHours(24)), warnings("pr-w").get(2).expiresAt());
  }

  @Test
  void aWarningThatCouldNotBeAnnounced_isSentByTheNextRun() {
    ephemeral("pr-f", Duration.ofMinutes(30), false);
    events.failFromNowOn(true);
    assertThrows(RuntimeException.class, () -> reap(NOW));
    events.failFromNowOn(false);

    assertEquals(List.of(Duration.ofHours(1)), leads(reap(NOW.plusSeconds(60))));
    assertEquals(1, warnings("pr-f").size());
  }

  @Test
  void aWarningIsRecordedOnTheEnvironment_onceForItsExpiry() {
    ephemeral("pr-c", Duration.ofHours(2), false);
    Instant expiry = NOW.plus(Duration.ofHours(2));

    assertInstanceOf(
        WriteResult.Written.class, registry.claimExpiryWarning(app, "pr-c", expiry, "PT1H@x"));
    assertInstanceOf(
        WriteResult.AlreadyExists.class,
        registry.claimExpiryWarning(app, "pr-c", expiry, "PT1H@x"));
    assertInstanceOf(
        WriteResult.ChangedSinceRead.class,
        registry.claimExpiryWarning(app, "pr-c", expiry.plusSeconds(1), "PT24H@y"));
    assertInstanceOf(
        WriteResult.Missing.class, registry.claimExpiryWarning(app, "pr-gone", expiry, "PT1H@x"));
    // Another write of the environment keeps what was sent; a claim about the old expiry is stale.
    assertInstanceOf(
        Outcome.Accepted.class,
        rules.extendEnvironment(
            OWNER, app, "pr-c", Optional.of(expiry.plusSeconds(60)), Optional.empty(), NOW));
    assertInstanceOf(
        WriteResult.ChangedSinceRead.class,
        registry.claimExpiryWarning(app, "pr-c", expiry, "PT24H@y"));
    assertInstanceOf(
        WriteResult.AlreadyExists.class,
        registry.claimExpiryWarning(app, "pr-c", expiry.plusSeconds(60), "PT1H@x"));
    registry.releaseExpiryWarning(app, "pr-c", "PT1H@x");
    assertInstanceOf(
        WriteResult.Written.class,
        registry.claimExpiryWarning(app, "pr-c", expiry.plusSeconds(60), "PT1H@x"));
  }

  @Test
  void anExpiredEnvironment_isAnnouncedOncePerDestroy_andItsDestroyAnnouncesEnvironmentDestroyed() {
    ephemeral("pr-x", Duration.ofHours(1), false);
    Saved<Deployment> first = ((Outcome.Accepted<Saved<Deployment>>) deploy("pr-x", NOW)).value();
    run(new LocalProvisioner(LocalDynamoDb.client()), NOW)
        .run(app, first.value().id(), () -> Duration.ofMinutes(5));

    Deployment destroy = reap(LATER).destroying().get(0);
    reap(LATER.plusSeconds(60));
    List<EnvironmentExpired> expired =
        events.published().stream()
            .filter(EnvironmentExpired.class::isInstance)
            .map(EnvironmentExpired.class::cast)
            .toList();
    assertEquals(1, expired.size(), "a run that finds the destroy under way announces nothing");
    assertEquals(destroy.id(), expired.get(0).destroy().id());
    assertEquals(
        Optional.of(NOW.plus(Duration.ofHours(1))), expired.get(0).environment().expiresAt());

    run(new LocalProvisioner(LocalDynamoDb.client()), LATER)
        .run(app, destroy.id(), () -> Duration.ofMinutes(5));
    List<EnvironmentDestroyed> destroyed =
        events.published().stream()
            .filter(EnvironmentDestroyed.class::isInstance)
            .map(EnvironmentDestroyed.class::cast)
            .toList();
    assertEquals(1, destroyed.size());
    assertEquals(destroy.id(), destroyed.get(0).destroy().id());
    assertTrue(registry.findEnvironment(app, "pr-x").isEmpty());
  }
}
