package io.stagecoach.registry.dynamodb;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.registry.TemplatePinning;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.DnsSpec;
import io.stagecoach.domain.template.EnvironmentDns;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.StackResource;
import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
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

/**
 * Template revisions in the registry table: numbered from 1 when the app is registered, a new one
 * for each change of content and none for the same content, never overwritten, and the binding of a
 * release to one (also for releases and apps registered before revisions existed).
 */
class TemplateRevisionsOnDynamoDbTest {

  /** The orders template with its table renamed: another content, so another revision. */
  private static final String ORDERS_V2 = ORDERS_TEMPLATE.replace("\"orders\"", "\"orders-v2\"");

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

  private static AppSpec withTemplate(String name, EnvironmentTemplate template) {
    AppSpec usual = app(name);
    return new AppSpec(
        name,
        usual.description(),
        usual.pipeline(),
        usual.allowedEnvironments(),
        Optional.of(template),
        usual.concurrency());
  }

  private List<Integer> revisionNumbers(String app) {
    return accepted(service.listTemplateRevisions(app, PageRequest.first())).items().stream()
        .map(TemplateRevision::number)
        .toList();
  }

  private static ReleaseSpec release(String version) {
    return new ReleaseSpec(version, "s3://artifacts/" + version + ".zip", DIGEST, Optional.empty());
  }

  @Test
  void registeringAnApp_makesRevisionOne_pinningTheBodyCompacted_withItsSha256() {
    App app = accepted(service.createApp(ADMIN, app("payments"), NOW));

    TemplateRevision first = registry.findTemplateRevision("payments", 1).orElseThrow();
    assertEquals(Optional.of(first.ref()), app.templateRevision());
    assertEquals(
        Optional.of(first.ref()), registry.findApp("payments").orElseThrow().templateRevision());
    assertFalse(first.body().contains("\n"), "pinned as compact JSON: " + first.body());
    assertTrue(first.body().contains("\"TableName\":\"orders\""), first.body());
    assertEquals(TemplateRevision.digestOf(first.body()), first.digest());
    assertTrue(first.digest().matches("sha256:[0-9a-f]{64}"), first.digest());
    assertEquals("inline", first.source());
    assertEquals(ADMIN.name(), first.createdBy());
    assertEquals(NOW, first.createdAt());
    assertEquals(List.of(1), revisionNumbers("payments"));
  }

  @Test
  void changingTheTemplate_makesTheNextRevision_theSameContentAgain_none() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    // The same template, indented otherwise: the same content, the same revision.
    String reindented = ORDERS_TEMPLATE.replace("\n", "\n    ");
    Saved<App> same =
        accepted(
            service.putApp(
                ADMIN,
                withTemplate("payments", EnvironmentTemplate.inline(reindented)),
                Optional.empty(),
                NOW.plusSeconds(60)));
    assertEquals(1, same.value().templateRevision().orElseThrow().number());
    assertEquals(List.of(1), revisionNumbers("payments"));

    Saved<App> changed =
        accepted(
            service.putApp(
                ADMIN,
                withTemplate("payments", EnvironmentTemplate.inline(ORDERS_V2)),
                Optional.empty(),
                NOW.plusSeconds(120)));
    assertEquals(2, changed.value().templateRevision().orElseThrow().number());
    assertEquals(List.of(2, 1), revisionNumbers("payments"), "newest first");
    assertNotEquals(
        registry.findTemplateRevision("payments", 1).orElseThrow().digest(),
        registry.findTemplateRevision("payments", 2).orElseThrow().digest());
    assertTrue(
        registry.findTemplateRevision("payments", 1).orElseThrow().body().contains("\"orders\""),
        "revision 1 keeps its content");

    // Back to the first content: a change again, so revision 3 (revisions only go forward).
    Saved<App> back =
        accepted(
            service.putApp(
                ADMIN,
                withTemplate("payments", EnvironmentTemplate.inline(ORDERS_TEMPLATE)),
                Optional.empty(),
                NOW.plusSeconds(180)));
    assertEquals(3, back.value().templateRevision().orElseThrow().number());
    assertEquals(
        registry.findTemplateRevision("payments", 1).orElseThrow().digest(),
        registry.findTemplateRevision("payments", 3).orElseThrow().digest());
  }

  @Test
  void revisions_arePaginatedNewestFirst_andACursorOfAnotherListingIsRefused() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    for (int i = 2; i <= 3; i++) {
      accepted(
          service.putApp(
              ADMIN,
              withTemplate(
                  "payments",
                  EnvironmentTemplate.inline(
                      ORDERS_TEMPLATE.replace("\"orders\"", "\"o" + i + "\""))),
              Optional.empty(),
              NOW.plusSeconds(i)));
    }
    Page<TemplateRevision> first =
        accepted(service.listTemplateRevisions("payments", new PageRequest(Optional.empty(), 2)));
    assertEquals(List.of(3, 2), first.items().stream().map(TemplateRevision::number).toList());
    Page<TemplateRevision> second =
        accepted(service.listTemplateRevisions("payments", new PageRequest(first.nextCursor(), 2)));
    assertEquals(List.of(1), second.items().stream().map(TemplateRevision::number).toList());

    accepted(service.createApp(ADMIN, app("orders"), NOW));
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        rejected(service.listTemplateRevisions("orders", new PageRequest(first.nextCursor(), 2)))
            .code(),
        "a cursor of payments' revisions does not read orders' partition");
    assertEquals(
        Rejection.Code.NOT_FOUND,
        rejected(service.listTemplateRevisions("nope", PageRequest.first())).code());
    assertEquals(
        Rejection.Code.NOT_FOUND, rejected(service.getTemplateRevision("payments", 9)).code());
  }

  @Test
  void aRevision_isNeverOverwritten_aSecondWriterOfTheSameNumberLoses() {
    App app = accepted(service.createApp(ADMIN, app("payments"), NOW));
    TemplateRevision mine =
        TemplateRevision.of(
            "payments", 2, ORDERS_V2, Optional.empty(), Optional.empty(), NOW, "alice");
    TemplateRevision theirs =
        TemplateRevision.of(
            "payments", 2, "{\"Resources\":{}}", Optional.empty(), Optional.empty(), NOW, "bob");

    assertInstanceOf(
        WriteResult.Written.class,
        registry.replaceApp(app.withTemplateRevision(mine.ref()), 1, Optional.of(mine)));
    // Another writer of the same number (its app condition holds: only the number is taken):
    // refused whole, the revision and the app untouched.
    assertInstanceOf(
        WriteResult.ChangedSinceRead.class,
        registry.replaceApp(app.withTemplateRevision(theirs.ref()), 1, Optional.of(theirs)));
    assertEquals(
        mine.digest(), registry.findTemplateRevision("payments", 2).orElseThrow().digest());
    assertEquals(
        Optional.of(mine.ref()), registry.findApp("payments").orElseThrow().templateRevision());
  }

  @Test
  void concurrentTemplateChanges_numberTheirRevisionsWithoutGapsOrDuplicates() throws Exception {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Outcome<Saved<App>>>> writers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String body = ORDERS_TEMPLATE.replace("\"orders\"", "\"w" + i + "\"");
        writers.add(
            () ->
                service.putApp(
                    ADMIN,
                    withTemplate("payments", EnvironmentTemplate.inline(body)),
                    Optional.empty(),
                    NOW.plusSeconds(5)));
      }
      int written = 0;
      for (Future<Outcome<Saved<App>>> f : pool.invokeAll(writers)) {
        if (f.get() instanceof Outcome.Accepted<?>) {
          written++;
        } else {
          assertEquals(Rejection.Code.CONFLICT, rejected(f.get()).code());
        }
      }
      List<Integer> numbers = new ArrayList<>(revisionNumbers("payments"));
      assertEquals(written + 1, numbers.size(), "one revision per accepted write: " + numbers);
      for (int i = 0; i < numbers.size(); i++) {
        assertEquals(numbers.size() - i, numbers.get(i), "numbered 1..n: " + numbers);
      }
      assertEquals(
          numbers.get(0),
          registry.findApp("payments").orElseThrow().templateRevision().orElseThrow().number());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRelease_bindsToTheCurrentRevision_orTheOneItNames_andAMissingOneStoresNothing() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    Release r1 = accepted(service.registerRelease(ADMIN, "payments", release("1.0"), NOW)).value();
    assertEquals(Optional.of(1), r1.templateRevision());
    accepted(
        service.putApp(
            ADMIN,
            withTemplate("payments", EnvironmentTemplate.inline(ORDERS_V2)),
            Optional.empty(),
            NOW));
    Release r2 = accepted(service.registerRelease(ADMIN, "payments", release("2.0"), NOW)).value();
    assertEquals(Optional.of(2), r2.templateRevision());
    Release hotfix =
        accepted(
                service.registerRelease(
                    ADMIN,
                    "payments",
                    new ReleaseSpec(
                        "1.0.1",
                        "s3://artifacts/1.0.1.zip",
                        DIGEST,
                        Optional.empty(),
                        Optional.of(1)),
                    NOW))
            .value();
    assertEquals(Optional.of(1), hotfix.templateRevision());
    assertEquals(
        Optional.of(1), registry.findRelease("payments", "1.0").orElseThrow().templateRevision());

    Rejection missing =
        rejected(
            service.registerRelease(
                ADMIN,
                "payments",
                new ReleaseSpec(
                    "3.0", "s3://artifacts/3.0.zip", DIGEST, Optional.empty(), Optional.of(7)),
                NOW));
    assertEquals(Rejection.Code.VALIDATION_FAILED, missing.code());
    assertEquals(
        List.of("templateRevision"), missing.errors().stream().map(FieldError::field).toList());
    assertTrue(missing.detail().contains("1 to 2"), missing.detail());
    assertTrue(registry.findRelease("payments", "3.0").isEmpty(), "nothing stored");

    // The same release again is the same release; naming another revision for it is a conflict.
    assertFalse(
        accepted(service.registerRelease(ADMIN, "payments", release("1.0"), NOW)).created());
    assertEquals(
        Rejection.Code.CONFLICT,
        rejected(
                service.registerRelease(
                    ADMIN,
                    "payments",
                    new ReleaseSpec(
                        "1.0", "s3://artifacts/1.0.zip", DIGEST, Optional.empty(), Optional.of(2)),
                    NOW))
            .code());
  }

  @Test
  void aReleaseAndAnAppFromBeforeRevisions_arePinnedAtFirstUse_toTheTemplateOfThatTime_once() {
    // Written as an earlier Stagecoach wrote them: an app with an inline template, no revision.
    App legacy =
        new App(
            "payments",
            "",
            app("payments").pipeline(),
            java.util.Set.of(),
            Optional.of(EnvironmentTemplate.inline(ORDERS_TEMPLATE)),
            io.stagecoach.domain.pipeline.PromotionConcurrency.SUPERSEDE,
            NOW,
            "alice",
            NOW,
            1);
    assertInstanceOf(WriteResult.Written.class, registry.createApp(legacy));
    assertInstanceOf(
        WriteResult.Written.class,
        registry.createRelease(
            Release.registered(
                "payments", "0.9", "s3://a/0.9.zip", DIGEST, Optional.empty(), NOW, "alice")));
    assertTrue(registry.findTemplateRevision("payments", 1).isEmpty());

    TemplatePinning pinning = new TemplatePinning(registry, TemplateSource.NONE);
    Release old = registry.findRelease("payments", "0.9").orElseThrow();
    TemplateRevision pinned = accepted(pinning.forRelease(legacy, old, NOW.plusSeconds(1)));
    assertEquals(1, pinned.number());
    assertEquals(
        Optional.of(1), registry.findRelease("payments", "0.9").orElseThrow().templateRevision());
    assertEquals(
        Optional.of(pinned.ref()), registry.findApp("payments").orElseThrow().templateRevision());

    // A later template change leaves the old release on what it was pinned to.
    accepted(
        service.putApp(
            ADMIN,
            withTemplate("payments", EnvironmentTemplate.inline(ORDERS_V2)),
            Optional.empty(),
            NOW.plusSeconds(2)));
    App now = registry.findApp("payments").orElseThrow();
    assertEquals(2, now.templateRevision().orElseThrow().number());
    assertEquals(
        1,
        accepted(pinning.forRelease(now, old, NOW.plusSeconds(3))).number(),
        "the release read before it was bound: the binding in the table holds");
  }

  @Test
  void aTemplateAtAUrl_isReadOncePinnedByContent_andAnUnreadableOneStoresNothing() {
    Map<String, String> objects = new java.util.HashMap<>();
    objects.put("s3://templates/payments.json", ORDERS_TEMPLATE);
    TemplateSource s3 =
        url ->
            objects.containsKey(url)
                ? new TemplateSource.Read.Found(objects.get(url), Optional.of("v1"))
                : new TemplateSource.Read.Unreadable("there is no object at " + url);
    RegistryService withS3 = new RegistryService(registry, s3);
    EnvironmentTemplate at = EnvironmentTemplate.at("s3://templates/payments.json");

    accepted(withS3.createApp(ADMIN, withTemplate("payments", at), NOW));
    TemplateRevision first = registry.findTemplateRevision("payments", 1).orElseThrow();
    assertEquals(ORDERS_TEMPLATE, first.body(), "the object's content, as read");
    assertEquals("s3://templates/payments.json", first.source());
    assertEquals(Optional.of("v1"), first.sourceVersion());
    assertEquals(EnvironmentTemplate.inline(ORDERS_TEMPLATE), first.template());

    // The object changes behind the URL: revision 1 keeps what was read; the next PUT pins anew.
    objects.put("s3://templates/payments.json", ORDERS_V2);
    assertEquals(
        ORDERS_TEMPLATE, registry.findTemplateRevision("payments", 1).orElseThrow().body());
    accepted(withS3.putApp(ADMIN, withTemplate("payments", at), Optional.empty(), NOW));
    assertEquals(ORDERS_V2, registry.findTemplateRevision("payments", 2).orElseThrow().body());

    Rejection unreadable =
        rejected(
            withS3.createApp(
                ADMIN,
                withTemplate("orders", EnvironmentTemplate.at("s3://templates/missing.json")),
                NOW));
    assertEquals(Rejection.Code.VALIDATION_FAILED, unreadable.code());
    assertEquals("template.url", unreadable.errors().get(0).field());
    assertTrue(registry.findApp("orders").isEmpty(), "nothing stored");

    // Past CloudFormation's inline limit, only an object version can pin it.
    String large =
        ORDERS_TEMPLATE.replace(
            "\"Outputs\"", "\"Metadata\": {\"pad\": \"" + "x".repeat(60_000) + "\"}, \"Outputs\"");
    objects.put("s3://templates/large.json", large);
    TemplateSource unversioned =
        url -> new TemplateSource.Read.Found(objects.get(url), Optional.empty());
    Rejection tooLarge =
        rejected(
            new RegistryService(registry, unversioned)
                .createApp(
                    ADMIN,
                    withTemplate("large", EnvironmentTemplate.at("s3://templates/large.json")),
                    NOW));
    assertTrue(tooLarge.detail().contains("versioning"), tooLarge.detail());
    accepted(
        withS3.createApp(
            ADMIN,
            withTemplate("large", EnvironmentTemplate.at("s3://templates/large.json")),
            NOW));
    assertEquals(
        EnvironmentTemplate.at("s3://templates/large.json?versionId=v1"),
        registry.findTemplateRevision("large", 1).orElseThrow().template(),
        "provisioners get the pinned object version, never the object as it is now");
    assertEquals(large, registry.findTemplateRevision("large", 1).orElseThrow().body());
  }

  @Test
  void aRegistryWithoutATemplateSource_refusesTemplatesAtAUrl() {
    Rejection refused =
        rejected(
            service.createApp(
                ADMIN, withTemplate("payments", EnvironmentTemplate.at("s3://t/p.json")), NOW));
    assertEquals("template.url", refused.errors().get(0).field());
    assertTrue(registry.findApp("payments").isEmpty());
  }

  @Test
  void anEnvironmentsDns_isStored_shownBack_andGoneWhenAPutLeavesItOut() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    EnvironmentSpec usual = pipelineEnvironment("dev");
    EnvironmentSpec withDns =
        new EnvironmentSpec(
            usual.kind(),
            usual.tier(),
            usual.account(),
            usual.region(),
            usual.config(),
            usual.secrets(),
            usual.usage(),
            usual.isProtected(),
            usual.owner(),
            usual.expiresAt(),
            usual.leftOut(),
            Optional.of(
                new DnsSpec(
                    Optional.of("API.Payments.example.com"),
                    Optional.of("Z0123456789ABCDEFGHIJ"),
                    Optional.of(
                        "arn:aws:acm:eu-west-1:123456789012:certificate/"
                            + "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"),
                    Optional.empty())));
    accepted(service.putEnvironment(ADMIN, "payments", "dev", withDns, Optional.empty(), NOW));
    EnvironmentDns dns =
        registry.findEnvironment("payments", "dev").orElseThrow().dns().orElseThrow();
    assertEquals("api.payments.example.com", dns.hostname());
    assertEquals(Optional.of("Z0123456789ABCDEFGHIJ"), dns.hostedZoneId());
    assertEquals(EnvironmentDns.EndpointType.REGIONAL, dns.endpointType());

    accepted(service.putEnvironment(ADMIN, "payments", "dev", usual, Optional.empty(), NOW));
    assertTrue(registry.findEnvironment("payments", "dev").orElseThrow().dns().isEmpty());

    EnvironmentSpec badDns =
        new EnvironmentSpec(
            usual.kind(),
            usual.tier(),
            usual.account(),
            usual.region(),
            usual.config(),
            usual.secrets(),
            usual.usage(),
            usual.isProtected(),
            usual.owner(),
            usual.expiresAt(),
            usual.leftOut(),
            Optional.of(
                new DnsSpec(
                    Optional.of("api..example.com"),
                    Optional.of("z-lowercase"),
                    Optional.empty(),
                    Optional.empty())));
    Rejection refused =
        rejected(service.putEnvironment(ADMIN, "payments", "qa", badDns, Optional.empty(), NOW));
    assertEquals(
        List.of("dns.hostname", "dns.hostedZoneId"),
        refused.errors().stream().map(FieldError::field).toList());
    assertTrue(registry.findEnvironment("payments", "qa").isEmpty(), "nothing stored");
  }

  @Test
  void aFinishedDeployment_leavesOnItsEnvironment_itsRevisionRequesterOutputsAndResources() {
    accepted(service.createApp(ADMIN, app("payments"), NOW));
    accepted(
        service.putEnvironment(
            ADMIN, "payments", "dev", pipelineEnvironment("dev"), Optional.empty(), NOW));
    Deployments deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    Deployment requested =
        new Deployment(
                "d-0123456789ab",
                "payments",
                "dev",
                Tier.DEV,
                DeploymentAction.DEPLOY,
                Optional.of("1.0"),
                Optional.of(DIGEST),
                DeploymentStatus.REQUESTED,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                "ci-bot",
                Deployment.ORIGIN_API,
                "hash",
                0,
                NOW,
                Optional.empty(),
                Optional.empty())
            .withTemplateRevision(1);
    assertInstanceOf(WriteResult.Written.class, deployments.createDeployment(requested));
    Deployment running =
        ((Deployments.Claim.Claimed)
                deployments.claim(requested, NOW, NOW.plus(Duration.ofMinutes(15))))
            .provisioning();
    Map<String, String> outputs = Map.of("OrdersTable", "payments-dev-orders");
    List<StackResource> resources =
        List.of(
            new StackResource("Orders", "AWS::DynamoDB::Table", Optional.of("payments-dev-orders")),
            new StackResource("Queue", "AWS::SQS::Queue", Optional.empty()));
    assertInstanceOf(
        WriteResult.Written.class,
        deployments
            .finish(
                running.succeeded(Plan.NOTHING, outputs, NOW.plusSeconds(3)),
                Optional.of(
                    new DeployedRelease(
                        "1.0",
                        DIGEST,
                        running.id(),
                        running.order(),
                        NOW.plusSeconds(3),
                        Optional.of(1),
                        Optional.of("ci-bot"),
                        outputs,
                        resources)))
            .written());

    DeployedRelease deployed =
        registry.findEnvironment("payments", "dev").orElseThrow().deployed().orElseThrow();
    assertEquals(Optional.of(1), deployed.templateRevision());
    assertEquals(Optional.of("ci-bot"), deployed.requestedBy());
    assertEquals(outputs, deployed.outputs());
    assertEquals(resources, deployed.resources());
    assertEquals(
        Optional.of(1),
        deployments.findDeployment("payments", running.id()).orElseThrow().templateRevision());
  }
}
