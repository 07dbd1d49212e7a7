package io.stagecoach.functions.codecommit;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.audit.AuditQuery;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.push.PushService;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.EphemeralPolicy;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.ReleaseRegistered;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.functions.events.EventDetails;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.Conformance;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The push function driven by the CodeCommit events AWS documents ({@code
 * ../shared/conformance/codecommit}), against DynamoDB Local, with the bus and the workflow engine
 * recorded.
 */
class PushHandlerTest {

  private static final String MAIN = "0123456789abcdef0123456789abcdef01234567";
  private static final String ACCOUNT = "123456789012";

  private String table;
  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private DynamoDbPromotions promotions;
  private RecordingEventPublisher events;
  private RecordingRunner runner;
  private PushHandler handler;

  /** The workflow engine, recorded: each start it was asked for, or a failure to start. */
  static final class RecordingRunner implements PromotionRunner {
    final List<Promotion> started = new CopyOnWriteArrayList<>();
    volatile boolean unreachable;

    @Override
    public void start(Promotion promotion, App app) {
      if (unreachable) {
        throw new IllegalStateException("Step Functions is unreachable (test)");
      }
      started.add(promotion);
    }

    @Override
    public boolean succeed(String taskToken, String outputJson) {
      return false;
    }

    @Override
    public boolean fail(String taskToken, String error, String cause) {
      return false;
    }
  }

  @BeforeEach
  void registry() {
    table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    promotions = new DynamoDbPromotions(LocalDynamoDb.client(), table);
    events = new RecordingEventPublisher();
    runner = new RecordingRunner();
    DeploymentService deploymentService = new DeploymentService(registry, deployments, events);
    PromotionService promotionService =
        new PromotionService(registry, promotions, runner, deploymentService, events);
    handler =
        new PushHandler(
            new PushService(registry, deploymentService, promotionService, events),
            Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));

    // The repository of the recorded events: main goes through the pipeline, my* branches get
    // environments.
    registerApp(
        "demo",
        new RepositoryMapping(
            "demo",
            "MyDemoRepo",
            List.of(
                BranchRule.pipeline("main"), BranchRule.ephemeral("my*", Duration.ofHours(48)))));
  }

  private void registerApp(String name, RepositoryMapping mapping) {
    registerApp(name, mapping, EphemeralPolicy.DEFAULT);
  }

  private void registerApp(String name, RepositoryMapping mapping, EphemeralPolicy ephemeral) {
    RegistryService rules = new RegistryService(registry);
    AppSpec spec =
        new AppSpec(
            name,
            Optional.empty(),
            List.of(new Stage("dev"), new Stage("staging")),
            List.of(),
            Optional.of(EnvironmentTemplate.inline(Fixtures.ORDERS_TEMPLATE)),
            PromotionConcurrency.SUPERSEDE,
            Optional.of(mapping),
            ephemeral);
    assertInstanceOf(Outcome.Accepted.class, rules.createApp(Fixtures.ADMIN, spec, Fixtures.NOW));
    for (String stage : List.of("dev", "staging")) {
      assertInstanceOf(
          Outcome.Accepted.class,
          rules.putEnvironment(
              Fixtures.ADMIN,
              name,
              stage,
              new EnvironmentSpec(
                  Optional.of("pipeline"),
                  Optional.of(stage),
                  Optional.of(ACCOUNT),
                  Optional.of("eu-west-1"),
                  Map.of(),
                  Map.of(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty()),
              Optional.empty(),
              Fixtures.NOW));
    }
  }

  // ------------------------------------------------------------ the recorded events

  private static Map<String, ObjectNode> recordedEvents() throws IOException {
    Path folder = Conformance.folder("codecommit");
    Map<String, ObjectNode> recorded = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("codecommit-")).toList()) {
        recorded.put(
            file.getFileName().toString(),
            (ObjectNode) Json.parse(Files.readString(file)).get("event"));
      }
    }
    return recorded;
  }

  private static ObjectNode recorded(String name) throws IOException {
    return recordedEvents().get(name).deepCopy();
  }

  /**
   * The documented events with commit ids a real repository has: the documentation's are
   * placeholders ({@code 3e5983DESTINATION}), which the registry refuses as commits. Each
   * placeholder becomes 40 hex digits of its own SHA-256, so the same placeholder stays the same
   * commit across events.
   */
  private static ObjectNode withRealCommitIds(ObjectNode event) {
    ObjectNode detail = (ObjectNode) event.get("detail");
    for (String field :
        List.of(
            "commitId", "oldCommitId", "baseCommitId", "sourceCommitId", "destinationCommitId")) {
      if (detail.hasNonNull(field)) {
        detail.put(
            field,
            io.stagecoach.domain.registry.Secrets.hash(detail.get(field).asText())
                .substring(0, 40));
      }
    }
    return event;
  }

  private static String commitOf(ObjectNode event) {
    return event.path("detail").path("commitId").asText();
  }

  private JsonNode call(JsonNode event) throws IOException {
    return call(Json.write(event));
  }

  private JsonNode call(String event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.parse(out.toString(StandardCharsets.UTF_8));
  }

  private long itemCount() {
    return LocalDynamoDb.client().scan(s -> s.tableName(table)).count();
  }

  private List<Deployment> history(String environment) {
    Outcome<Page<Deployment>> page =
        deployments.history("demo", environment, new PageRequest(Optional.empty(), 50));
    return ((Outcome.Accepted<Page<Deployment>>) page).value().items();
  }

  @Test
  void everyRecordedEvent_asDocumented_isAnsweredWithoutThrowing_andChangesNothing()
      throws IOException {
    // The documentation's commit ids are placeholders: a push of one is refused, the rest is
    // ignored.
    Map<String, String> expected =
        Map.of(
            "codecommit-referenceCreated-branch.json", "refused",
            "codecommit-referenceUpdated-branch.json", "refused",
            "codecommit-referenceDeleted-branch.json", "ignored",
            "codecommit-unreferencedMergeCommitCreated.json", "ignored",
            "codecommit-referenceCreated-tag.json", "ignored");
    long before = itemCount();
    Map<String, ObjectNode> recorded = recordedEvents();
    assertEquals(expected.keySet(), recorded.keySet(), "every recorded event has an expectation");
    for (Map.Entry<String, ObjectNode> e : recorded.entrySet()) {
      JsonNode report = call(e.getValue());
      assertEquals(
          expected.get(e.getKey()), report.path("outcome").asText(), e.getKey() + ": " + report);
      assertEquals(
          e.getValue().path("id").asText(),
          report.path("eventId").asText(),
          "the log line names the event");
      if (report.path("outcome").asText().equals("refused")) {
        assertEquals("validation_failed", report.path("code").asText(), report.toString());
        assertTrue(report.path("detail").asText().startsWith("commit:"), report.toString());
      }
    }
    assertEquals(before, itemCount(), "nothing was written");
    assertEquals(List.of(), events.published());
  }

  @Test
  void branchCreated_onAnEphemeralBranch_registersTheCommit_createsTheEnvironment_andDeploysIt()
      throws IOException {
    ObjectNode created = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    String commit = commitOf(created);

    JsonNode report = call(created);

    assertEquals("done", report.path("outcome").asText(), report.toString());
    assertEquals("deployEphemeral", report.path("decision").asText());
    assertEquals(
        "codecommit", report.path("principal").asText(), "the documented events name no caller");
    Release release = registry.findRelease("demo", commit).orElseThrow();
    assertEquals(Optional.of(commit), release.commit());
    assertEquals(
        "https://git-codecommit.us-east-2.amazonaws.com/v1/repos/MyDemoRepo#" + commit,
        release.artifactUri());
    assertEquals(RepositoryMapping.commitDigest("MyDemoRepo", commit), release.digest());
    assertEquals("codecommit", release.createdBy());

    Environment env = registry.findEnvironment("demo", "mybranch").orElseThrow();
    assertEquals(EnvironmentKind.EPHEMERAL, env.kind());
    assertEquals(ACCOUNT, env.account(), "from the first stage");
    assertEquals("eu-west-1", env.region(), "from the first stage");
    assertEquals(Optional.of(Fixtures.NOW.plus(Duration.ofHours(48))), env.expiresAt());
    assertEquals("codecommit", env.owner());

    List<Deployment> deployed = history("mybranch");
    assertEquals(1, deployed.size());
    assertEquals(Optional.of(commit), deployed.get(0).version());
    assertEquals(Optional.of(release.digest()), deployed.get(0).digest());
    assertEquals("codecommit", deployed.get(0).requestedBy());
    assertEquals(
        List.of(ReleaseRegistered.class, DeploymentRequested.class),
        events.published().stream().map(Object::getClass).toList());
    try (var in = getClass().getResourceAsStream("/schemas/release-registered.schema.json")) {
      var schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(Json.MAPPER.readTree(in));
      assertEquals(
          java.util.Set.of(), schema.validate(EventDetails.detail(events.published().get(0))));
    }
  }

  @Test
  void branchUpdated_deploysTheNewCommitIntoTheSameEnvironment_andMovesItsExpiry()
      throws IOException {
    call(withRealCommitIds(recorded("codecommit-referenceCreated-branch.json")));
    handler = handlerAt(Fixtures.NOW.plus(Duration.ofHours(5)));
    ObjectNode updated = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));
    updated.put("id", "another-delivery");

    JsonNode report = call(updated);

    assertEquals("done", report.path("outcome").asText(), report.toString());
    Environment env = registry.findEnvironment("demo", "mybranch").orElseThrow();
    assertEquals(Optional.of(Fixtures.NOW.plus(Duration.ofHours(53))), env.expiresAt());
    assertEquals(2, env.revision());
    List<String> versions =
        history("mybranch").stream().map(d -> d.version().orElseThrow()).toList();
    assertEquals(2, versions.size());
    assertTrue(versions.contains(commitOf(updated)), versions.toString());
  }

  @Test
  void branchUpdated_keepsAnExpirySomeoneMovedLater() throws IOException {
    call(withRealCommitIds(recorded("codecommit-referenceCreated-branch.json")));
    Instant later = Fixtures.NOW.plus(Duration.ofDays(20));
    new RegistryService(registry)
        .extendEnvironment(
            Fixtures.ADMIN, "demo", "mybranch", Optional.of(later), Optional.empty(), Fixtures.NOW);

    call(
        withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"))
            .put("id", "later-push"));

    assertEquals(
        Optional.of(later), registry.findEnvironment("demo", "mybranch").orElseThrow().expiresAt());
  }

  @Test
  void branchDeleted_destroysItsEphemeralEnvironment() throws IOException {
    call(withRealCommitIds(recorded("codecommit-referenceCreated-branch.json")));

    JsonNode report =
        call(recorded("codecommit-referenceDeleted-branch.json").put("id", "deleted"));

    assertEquals("done", report.path("outcome").asText(), report.toString());
    assertEquals("destroyEphemeral", report.path("decision").asText());
    List<Deployment> history = history("mybranch");
    assertTrue(
        history.stream().anyMatch(d -> d.action() == DeploymentAction.DESTROY), history.toString());
    assertTrue(
        events.published().stream()
            .anyMatch(
                e ->
                    e instanceof DeploymentRequested r
                        && r.deployment().action() == DeploymentAction.DESTROY));
  }

  @Test
  void
      aBranchNamedLikeAnotherKindOfEnvironment_isNeitherDeployedNorDestroyed_andItsCommitIsNotRegistered()
          throws IOException {
    new RegistryService(registry)
        .putEnvironment(
            Fixtures.DEPLOYER,
            "demo",
            "mybranch",
            new EnvironmentSpec(
                Optional.of("personal"),
                Optional.empty(),
                Optional.of(ACCOUNT),
                Optional.of("eu-west-1"),
                Map.of(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            Optional.empty(),
            Fixtures.NOW);

    JsonNode pushed = call(withRealCommitIds(recorded("codecommit-referenceCreated-branch.json")));
    JsonNode deleted = call(recorded("codecommit-referenceDeleted-branch.json"));

    assertEquals("refused", pushed.path("outcome").asText(), pushed.toString());
    assertEquals("conflict", pushed.path("code").asText());
    assertEquals("refused", deleted.path("outcome").asText(), deleted.toString());
    assertTrue(deleted.path("detail").asText().contains("is personal"), deleted.toString());
    assertEquals(
        EnvironmentKind.PERSONAL,
        registry.findEnvironment("demo", "mybranch").orElseThrow().kind());
    assertEquals(List.of(), history("mybranch"));
    assertEquals(
        List.of(),
        events.published().stream().filter(e -> e instanceof ReleaseRegistered).toList(),
        "a refused push registers nothing");
    String version =
        withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"))
            .path("detail")
            .path("commitId")
            .asText();
    assertTrue(registry.findRelease("demo", version).isEmpty(), version);
    assertTrue(registry.findRelease("demo", version.substring(0, 7)).isEmpty(), version);
  }

  @Test
  void pushToThePipelineBranch_registersTheCommit_andStartsItsPromotion() throws IOException {
    ObjectNode pushed = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));
    ((ObjectNode) pushed.get("detail"))
        .put("referenceName", "main")
        .put("referenceFullName", "refs/heads/main");

    JsonNode report = call(pushed);

    assertEquals("done", report.path("outcome").asText(), report.toString());
    assertEquals("registerAndPromote", report.path("decision").asText());
    assertTrue(registry.findRelease("demo", commitOf(pushed)).isPresent());
    assertEquals(1, runner.started.size());
    Promotion promotion = runner.started.get(0);
    assertEquals(commitOf(pushed), promotion.version());
    assertEquals("codecommit", promotion.requestedBy());
    assertEquals(
        List.of("dev", "staging"),
        promotion.stages().stream().map(Promotion.StageProgress::environment).toList());
  }

  @Test
  void aRedeliveredEvent_findsWhatItsFirstDeliveryDid() throws IOException {
    ObjectNode toMain = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) toMain.get("detail"))
        .put("referenceName", "main")
        .put("referenceFullName", "refs/heads/main");
    ObjectNode toBranch = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));

    for (int delivery = 0; delivery < 3; delivery++) {
      assertEquals("done", call(toMain).path("outcome").asText());
      assertEquals("done", call(toBranch).path("outcome").asText());
    }

    assertEquals(1, runner.started.size(), "one promotion");
    assertEquals(1, history("mybranch").size(), "one deployment");
  }

  @Test
  void aPromotionThatFailedToStart_isStartedAgainByTheRedelivery_andATechnicalFailureThrows()
      throws IOException {
    ObjectNode pushed = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) pushed.get("detail"))
        .put("referenceName", "main")
        .put("referenceFullName", "refs/heads/main");
    runner.unreachable = true;

    assertThrows(IllegalStateException.class, () -> call(pushed));
    runner.unreachable = false;
    JsonNode report = call(pushed);

    assertEquals("done", report.path("outcome").asText(), report.toString());
    assertEquals(1, runner.started.size());
    assertTrue(runner.started.get(0).id().endsWith("-2"), runner.started.get(0).id());
  }

  @Test
  void aBusThatRefusesTheEvent_isATechnicalFailure_soTheEventIsRetried() throws IOException {
    events.failFromNowOn(true);
    assertThrows(
        io.stagecoach.domain.events.EventPublisher.EventNotPublishedException.class,
        () -> call(withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"))));
  }

  @Test
  void anEventForAnUnknownRepositoryOrBranch_isIgnored_andChangesNothing() throws IOException {
    long before = itemCount();
    ObjectNode unknownRepository =
        withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) unknownRepository.get("detail")).put("repositoryName", "SomeoneElsesRepo");
    ObjectNode unknownBranch =
        withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) unknownBranch.get("detail"))
        .put("referenceName", "release/1")
        .put("referenceFullName", "refs/heads/release/1");

    JsonNode repository = call(unknownRepository);
    JsonNode branch = call(unknownBranch);

    assertEquals("ignored", repository.path("outcome").asText(), repository.toString());
    assertTrue(
        repository.path("detail").asText().contains("SomeoneElsesRepo"), repository.toString());
    assertEquals("ignored", branch.path("outcome").asText(), branch.toString());
    assertTrue(branch.path("detail").asText().contains("release/1"), branch.toString());
    assertEquals(before, itemCount());
    assertEquals(List.of(), events.published());
  }

  @Test
  void aRepositoryMappedByTwoApps_isIgnored_ratherThanGuessed() throws IOException {
    registerApp(
        "other",
        new RepositoryMapping(
            "other", "MyDemoRepo", List.of(BranchRule.ephemeral("**", Duration.ofHours(1)))));
    long before = itemCount();

    JsonNode report = call(withRealCommitIds(recorded("codecommit-referenceCreated-branch.json")));

    assertEquals("ignored", report.path("outcome").asText(), report.toString());
    assertTrue(report.path("detail").asText().contains("demo, other"), report.toString());
    assertEquals(before, itemCount());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[]",
        "{}",
        "{\"source\":\"aws.codecommit\"}",
        "{\"source\":\"aws.s3\",\"detail-type\":\"CodeCommit Repository State Change\",\"detail\":{}}"
      })
  void aMalformedEvent_isReportedAndLogged_notThrown_andChangesNothing(String text)
      throws IOException {
    long before = itemCount();

    JsonNode report = call(text);

    assertEquals("malformed", report.path("outcome").asText(), report.toString());
    assertEquals("WARN", report.path("level").asText());
    assertEquals(before, itemCount());
    assertEquals(List.of(), events.published());
  }

  @Test
  void aRecordedEventWithoutItsCommitOrItsId_isMalformed() throws IOException {
    ObjectNode noCommit = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) noCommit.get("detail")).remove("commitId");
    ObjectNode noId = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    noId.remove("id");

    assertEquals("malformed", call(noCommit).path("outcome").asText());
    assertEquals("malformed", call(noId).path("outcome").asText());
    assertFalse(registry.findEnvironment("demo", "mybranch").isPresent());
  }

  @Test
  void theCallerTheEventNames_isWhoRequestedTheDeployment() throws IOException {
    ObjectNode pushed = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) pushed.get("detail")).put("callerUserArn", "arn:aws:iam::123456789012:user/rita");

    JsonNode report = call(pushed);

    assertEquals("arn:aws:iam::123456789012:user/rita", report.path("principal").asText());
    assertEquals("arn:aws:iam::123456789012:user/rita", history("mybranch").get(0).requestedBy());
  }

  @Test
  void thePusherTheEventNames_ownsTheEnvironmentItsPushCreates_andALaterPusherLeavesTheOwner()
      throws IOException {
    ObjectNode pushed = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) pushed.get("detail")).put("callerUserArn", "arn:aws:iam::123456789012:user/rita");

    assertEquals("done", call(pushed).path("outcome").asText());

    assertEquals(
        "arn:aws:iam::123456789012:user/rita",
        registry.findEnvironment("demo", "mybranch").orElseThrow().owner());
    ObjectNode later = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));
    later.put("id", "a-later-push");
    ((ObjectNode) later.get("detail")).put("callerUserArn", "arn:aws:iam::123456789012:user/sam");
    assertEquals("done", call(later).path("outcome").asText());
    assertEquals(
        "arn:aws:iam::123456789012:user/rita",
        registry.findEnvironment("demo", "mybranch").orElseThrow().owner(),
        "the environment stays its creator's");
  }

  @Test
  void aPushThatNamesNoPusher_leavesTheEnvironmentToTheAppsDefaultOwner() throws IOException {
    registerApp(
        "previews",
        new RepositoryMapping(
            "previews", "PreviewRepo", List.of(BranchRule.ephemeral("my*", Duration.ofHours(48)))),
        new EphemeralPolicy(14, 72, false, Optional.of("platform-team")));
    for (String[] push :
        List.of(
            new String[] {"PreviewRepo", null, "mybranch"},
            // A caller that is no principal's name is no pusher either.
            new String[] {"PreviewRepo", "not a principal!", "myotherbranch"})) {
      ObjectNode event = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
      event.put("id", "push-to-" + push[2]);
      ObjectNode detail = (ObjectNode) event.get("detail");
      detail.put("repositoryName", push[0]).put("referenceName", push[2]);
      detail.put("referenceFullName", "refs/heads/" + push[2]);
      if (push[1] != null) {
        detail.put("callerUserArn", push[1]);
      }

      JsonNode report = call(event);

      assertEquals("done", report.path("outcome").asText(), report.toString());
      assertEquals("codecommit", report.path("principal").asText(), "the push acts as itself");
      assertEquals(
          "platform-team",
          registry.findEnvironment("previews", push[2]).orElseThrow().owner(),
          report.toString());
    }
  }

  // ------------------------------------------------------------ the audit log

  private List<AuditEntry> auditEntries() {
    Outcome<Page<AuditEntry>> page =
        new DynamoDbAuditLog(LocalDynamoDb.client(), table)
            .find(
                new AuditQuery(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()),
                new PageRequest(Optional.empty(), 100));
    return ((Outcome.Accepted<Page<AuditEntry>>) page).value().items();
  }

  private PushHandler auditedHandler(AuditLog audit) {
    DeploymentService deploymentService = new DeploymentService(registry, deployments, events);
    PromotionService promotionService =
        new PromotionService(registry, promotions, runner, deploymentService, events);
    return new PushHandler(
        new PushService(registry, deploymentService, promotionService, events),
        audit,
        Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));
  }

  @Test
  void eachPushDecision_isAuditedOnce_withThePusher_evenWhenTheEventIsRedelivered()
      throws IOException {
    handler = auditedHandler(new DynamoDbAuditLog(LocalDynamoDb.client(), table));
    ObjectNode toMain = withRealCommitIds(recorded("codecommit-referenceCreated-branch.json"));
    ((ObjectNode) toMain.get("detail"))
        .put("referenceName", "main")
        .put("referenceFullName", "refs/heads/main")
        .put("callerUserArn", "arn:aws:iam::123456789012:user/rita");
    ObjectNode toBranch = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));
    // The recorded events share one id; EventBridge gives every event its own.
    toBranch.put("id", "another-push");
    ObjectNode tag = recorded("codecommit-referenceCreated-tag.json");
    tag.put("id", "a-tag");
    ObjectNode broken = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));
    broken.put("id", "broken-push");
    ((ObjectNode) broken.get("detail")).remove("repositoryName");

    for (int delivery = 0; delivery < 2; delivery++) {
      assertEquals("done", call(toMain).path("outcome").asText());
      assertEquals("done", call(toBranch).path("outcome").asText());
      assertEquals("ignored", call(tag).path("outcome").asText());
      assertEquals("malformed", call(broken).path("outcome").asText());
    }

    List<AuditEntry> entries = auditEntries();
    assertEquals(4, entries.size(), "one entry per event, delivered twice: " + entries);
    List<AuditEntry> ignored =
        entries.stream().filter(e -> e.outcome().equals(AuditEntry.IGNORED)).toList();
    assertEquals(2, ignored.size(), entries.toString());
    AuditEntry tagEntry =
        ignored.stream().filter(e -> e.requestId().equals("a-tag")).findFirst().orElseThrow();
    assertEquals("codecommit push", tagEntry.action());
    assertEquals("codecommit", tagEntry.surface());
    assertEquals(200, tagEntry.status(), "leaving a push alone refuses no one");
    assertEquals(
        tag.path("detail").path("repositoryName").asText()
            + " "
            + tag.path("detail").path("referenceFullName").asText(),
        tagEntry.target());
    assertEquals(Optional.empty(), tagEntry.before());
    assertEquals(Optional.empty(), tagEntry.after());
    assertEquals(call(tag).path("detail").asText(), tagEntry.detail().orElseThrow(), "the reason");
    AuditEntry brokenEntry =
        ignored.stream().filter(e -> e.requestId().equals("broken-push")).findFirst().orElseThrow();
    assertEquals("codecommit push", brokenEntry.action());
    assertEquals(
        "not a CodeCommit Repository State Change event: detail.repositoryName is missing",
        brokenEntry.detail().orElseThrow());
    assertEquals(4, auditEntries().size(), "a third delivery of the tag adds nothing either");
    AuditEntry promote =
        entries.stream().filter(e -> e.action().equals("codecommit promote")).findFirst().get();
    assertEquals("arn:aws:iam::123456789012:user/rita", promote.principal());
    assertEquals("codecommit", promote.surface());
    assertEquals(AuditEntry.ACCEPTED, promote.outcome());
    assertEquals(Optional.of("demo"), promote.app());
    assertEquals(Optional.of(commitOf(toMain)), promote.after(), "the release it registered");
    assertEquals(toMain.path("id").asText(), promote.requestId());
    assertTrue(promote.detail().orElseThrow().contains("promotion"), promote.toString());
    AuditEntry deploy =
        entries.stream().filter(e -> e.action().equals("codecommit deploy")).findFirst().get();
    assertEquals("codecommit", deploy.principal(), "the event names no pusher");
    assertEquals(Optional.of("mybranch"), deploy.environment());
    assertEquals("demo/mybranch " + commitOf(toBranch), deploy.target());
  }

  @Test
  void aPushIntoAFrozenFirstStage_isRefusedFrozen_andTheRefusalIsAudited() throws IOException {
    handler = auditedHandler(new DynamoDbAuditLog(LocalDynamoDb.client(), table));
    assertInstanceOf(
        Outcome.Accepted.class,
        new RegistryService(registry)
            .freeze(Fixtures.ADMIN, "demo", "dev", "incident 42", Fixtures.NOW));
    ObjectNode toMain = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));
    ((ObjectNode) toMain.get("detail"))
        .put("referenceName", "main")
        .put("referenceFullName", "refs/heads/main");

    JsonNode report = call(toMain);

    assertEquals("refused", report.path("outcome").asText(), report.toString());
    assertEquals("frozen", report.path("code").asText());
    assertTrue(runner.started.isEmpty());
    List<AuditEntry> entries = auditEntries();
    assertEquals(1, entries.size(), entries.toString());
    assertEquals("codecommit promote", entries.get(0).action());
    assertEquals("frozen", entries.get(0).outcome());
    assertEquals(409, entries.get(0).status());
    assertTrue(entries.get(0).detail().orElseThrow().contains("incident 42"), entries.toString());
  }

  @Test
  void aLogThatCannotRecord_neverFailsThePush() throws IOException {
    handler =
        auditedHandler(
            new DynamoDbAuditLog(LocalDynamoDb.client(), "no-such-table-" + System.nanoTime()));
    ObjectNode toBranch = withRealCommitIds(recorded("codecommit-referenceUpdated-branch.json"));

    assertEquals("done", call(toBranch).path("outcome").asText());
    assertEquals(1, history("mybranch").size(), "deployed all the same");
  }

  private PushHandler handlerAt(Instant now) {
    DeploymentService deploymentService = new DeploymentService(registry, deployments, events);
    PromotionService promotionService =
        new PromotionService(registry, promotions, runner, deploymentService, events);
    return new PushHandler(
        new PushService(registry, deploymentService, promotionService, events),
        Clock.fixed(now, ZoneOffset.UTC));
  }
}
