package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.access.IssuedToken;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.access.TokenSpec;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DynamoDbRegistryTest {

  private DynamoDbRegistry registry;
  private RegistryService service;
  private String table;

  @BeforeEach
  void freshTable() {
    table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    service = new RegistryService(registry);
  }

  private static <T> T accepted(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Accepted<T> a) {
      return a.value();
    }
    fail("expected acceptance, got " + outcome);
    return null;
  }

  private static Rejection rejected(Outcome<?> outcome) {
    if (outcome instanceof Outcome.Rejected<?> r) {
      return r.rejection();
    }
    fail("expected a rejection, got " + outcome);
    return null;
  }

  private long itemCount() {
    return LocalDynamoDb.client().scan(s -> s.tableName(table)).count();
  }

  @Test
  void createdApp_isReadBackWithItsPipelineInOrder() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    App app = registry.findApp("payments").orElseThrow();
    assertEquals(List.of("dev", "staging", "prod"), app.stageNames());
    assertEquals(1, app.revision());
    assertEquals("alice@example.com", app.createdBy());
    assertTrue(app.allowsSharedEnvironment("qa"));
  }

  @Test
  void createApp_isAConflict_whenTheNameIsTaken_andTheFirstAppIsKept() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    AppSpec other =
        new AppSpec(
            "payments", Optional.of("impostor"), List.of("dev"), List.of(), Optional.empty());
    assertEquals(Rejection.Code.CONFLICT, rejected(service.createApp(ADMIN, other, NOW)).code());
    assertEquals("the payments service", registry.findApp("payments").orElseThrow().description());
  }

  @Test
  void putApp_replacesTheDefinition_andBumpsTheRevision() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    AppSpec changed =
        new AppSpec(
            "payments", Optional.empty(), List.of("dev", "prod"), List.of(), Optional.empty());
    Saved<App> saved =
        accepted(service.putApp(ADMIN, changed, Optional.of(1L), NOW.plusSeconds(5)));
    assertFalse(saved.created());
    App app = registry.findApp("payments").orElseThrow();
    assertEquals(List.of("dev", "prod"), app.stageNames());
    assertEquals(2, app.revision());
    assertEquals(NOW, app.createdAt());
  }

  @Test
  void putApp_withAStaleRevision_isAConflict_andChangesNothing() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    AppSpec changed =
        new AppSpec("payments", Optional.empty(), List.of("dev"), List.of(), Optional.empty());
    assertEquals(
        Rejection.Code.CONFLICT,
        rejected(service.putApp(ADMIN, changed, Optional.of(7L), NOW)).code());
    assertEquals(
        List.of("dev", "staging", "prod"), registry.findApp("payments").orElseThrow().stageNames());
  }

  @Test
  void replaceApp_afterAConcurrentChange_reportsChangedSinceRead() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    App read = registry.findApp("payments").orElseThrow();
    App first =
        new App(
            read.name(),
            "first",
            read.pipeline(),
            read.allowedEnvironments(),
            read.template(),
            read.concurrency(),
            read.createdAt(),
            read.createdBy(),
            NOW,
            2);
    assertInstanceOf(WriteResult.Written.class, registry.replaceApp(first, 1));
    assertInstanceOf(WriteResult.ChangedSinceRead.class, registry.replaceApp(first, 1));
    assertInstanceOf(
        WriteResult.Missing.class,
        registry.replaceApp(
            new App(
                "ghost",
                "",
                read.pipeline(),
                read.allowedEnvironments(),
                Optional.empty(),
                io.stagecoach.domain.pipeline.PromotionConcurrency.SUPERSEDE,
                NOW,
                "x",
                NOW,
                2),
            1));
  }

  private static AppSpec builtFrom(String app, String repository) {
    AppSpec spec = app(app);
    return new AppSpec(
        spec.name(),
        spec.description(),
        spec.pipeline(),
        spec.allowedEnvironments(),
        spec.template(),
        spec.concurrency(),
        Optional.of(
            new RepositoryMapping(
                app,
                repository,
                List.of(
                    BranchRule.pipeline("main"),
                    new BranchRule(
                        "feature/*",
                        new BranchRule.Ephemeral(
                            Duration.ofHours(72), BranchRule.VersionFrom.SHORT_COMMIT))),
                Optional.of("s3://artifacts/{repository}/{commit}.zip"))));
  }

  private List<String> appsBuiltFrom(String repository) {
    return accepted(
            registry.listAppsByRepository(repository, new PageRequest(Optional.empty(), 10)))
        .items()
        .stream()
        .map(App::name)
        .toList();
  }

  @Test
  void repositoryMapping_isReadBackWithTheApp_rulesInOrder() {
    accepted(service.createApp(ADMIN, builtFrom("payments", "payments-service"), NOW));
    assertEquals(
        builtFrom("payments", "payments-service").repository(),
        registry.findApp("payments").orElseThrow().repository());
    assertEquals(
        Optional.empty(), accepted(service.createApp(ADMIN, app("orders"), NOW)).repository());
  }

  @Test
  void appsBuiltFromARepository_areFoundThroughTheIndex_onlyThose_andFollowTheirApp() {
    accepted(service.createApp(ADMIN, builtFrom("payments", "payments-service"), NOW));
    accepted(service.createApp(ADMIN, builtFrom("ledger", "payments-service"), NOW));
    accepted(service.createApp(ADMIN, builtFrom("orders", "orders-service"), NOW));
    accepted(service.createApp(ADMIN, app("plain"), NOW));

    assertEquals(List.of("ledger", "payments"), appsBuiltFrom("payments-service"));
    assertEquals(List.of("orders"), appsBuiltFrom("orders-service"));
    assertEquals(
        List.of(),
        appsBuiltFrom("Payments-Service"),
        "CodeCommit repository names are case-sensitive");

    accepted(service.putApp(ADMIN, builtFrom("orders", "payments-service"), Optional.empty(), NOW));
    accepted(service.putApp(ADMIN, app("ledger"), Optional.empty(), NOW));
    assertEquals(List.of("orders", "payments"), appsBuiltFrom("payments-service"));
    assertEquals(
        List.of(), appsBuiltFrom("orders-service"), "the index entry moved with the mapping");
    assertEquals(
        Optional.empty(),
        registry.findApp("ledger").orElseThrow().repository(),
        "and went with it");
    var ledgerItem =
        LocalDynamoDb.client()
            .getItem(
                g ->
                    g.tableName(table)
                        .key(
                            Map.of(
                                "pk",
                                    software.amazon.awssdk.services.dynamodb.model.AttributeValue
                                        .fromS("APP#ledger"),
                                "sk",
                                    software.amazon.awssdk.services.dynamodb.model.AttributeValue
                                        .fromS("#APP"))))
            .item();
    assertFalse(
        ledgerItem.containsKey("gsi2pk") || ledgerItem.containsKey("repository"),
        ledgerItem.toString());
  }

  @Test
  void environments_areListedInNameOrder_acrossPages() {
    accepted(
        service.createApp(
            ADMIN,
            new AppSpec(
                "payments",
                Optional.empty(),
                List.of("dev", "staging", "prod"),
                List.of("qa", "perf"),
                Optional.empty()),
            NOW));
    for (String env : List.of("prod", "dev", "qa", "staging", "perf")) {
      accepted(
          service.putEnvironment(
              ADMIN, "payments", env, pipelineEnvironment("dev"), Optional.empty(), NOW));
    }
    List<String> names = new ArrayList<>();
    PageRequest request = new PageRequest(Optional.empty(), 2);
    int pages = 0;
    while (true) {
      Page<Environment> page = accepted(service.listEnvironments("payments", request));
      page.items().forEach(e -> names.add(e.name()));
      pages++;
      if (page.nextCursor().isEmpty()) {
        break;
      }
      request = new PageRequest(page.nextCursor(), 2);
    }
    assertEquals(List.of("dev", "perf", "prod", "qa", "staging"), names);
    assertTrue(pages >= 3);
  }

  @Test
  void cursor_fromAnotherAppsListing_isRefused() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    accepted(service.createApp(ADMIN, app("billing"), NOW));
    for (String env : List.of("dev", "staging")) {
      accepted(
          service.putEnvironment(
              ADMIN, "payments", env, pipelineEnvironment("dev"), Optional.empty(), NOW));
    }
    String cursor =
        accepted(service.listEnvironments("payments", new PageRequest(Optional.empty(), 1)))
            .nextCursor()
            .orElseThrow();
    Rejection r =
        rejected(service.listEnvironments("billing", new PageRequest(Optional.of(cursor), 1)));
    assertEquals(Rejection.Code.VALIDATION_FAILED, r.code());
    assertEquals("cursor", r.errors().get(0).field());
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        rejected(
                service.listEnvironments("payments", new PageRequest(Optional.of("not!base64"), 1)))
            .code());
  }

  @Test
  void appAndEnvironment_areReadTogether_eachPresentOnlyWhenItExists() {
    assertTrue(registry.findAppAndEnvironment("payments", "dev").app().isEmpty());
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    var appOnly = registry.findAppAndEnvironment("payments", "dev");
    assertEquals("payments", appOnly.app().orElseThrow().name());
    assertTrue(appOnly.environment().isEmpty());
    accepted(
        service.putEnvironment(
            ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    var both = registry.findAppAndEnvironment("payments", "dev");
    assertEquals("dev", both.environment().orElseThrow().name());
    assertEquals(registry.findEnvironment("payments", "dev"), both.environment());
  }

  @Test
  void whatADeployIsDecidedFrom_isReadTogether_eachPresentOnlyWhenItExists() {
    var none = registry.findForDeploy("payments", "dev", "1.4.2", Optional.of(1));
    assertEquals(
        new io.stagecoach.domain.registry.Registry.DeployReads(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
        none);
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    accepted(
        service.putEnvironment(
            ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    var noRelease = registry.findForDeploy("payments", "dev", "1.4.2", Optional.of(1));
    assertEquals(registry.findApp("payments"), noRelease.app());
    assertEquals(registry.findEnvironment("payments", "dev"), noRelease.environment());
    assertTrue(noRelease.release().isEmpty());
    assertEquals(registry.findTemplateRevision("payments", 1), noRelease.templateRevision());
    assertTrue(noRelease.templateRevision().isPresent(), "the app's first revision");

    accepted(service.registerRelease(ADMIN, "payments", release("1.4.2"), NOW));
    var all = registry.findForDeploy("payments", "dev", "1.4.2", Optional.of(1));
    assertEquals(registry.findRelease("payments", "1.4.2"), all.release());
    assertEquals(Optional.of(1), all.release().orElseThrow().templateRevision());
    assertEquals("dev", all.environment().orElseThrow().name());
    assertTrue(
        registry
            .findForDeploy("payments", "dev", "1.4.2", Optional.of(7))
            .templateRevision()
            .isEmpty(),
        "a revision the app does not have");
    var noRevisionAsked = registry.findForDeploy("payments", "staging", "1.4.2", Optional.empty());
    assertTrue(noRevisionAsked.templateRevision().isEmpty());
    assertTrue(noRevisionAsked.environment().isEmpty());
    assertEquals(all.release(), noRevisionAsked.release());
  }

  @Test
  void environment_forAnUnknownApp_isNotFound_andNothingIsWritten() {
    long before = itemCount();
    Rejection r =
        rejected(
            service.putEnvironment(
                ADMIN, "ghost", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    assertEquals(Rejection.Code.NOT_FOUND, r.code());
    assertEquals(before, itemCount());
  }

  @Test
  void createEnvironment_whoseAppVanished_isMissing_andTheEnvironmentIsNotWritten() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    Environment env =
        accepted(
                service.putEnvironment(
                    ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW))
            .value();
    Environment orphan =
        new Environment(
            "gone",
            "dev",
            env.kind(),
            env.tier(),
            env.account(),
            env.region(),
            env.config(),
            env.secrets(),
            false,
            "x",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            NOW,
            "x",
            NOW,
            1);
    assertInstanceOf(WriteResult.Missing.class, registry.createEnvironment(orphan));
    assertTrue(registry.findEnvironment("gone", "dev").isEmpty());
  }

  @Test
  void prodEnvironment_isProtectedByDefault_andKeepsSecretsAsReferences() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    Environment prod =
        accepted(
                service.putEnvironment(
                    ADMIN, "payments", "prod", pipelineEnvironment("prod"), Optional.empty(), NOW))
            .value();
    assertTrue(prod.isProtected());
    Environment read = registry.findEnvironment("payments", "prod").orElseThrow();
    assertEquals(prod, read);
    assertEquals(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf",
        read.secrets().get("DB_PASSWORD").reference());
  }

  @Test
  void deleteApp_isRefused_whileItHasEnvironments_andAllowedAfter() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    accepted(
        service.putEnvironment(
            ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    accepted(service.registerRelease(ADMIN, "payments", release("1.0.0"), NOW));
    assertEquals(
        Rejection.Code.CONFLICT, rejected(service.deleteApp("payments", Optional.empty())).code());
    assertTrue(registry.findApp("payments").isPresent());

    accepted(service.deleteEnvironment("payments", "dev", Optional.of("dev"), Optional.empty()));
    accepted(service.deleteApp("payments", Optional.empty()));
    assertTrue(registry.findApp("payments").isEmpty());
    assertTrue(registry.findRelease("payments", "1.0.0").isEmpty(), "releases go with their app");
    assertEquals(0, itemCount());
  }

  @Test
  void deleteSharedEnvironment_needsConfirmation_andProtectedOnesAreRefused() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    accepted(
        service.putEnvironment(
            ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    accepted(
        service.putEnvironment(
            ADMIN, "payments", "prod", pipelineEnvironment("prod"), Optional.empty(), NOW));
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        rejected(service.deleteEnvironment("payments", "dev", Optional.empty(), Optional.empty()))
            .code());
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        rejected(
                service.deleteEnvironment("payments", "dev", Optional.of("prod"), Optional.empty()))
            .code());
    assertEquals(
        Rejection.Code.PROTECTED,
        rejected(
                service.deleteEnvironment(
                    "payments", "prod", Optional.of("prod"), Optional.empty()))
            .code());
    assertEquals(
        2, accepted(service.listEnvironments("payments", PageRequest.first())).items().size());
  }

  @Test
  void release_isImmutable_sameArtifactIsIdempotent_otherDigestIsAConflict() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    assertTrue(
        accepted(service.registerRelease(ADMIN, "payments", release("1.4.2"), NOW)).created());
    Saved<Release> again =
        accepted(
            service.registerRelease(DEPLOYER, "payments", release("1.4.2"), NOW.plusSeconds(9)));
    assertFalse(again.created());
    assertEquals("alice@example.com", again.value().createdBy(), "the first registration is kept");

    ReleaseSpec otherBytes =
        new ReleaseSpec(
            "1.4.2",
            "s3://artifacts/payments/1.4.2.zip",
            "sha256:" + "cd".repeat(32),
            Optional.of("0123abc"));
    assertEquals(
        Rejection.Code.CONFLICT,
        rejected(service.registerRelease(ADMIN, "payments", otherBytes, NOW)).code());
    assertEquals(DIGEST, registry.findRelease("payments", "1.4.2").orElseThrow().digest());
  }

  @Test
  void releases_areListedNewestFirst() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    for (int i = 1; i <= 3; i++) {
      accepted(service.registerRelease(ADMIN, "payments", release("1.0." + i), NOW.plusSeconds(i)));
    }
    List<String> versions =
        accepted(service.listReleases("payments", PageRequest.first())).items().stream()
            .map(Release::version)
            .toList();
    assertEquals(List.of("1.0.3", "1.0.2", "1.0.1"), versions);
  }

  @Test
  void token_isFoundByTheHashOfItsSecret_neverStoredInTheClear() {
    IssuedToken issued =
        accepted(
            service.issueToken(
                ADMIN,
                new TokenSpec("ci-bot", List.of("deployer"), Optional.of("CI"), Optional.of(30)),
                "t0k3n1d",
                "sc_secret-value",
                NOW));
    assertEquals("ci-bot", service.authenticate("sc_secret-value", NOW).orElseThrow().name());
    assertTrue(
        service.authenticate("sc_secret-value", NOW.plus(Duration.ofDays(31))).isEmpty(),
        "expired");
    assertTrue(service.authenticate("sc_other", NOW).isEmpty());
    String everything = LocalDynamoDb.client().scan(s -> s.tableName(table)).items().toString();
    assertFalse(everything.contains("sc_secret-value"));
    assertTrue(issued.token().roles().contains(Role.DEPLOYER));

    accepted(service.revokeToken("t0k3n1d"));
    assertTrue(service.authenticate("sc_secret-value", NOW).isEmpty());
    assertEquals(Rejection.Code.NOT_FOUND, rejected(service.revokeToken("t0k3n1d")).code());
  }

  @Test
  void concurrentCreatesOfOneEnvironment_haveExactlyOneWinner() throws Exception {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Outcome<Saved<Environment>>>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        EnvironmentSpec spec =
            new EnvironmentSpec(
                Optional.of("pipeline"),
                Optional.of("dev"),
                Optional.of("123456789012"),
                Optional.of("eu-west-1"),
                Map.of("WRITER", Integer.toString(i)),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        calls.add(
            () -> service.putEnvironment(ADMIN, "payments", "dev", spec, Optional.empty(), NOW));
      }
      int created = 0;
      for (Future<Outcome<Saved<Environment>>> f : pool.invokeAll(calls)) {
        if (f.get() instanceof Outcome.Accepted<Saved<Environment>> a && a.value().created()) {
          created++;
        }
      }
      assertEquals(1, created);
      Environment env = registry.findEnvironment("payments", "dev").orElseThrow();
      assertTrue(env.revision() >= 1);
      // The app counts exactly one environment, so deleting it frees the app.
      accepted(service.deleteEnvironment("payments", "dev", Optional.of("dev"), Optional.empty()));
      accepted(service.deleteApp("payments", Optional.empty()));
    } finally {
      pool.shutdownNow();
    }
  }
}
