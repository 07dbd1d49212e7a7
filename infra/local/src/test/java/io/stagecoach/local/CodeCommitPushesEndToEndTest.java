package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.eventbridge.EventPattern;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LocalAws;
import io.stagecoach.testing.Conformance;
import io.stagecoach.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Pushes to CodeCommit end to end on the local cloud, from the synthesized template: a "CodeCommit
 * Repository State Change" event put on the default bus with the SDK → the CodeCommit rule → the
 * push function → the registry, the promotion state machine and the provisioners, as the app's
 * repository mapping says.
 */
class CodeCommitPushesEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static EventBridgeClient eventBridge;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    eventBridge =
        EventBridgeClient.builder()
            .endpointOverride(cloud.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(dir))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    registerApp();
  }

  @AfterAll
  static void stop() throws Exception {
    eventBridge.close();
    cloud.close();
  }

  /**
   * {@code shop}: dev, then staging behind a staff approval; main is its pipeline, feature/* get
   * environments.
   */
  private static void registerApp() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", "shop");
    ArrayNode pipeline = body.putArray("pipeline");
    pipeline.add("dev");
    pipeline
        .addObject()
        .put("environment", "staging")
        .putObject("approval")
        .putArray("groups")
        .addObject()
        .put("group", "staff")
        .put("min", 1);
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    body.set(
        "repository",
        JSON.readTree(
            """
        {"name": "shop-service", "branches": [
          {"pattern": "main", "action": "pipeline"},
          {"pattern": "feature/*", "action": "ephemeral", "ttlHours": 72, "versionFrom": "shortCommit"}]}
        """));
    ApiClient.Reply created = admin.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    for (String[] env : List.of(new String[] {"dev", "dev"}, new String[] {"staging", "staging"})) {
      ApiClient.Reply put =
          admin.send(
              "PUT",
              "/v1/apps/shop/environments/" + env[0],
              "{\"tier\":\""
                  + env[1]
                  + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
      assertEquals(201, put.status(), put.body());
    }
  }

  /** A commit id as CodeCommit writes one: 40 lowercase hex digits. */
  private static String commit(String seed) {
    return HexFormat.of()
        .formatHex(seed.repeat(20).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .substring(0, 40);
  }

  /** The detail of a branch change, shaped like the ones AWS documents (conformance/codecommit). */
  private static ObjectNode branchChange(
      String event, String repository, String branch, String commit) {
    ObjectNode detail =
        JSON.createObjectNode()
            .put("event", event)
            .put("repositoryName", repository)
            .put("repositoryId", "12345678-1234-5678-abcd-12345678abcd")
            .put("referenceType", "branch")
            .put("referenceName", branch)
            .put("referenceFullName", "refs/heads/" + branch);
    detail.put(event.equals("referenceDeleted") ? "oldCommitId" : "commitId", commit);
    return detail;
  }

  /**
   * Puts the change on the default bus, as CodeCommit does, and waits until its deliveries are
   * over.
   */
  private static void push(ObjectNode detail) throws Exception {
    PutEventsRequestEntry entry =
        PutEventsRequestEntry.builder()
            .source("aws.codecommit")
            .detailType("CodeCommit Repository State Change")
            .resources(
                "arn:aws:codecommit:us-east-1:000000000000:"
                    + detail.path("repositoryName").asText("x"))
            .detail(detail.toString())
            .build();
    PutEventsResponse put = eventBridge.putEvents(r -> r.entries(entry));
    assertEquals(0, put.failedEntryCount(), put.toString());
    assertTrue(cloud.eventBridge().awaitDeliveries(Duration.ofSeconds(30)));
  }

  private static JsonNode await(String path, Predicate<ApiClient.Reply> until, String what)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    ApiClient.Reply reply = null;
    while (Instant.now().isBefore(deadline)) {
      reply = admin.get(path);
      if (until.test(reply)) {
        return reply.json();
      }
      Thread.sleep(100);
    }
    fail(
        what
            + " never happened: "
            + (reply == null ? "" : reply.body())
            + "; dead letters "
            + cloud.eventBridge().deadLetters());
    return null;
  }

  @Test
  void aPushToMain_registersTheCommit_andItsPromotionDeploysDev_thenWaitsForTheStagingApproval()
      throws Exception {
    String commit = commit("a1");
    push(branchChange("referenceUpdated", "shop-service", "main", commit));

    JsonNode release = admin.get("/v1/apps/shop/releases/" + commit).json();
    assertEquals(commit, release.path("commit").asText(), release.toString());
    assertEquals(
        "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop-service#" + commit,
        release.path("artifactUri").asText());
    assertEquals("codecommit", release.path("createdBy").asText());

    JsonNode dev =
        await(
            "/v1/apps/shop/environments/dev",
            r -> r.json().path("deployedVersion").asText().equals(commit),
            "the promotion's deploy of dev");
    assertEquals(release.path("digest").asText(), dev.path("deployedDigest").asText());
    JsonNode promotion =
        await(
                "/v1/apps/shop/promotions",
                r ->
                    r.json().path("items").path(0).path("pendingApprovals").size() > 0
                        || r.json()
                            .path("items")
                            .path(0)
                            .path("stages")
                            .path(1)
                            .path("status")
                            .asText()
                            .equals("awaiting_approval"),
                "the staging approval")
            .path("items")
            .path(0);
    assertEquals(commit, promotion.path("version").asText(), promotion.toString());
    assertEquals("codecommit", promotion.path("requestedBy").asText());
    assertEquals(
        "promoted", promotion.path("stages").path(0).path("status").asText(), promotion.toString());
    assertFalse(admin.get("/v1/apps/shop/environments/staging").json().has("deployedVersion"));
    assertTrue(
        cloud.eventBridge().deadLetters().isEmpty(), cloud.eventBridge().deadLetters().toString());
  }

  @Test
  void aFeatureBranch_getsAnEphemeralEnvironmentWithItsCommit_andDeletingTheBranchDestroysIt()
      throws Exception {
    String commit = commit("b2");
    push(branchChange("referenceCreated", "shop-service", "feature/login", commit));

    JsonNode env =
        await(
            "/v1/apps/shop/environments/feature-login",
            r ->
                r.status() == 200
                    && r.json().path("deployedVersion").asText().equals(commit.substring(0, 7)),
            "the deploy of the branch's environment");
    assertEquals("ephemeral", env.path("kind").asText(), env.toString());
    assertEquals("dev", env.path("tier").asText());
    assertEquals("111111111111", env.path("account").asText(), "the first stage's account");
    assertTrue(
        Instant.parse(env.path("expiresAt").asText())
            .isAfter(Instant.now().plus(Duration.ofHours(71))),
        env.toString());
    assertTrue(
        cloud.dynamo().client().listTables().tableNames().contains("shop-feature-login-orders"),
        "the provisioner made the environment's resources");

    push(branchChange("referenceDeleted", "shop-service", "feature/login", commit));

    await(
        "/v1/apps/shop/environments/feature-login",
        r -> r.status() == 404,
        "the destroy of the branch's environment");
    assertFalse(
        cloud.dynamo().client().listTables().tableNames().contains("shop-feature-login-orders"));
    assertTrue(
        cloud.eventBridge().deadLetters().isEmpty(), cloud.eventBridge().deadLetters().toString());
  }

  @Test
  void anUnknownRepository_anUnmappedBranch_andAMalformedEvent_changeNothing_andAreNotRetried()
      throws Exception {
    String before = state();

    push(branchChange("referenceCreated", "someone-elses-repo", "main", commit("c3")));
    push(branchChange("referenceCreated", "shop-service", "release/1.0", commit("c4")));
    ObjectNode noCommit = branchChange("referenceUpdated", "shop-service", "main", commit("c5"));
    noCommit.remove("commitId");
    push(noCommit);
    ObjectNode noRepository =
        branchChange("referenceCreated", "shop-service", "feature/x", commit("c6"));
    noRepository.remove("repositoryName");
    push(noRepository);

    assertEquals(before, state());
    assertTrue(
        cloud.eventBridge().deadLetters().isEmpty(), cloud.eventBridge().deadLetters().toString());
  }

  /**
   * Issue 12, point 4: a branch named like a pipeline stage is refused, and the refusal comes
   * before anything is registered, the release included.
   */
  @Test
  void aBranchNamedLikeAStage_isRefused_andRegistersNothing_notEvenItsRelease() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", "kiosk");
    body.putArray("pipeline").add("dev").add("staging");
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    body.set(
        "repository",
        JSON.readTree(
            """
        {"name": "kiosk-service", "branches": [
          {"pattern": "main", "action": "pipeline"},
          {"pattern": "*", "action": "ephemeral", "ttlHours": 24}]}
        """));
    ApiClient.Reply created = admin.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    ApiClient.Reply dev =
        admin.send(
            "PUT",
            "/v1/apps/kiosk/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
    assertEquals(201, dev.status(), dev.body());
    String environmentsBefore =
        admin.get("/v1/apps/kiosk/environments?limit=100").json().path("items").toString();

    // "dev" is a registered pipeline environment; "staging" is a stage with no environment yet.
    push(branchChange("referenceCreated", "kiosk-service", "dev", commit("d7")));
    push(branchChange("referenceUpdated", "kiosk-service", "staging", commit("e8")));

    assertEquals(
        "[]",
        admin.get("/v1/apps/kiosk/releases?limit=100").json().path("items").toString(),
        "no release registered");
    assertEquals(
        environmentsBefore,
        admin.get("/v1/apps/kiosk/environments?limit=100").json().path("items").toString());
    assertEquals(404, admin.get("/v1/apps/kiosk/environments/staging").status());

    // The same repository's other branches are still carried out: the refusals were the rule's.
    String control = commit("f9");
    push(branchChange("referenceCreated", "kiosk-service", "demo-1", control));
    await(
        "/v1/apps/kiosk/environments/demo-1",
        r -> r.status() == 200,
        "the ephemeral environment of branch demo-1");
    JsonNode releases = admin.get("/v1/apps/kiosk/releases?limit=100").json().path("items");
    assertEquals(1, releases.size(), releases.toString());
    assertEquals(control, releases.path(0).path("commit").asText(), releases.toString());
    assertTrue(
        cloud.eventBridge().deadLetters().isEmpty(), cloud.eventBridge().deadLetters().toString());
  }

  /**
   * The app's releases and environments as the API lists them, once the other tests' work has
   * settled: every release through the intake, whose state machine records its check on the
   * release.
   */
  private static String state() throws Exception {
    assertTrue(cloud.eventBridge().awaitDeliveries(Duration.ofSeconds(30)));
    JsonNode releases =
        await(
                "/v1/apps/shop/releases?limit=100",
                r -> {
                  for (JsonNode release : r.json().path("items")) {
                    if (!release.has("intake")) {
                      return false;
                    }
                  }
                  return true;
                },
                "the intake of every release")
            .path("items");
    JsonNode environments = admin.get("/v1/apps/shop/environments?limit=100").json().path("items");
    // An environment's age is computed at each read: it changes with the clock, not with a push.
    environments.forEach(e -> ((ObjectNode) e).remove("age"));
    return releases.toString() + environments;
  }

  /**
   * The synthesized rule matches the branch events AWS documents, and not a tag or an unreferenced
   * merge commit.
   */
  @Test
  void theCodeCommitRule_matchesTheDocumentedBranchEvents_only() throws Exception {
    JsonNode template;
    try (InputStream in = LocalCloud.class.getResourceAsStream(LocalCloud.DEFAULT_TEMPLATE)) {
      template = JSON.readTree(in);
    }
    List<JsonNode> patterns =
        Stream.of(template.path("Resources"))
            .flatMap(resources -> resources.properties().stream().map(Map.Entry::getValue))
            .filter(r -> r.path("Type").asText().equals("AWS::Events::Rule"))
            .map(r -> r.path("Properties").path("EventPattern"))
            .filter(p -> p.path("source").toString().contains("aws.codecommit"))
            .toList();
    assertEquals(1, patterns.size());
    EventPattern rule = EventPattern.compile(patterns.get(0));

    Map<String, Boolean> matched = new TreeMap<>();
    try (Stream<Path> files = Files.list(Conformance.folder("codecommit"))) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("codecommit-")).toList()) {
        matched.put(
            file.getFileName().toString(),
            rule.matches(JSON.readTree(file.toFile()).path("event").toString()));
      }
    }
    assertEquals(
        Map.of(
            "codecommit-referenceCreated-branch.json", true,
            "codecommit-referenceUpdated-branch.json", true,
            "codecommit-referenceDeleted-branch.json", true,
            "codecommit-referenceCreated-tag.json", false,
            "codecommit-unreferencedMergeCommitCreated.json", false),
        matched);
  }
}
