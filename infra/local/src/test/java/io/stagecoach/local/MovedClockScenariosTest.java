package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.slack.SlackRequestSignature;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LocalAws;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.SlackReceiver;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
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
 * The scenarios on one local cloud, driven by its clock ({@code POST /_stagecoach/clock})
 * instead of sleeps: an ephemeral environment's life from its 1 h warning in Slack (Extend 24 h,
 * Destroy now) to the reaper, with what the reaper must spare; a 10-minute soak and a 4-hour
 * approval timeout; a deployment window that opens two days later; the audit log of a push, its
 * promotion, a reaped environment and a push into a frozen stage. Hours and days of the local
 * cloud's time pass in seconds of wall time; {@link #report()} prints how many.
 */
class MovedClockScenariosTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIGNING_SECRET = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
  private static final String BOT_TOKEN = "xoxb-local-expiry-token";
  private static final String TEAM = "T01STAGE";
  private static final String CHANNEL = "C03SHOP";
  private static final String PAT = "U07PAT";
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static SlackReceiver slack;
  private static Duration wall = Duration.ZERO;
  private static Duration moved = Duration.ZERO;

  @BeforeAll
  static void start() throws Exception {
    slack = new SlackReceiver();
    cloud =
        LocalCloud.start(
            LocalCloud.Options.defaults(dir)
                .withPort(0)
                .withFunctionEnvironment(
                    Map.of(
                        "SLACK_API_URL", slack.apiUrl().toString(),
                        "SLACK_HOOKS_URL", slack.url().toString())));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    for (Map.Entry<String, String> secret :
        Map.of(
                "stagecoach/slack/signing_secret", SIGNING_SECRET,
                "stagecoach/slack/bot_token", BOT_TOKEN)
            .entrySet()) {
      ObjectNode value = JSON.createObjectNode().put("value", secret.getValue());
      ok(admin.send("PUT", "/_stagecoach/secrets/" + secret.getKey(), value.toString()), 204);
    }
    ObjectNode link = JSON.createObjectNode().put("principal", "pat");
    link.putArray("roles").add("deployer");
    ok(admin.send("PUT", "/v1/slack/teams/" + TEAM + "/users/" + PAT, link.toString()), 201);
  }

  @AfterAll
  static void report() throws Exception {
    cloud.close();
    slack.close();
    System.out.printf(
        "moved-clock scenarios: %.1f s of wall time for %.1f h of local cloud time moved%n",
        wall.toMillis() / 1000.0, moved.toMinutes() / 60.0);
  }

  // ------------------------------------------------------------ the clock and the reaper

  private static Instant now() {
    return Instant.parse(admin.get("/_stagecoach/clock").json().path("now").asText());
  }

  private static void moveBy(Duration by) {
    ApiClient.Reply reply =
        admin.send("POST", "/_stagecoach/clock", "{\"by\": \"" + by.toSeconds() + "s\"}");
    ok(reply, 200);
    moved = moved.plus(by);
  }

  private static void moveTo(Instant to) {
    Instant from = now();
    ok(admin.send("POST", "/_stagecoach/clock", "{\"to\": \"" + to + "\"}"), 200);
    moved = moved.plus(Duration.between(from, to));
  }

  /** To {@code t}, or a little later if the wall clock is about to pass it. */
  private static void moveToAtLeast(Instant t) {
    Instant soon = now().plusSeconds(5);
    moveTo(t.isAfter(soon) ? t : soon);
  }

  private static String reaperRule() {
    for (JsonNode r : admin.get("/_stagecoach/rules").json().path("rules")) {
      if (r.path("name").asText().contains("ReaperSchedule")) {
        return r.path("name").asText();
      }
    }
    throw new AssertionError("no reaper rule in " + admin.get("/_stagecoach/rules").body());
  }

  /** When the reaper's schedule fires next, once it has fired for every time before {@code t}. */
  private static Instant nextReaperRunAfter(Instant t) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode r : admin.get("/_stagecoach/rules").json().path("rules")) {
        if (r.path("name").asText().equals(reaperRule())) {
          Instant next = Instant.parse(r.path("nextFireTime").asText());
          if (next.isAfter(t)) {
            return next;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the reaper's schedule never passed " + t);
  }

  // ------------------------------------------------------------ the API

  private static void ok(ApiClient.Reply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
  }

  private static void registerApp(ObjectNode app, List<String> environments) throws Exception {
    String name = app.path("name").asText();
    app.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ok(admin.send("POST", "/v1/apps", app.toString()), 201);
    for (String env : environments) {
      ok(
          admin.send(
              "PUT",
              "/v1/apps/" + name + "/environments/" + env,
              "{\"tier\":\"" + env + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}"),
          201);
    }
    ok(
        admin.send(
            "POST",
            "/v1/apps/" + name + "/releases",
            "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/"
                + name
                + ".zip\",\"digest\":\""
                + LocalCloudTest.DIGEST
                + "\"}"),
        201);
    // The release intake waits for its artifact check: done before the clock moves past its
    // timeout.
    await(
        "/v1/apps/" + name + "/releases/1.0.0",
        r -> r.path("intake").asText().equals("checked"),
        "the release intake");
  }

  private static JsonNode await(String path, Predicate<JsonNode> until, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = admin.get(path).json();
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    fail(what + " never came: " + last + "; dead letters " + cloud.eventBridge().deadLetters());
    return last;
  }

  private static String ephemeral(String owner, Instant expiresAt, boolean isProtected) {
    ObjectNode body =
        JSON.createObjectNode()
            .put("kind", "ephemeral")
            .put("account", "111111111111")
            .put("region", "eu-west-1")
            .put("owner", owner)
            .put("protected", isProtected);
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt.toString());
    }
    return body.toString();
  }

  private static ApiClient.Reply deploy(String app, String env, String key) {
    ObjectNode body = JSON.createObjectNode().put("environment", env).put("version", "1.0.0");
    return admin.send(
        "POST",
        "/v1/apps/" + app + "/deployments",
        body.toString(),
        Map.of("Idempotency-Key", key));
  }

  private static List<JsonNode> history(String app, String env) {
    List<JsonNode> items = new ArrayList<>();
    admin
        .get("/v1/apps/" + app + "/environments/" + env + "/deployments")
        .json()
        .path("items")
        .forEach(items::add);
    return items;
  }

  private static JsonNode awaitDestroyed(String app, String env) throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode d : history(app, env)) {
        if (d.path("action").asText().equals("destroy")
            && d.path("status").asText().equals("succeeded")
            && admin.get("/v1/apps/" + app + "/environments/" + env).status() == 404) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    fail("no destroy of " + env + " succeeded; dead letters " + cloud.eventBridge().deadLetters());
    return null;
  }

  private static boolean tableExists(String name) {
    return cloud.dynamo().client().listTables().tableNames().contains(name);
  }

  // ------------------------------------------------------------ Slack

  /** The warning about {@code env} within {@code lead} ("1 h", "24 h") posted to {@code to}. */
  private static JsonNode awaitWarning(String env, String lead, String to) throws Exception {
    SlackReceiver.Call posted =
        slack.await(
            c ->
                c.isPostMessage()
                    && c.body().contains("shop/" + env + "*")
                    && c.body().contains("(within " + lead + ")"),
            PATIENCE);
    assertEquals("Bearer " + BOT_TOKEN, posted.header("Authorization").orElse(""));
    JsonNode message = JSON.readTree(posted.body());
    assertEquals(to, message.path("channel").asText(), posted.body());
    return message;
  }

  /** Clicks {@code button} as Slack posts a click: a signed form, stamped with Slack's clock. */
  private static String click(JsonNode button, String tag) throws Exception {
    ObjectNode payload = JSON.createObjectNode().put("type", "block_actions");
    payload.putObject("user").put("id", PAT).put("username", "pat").put("team_id", TEAM);
    payload.putObject("team").put("id", TEAM);
    payload
        .putObject("container")
        .put("type", "message")
        .put("message_ts", "1700000000.000200")
        .put("channel_id", "D01PATDM");
    String responsePath = "/actions/" + TEAM + "/77/" + tag;
    payload.put("response_url", "https://hooks.slack.com" + responsePath);
    payload.put("trigger_id", "7065743211234.77.abcdef");
    ObjectNode action = button.deepCopy();
    action.put("block_id", "b77").put("action_ts", "1700000050.000077");
    payload.putArray("actions").add(action);
    String body =
        "payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8);
    // Slack stamps its requests with its own (wall) clock, whatever the local cloud's reads.
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    HttpRequest request =
        HttpRequest.newBuilder(cloud.endpoint().resolve("/slack/interactions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Slack-Request-Timestamp", timestamp)
            .header(
                "X-Slack-Signature",
                new SlackRequestSignature(SIGNING_SECRET).sign(timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    assertEquals(200, HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    return responsePath;
  }

  // ------------------------------------------------------------ the audit log

  /**
   * The audit log's entries about {@code app}, oldest first, as "principal surface action outcome"
   * (and the status or release moved from and to, where an entry names one).
   */
  private static List<String> auditOf(String app) {
    List<String> lines = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          admin
              .get(
                  "/v1/audit?app="
                      + app
                      + "&limit=100"
                      + (cursor == null
                          ? ""
                          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
              .json();
      for (JsonNode e : page.path("items")) {
        String change =
            e.has("after")
                ? " " + e.path("before").asText("") + ">" + e.path("after").asText()
                : "";
        lines.add(
            0,
            String.join(
                    " ",
                    e.path("principal").asText(),
                    e.path("surface").asText(),
                    e.path("action").asText(),
                    e.path("outcome").asText())
                + change);
      }
      cursor = page.hasNonNull("nextCursor") ? page.path("nextCursor").asText() : null;
    } while (cursor != null);
    return lines;
  }

  /** A CodeCommit branch change by {@code pusher}, put on the default bus as CodeCommit does. */
  private static void push(
      EventBridgeClient bus, String event, String branch, String commit, String pusher)
      throws Exception {
    ObjectNode detail =
        JSON.createObjectNode()
            .put("event", event)
            .put("repositoryName", "ledger-service")
            .put("repositoryId", "12345678-1234-5678-abcd-12345678abcd")
            .put("referenceType", "branch")
            .put("referenceName", branch)
            .put("referenceFullName", "refs/heads/" + branch)
            .put("commitId", commit)
            .put("callerUserArn", pusher);
    PutEventsResponse put =
        bus.putEvents(
            r ->
                r.entries(
                    PutEventsRequestEntry.builder()
                        .source("aws.codecommit")
                        .detailType("CodeCommit Repository State Change")
                        .resources("arn:aws:codecommit:us-east-1:000000000000:ledger-service")
                        .detail(detail.toString())
                        .build()));
    assertEquals(0, put.failedEntryCount(), put.toString());
    assertTrue(cloud.eventBridge().awaitDeliveries(PATIENCE));
  }

  // ------------------------------------------------------------ the scenarios

  @Test
  void anEphemeralEnvironment_warnedExtendedInSlack_isReapedOnceWhenTheClockPassesItsExpiry()
      throws Exception {
    long begun = System.nanoTime();
    ObjectNode app = JSON.createObjectNode().put("name", "shop");
    app.putArray("pipeline").add("dev");
    app.putObject("ephemeral").put("maxLifetimeDays", 14).put("defaultTtlHours", 2);
    registerApp(app, List.of("dev"));
    ok(admin.send("PUT", "/v1/apps/shop/slack", "{\"channel\":\"" + CHANNEL + "\"}"), 201);
    ok(
        admin.send(
            "POST",
            "/v1/apps/shop/environments",
            "{\"kind\":\"personal\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}"),
        201);

    // Half-way between two reaper runs, so that each move below says whether the reaper runs.
    Instant run = nextReaperRunAfter(now());
    moveToAtLeast(run);
    Duration period = Duration.between(run, nextReaperRunAfter(run));
    moveTo(run.plus(period.dividedBy(2)));

    // A 2 h TTL: the app's default for an environment created without an expiry.
    ok(admin.send("PUT", "/v1/apps/shop/environments/pr-7", ephemeral("pat", null, false)), 201);
    Instant expiry =
        Instant.parse(
            admin.get("/v1/apps/shop/environments/pr-7").json().path("expiresAt").asText());
    JsonNode created = admin.get("/v1/apps/shop/environments/pr-7").json();
    assertEquals(
        Duration.ofHours(2),
        Duration.between(Instant.parse(created.path("createdAt").asText()), expiry));
    ok(admin.send("PUT", "/v1/apps/shop/environments/pr-8", ephemeral("pat", expiry, false)), 201);
    ok(
        admin.send(
            "PUT",
            "/v1/apps/shop/environments/pr-reap",
            ephemeral("nobody@example.com", expiry, false)),
        201);
    ok(
        admin.send("PUT", "/v1/apps/shop/environments/pr-pin", ephemeral("pat", expiry, false)),
        201);
    ok(
        admin.send("PUT", "/v1/apps/shop/environments/pr-prot", ephemeral("pat", expiry, true)),
        201);
    ApiClient.Reply noReason =
        admin.send("PUT", "/v1/apps/shop/environments/pr-pin/pin", "{\"reason\":\" \"}");
    ok(noReason, 400);
    assertEquals("validation_failed", noReason.json().path("code").asText());
    ok(admin.send("PUT", "/v1/apps/shop/environments/dev/pin", "{\"reason\":\"keep\"}"), 409);
    ApiClient.Reply pinned =
        admin.send("PUT", "/v1/apps/shop/environments/pr-pin/pin", "{\"reason\":\"sales demo\"}");
    ok(pinned, 200);
    assertEquals("sales demo", pinned.json().path("pinned").path("reason").asText());
    for (String env : List.of("pr-7", "pr-8")) {
      String id = deploy("shop", env, "first-" + env).json().path("id").asText();
      await(
          "/v1/apps/shop/deployments/" + id,
          d -> d.path("status").asText().equals("succeeded"),
          "the deploy into " + env);
      assertTrue(tableExists("shop-" + env + "-orders"));
    }

    // An hour later the reaper warns: Pat by direct message (her Slack account is linked), the
    // app's channel for an owner without one; pinned and protected environments get no warning.
    moveBy(Duration.ofHours(1));
    JsonNode warning = awaitWarning("pr-7", "1 h", PAT);
    assertEquals("Environment shop/pr-7 expires at " + expiry, warning.path("text").asText());
    JsonNode buttons = warning.path("blocks").get(2).path("elements");
    assertEquals("environment.extend", buttons.get(0).path("action_id").asText());
    assertEquals("Extend 24 h", buttons.get(0).path("text").path("text").asText());
    assertEquals("environment.destroy", buttons.get(1).path("action_id").asText());
    assertEquals("Destroy now", buttons.get(1).path("text").path("text").asText());
    assertEquals("shop/pr-7", buttons.get(0).path("value").asText());
    JsonNode otherWarning = awaitWarning("pr-8", "1 h", PAT);
    awaitWarning("pr-reap", "1 h", CHANNEL);
    assertTrue(
        slack.calls().stream()
            .noneMatch(c -> c.body().contains("shop/pr-pin") || c.body().contains("shop/pr-prot")),
        "the reaper never destroys them, so it warns of nothing");

    // Extend 24 h, clicked in Slack, moves the expiry through the API's rules.
    String extendReply = click(buttons.get(0), "extend");
    JsonNode replaced =
        JSON.readTree(slack.await(c -> c.path().equals(extendReply), PATIENCE).body());
    Instant extended = expiry.plus(Duration.ofHours(24));
    assertEquals(
        "shop/pr-7 extended by pat: it now expires at " + extended, replaced.path("text").asText());
    assertEquals(
        extended.toString(),
        admin.get("/v1/apps/shop/environments/pr-7").json().path("expiresAt").asText());

    // Destroy now, clicked on the other one's warning, destroys it through its provisioner.
    click(otherWarning.path("blocks").get(2).path("elements").get(1), "destroy");
    assertEquals("pat", awaitDestroyed("shop", "pr-8").path("requestedBy").asText());
    assertFalse(tableExists("shop-pr-8-orders"), "its tables are gone");

    // Past the expiry, the reaper's next run destroys what expired and spares the rest.
    moveTo(expiry.plus(period));
    assertEquals("reaper", awaitDestroyed("shop", "pr-reap").path("requestedBy").asText());
    for (String env : List.of("pr-7", "pr-pin", "pr-prot", "dev", "local-admin")) {
      ok(admin.get("/v1/apps/shop/environments/" + env), 200);
    }

    // Just past the extended expiry, before the reaper runs again: deploys are refused.
    moveTo(extended.minus(Duration.ofMinutes(1)));
    Instant nextRun = nextReaperRunAfter(extended.minus(Duration.ofMinutes(1)));
    assertTrue(
        nextRun.isAfter(extended.plusSeconds(1)),
        "the reaper runs half a period after the expiry: " + nextRun + " vs " + extended);
    moveTo(extended.plusSeconds(1));
    ApiClient.Reply refused = deploy("shop", "pr-7", "after-expiry");
    ok(refused, 409);
    assertEquals("expired", refused.json().path("code").asText());
    assertTrue(
        refused.json().path("detail").asText().contains("expired at " + extended), refused.body());
    List<String> expiring = new ArrayList<>();
    admin
        .get("/v1/environments/expiring?app=shop")
        .json()
        .path("items")
        .forEach(e -> expiring.add(e.path("name").asText()));
    assertTrue(expiring.contains("pr-7"), expiring.toString());
    assertTrue(tableExists("shop-pr-7-orders"), "refused, nothing was touched");

    // The reaper's run, delivered twice more (EventBridge delivers at least once), destroys once.
    moveTo(nextRun);
    String rule = reaperRule();
    for (int i = 0; i < 2; i++) {
      ok(admin.send("POST", "/_stagecoach/rules/" + rule + "/fire", ""), 202);
    }
    JsonNode destroyed = awaitDestroyed("shop", "pr-7");
    assertEquals("reaper", destroyed.path("requestedBy").asText(), destroyed.toString());
    assertFalse(tableExists("shop-pr-7-orders"), "its tables are gone");
    ok(admin.send("POST", "/_stagecoach/rules/" + rule + "/fire", ""), 202);
    assertTrue(cloud.eventBridge().awaitDeliveries(PATIENCE), "every run has ended");
    assertEquals(
        1,
        history("shop", "pr-7").stream()
            .filter(d -> d.path("action").asText().equals("destroy"))
            .count(),
        "duplicate and late reaper runs destroy once");
    for (String env : List.of("pr-pin", "pr-prot", "dev", "local-admin")) {
      ok(admin.get("/v1/apps/shop/environments/" + env), 200);
    }
    wall = wall.plus(Duration.ofNanos(System.nanoTime() - begun));
  }

  /**
   * Issue 11, point 6: what pushes, the promotion workflow and the reaper decide is in the audit
   * log once each, in order, with who decided it: the pusher for a push, the promotion's requester
   * for its workflow's decisions, the reaper for its destroys; a push into a frozen stage is there
   * as refused.
   */
  @Test
  void aPush_itsPromotion_aReapedEnvironment_andAFrozenPush_areAuditedOnceEach_inOrder()
      throws Exception {
    long begun = System.nanoTime();
    long devRevision;
    ObjectNode app = JSON.createObjectNode().put("name", "ledger");
    app.putArray("pipeline").add("dev");
    app.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    app.set(
        "repository",
        JSON.readTree(
            """
            {"name": "ledger-service", "branches": [
              {"pattern": "main", "action": "pipeline"},
              {"pattern": "feature/*", "action": "ephemeral", "ttlHours": 1}]}
            """));
    ok(admin.send("POST", "/v1/apps", app.toString()), 201);
    ok(
        admin.send(
            "PUT",
            "/v1/apps/ledger/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}"),
        201);
    String rita = "arn:aws:iam::111111111111:user/rita";
    String first = "a1".repeat(20);
    String feature = "b2".repeat(20);
    String frozen = "c3".repeat(20);

    try (EventBridgeClient bus =
        EventBridgeClient.builder()
            .endpointOverride(cloud.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(dir))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      // A push to main: its release is registered and promoted into dev.
      push(bus, "referenceUpdated", "main", first, rita);
      await(
          "/v1/apps/ledger/promotions",
          p -> p.path("items").path(0).path("status").asText().equals("succeeded"),
          "the push's promotion");

      // A push to a feature branch: its environment lives an hour, then the reaper destroys it.
      push(bus, "referenceCreated", "feature/audit", feature, rita);
      JsonNode env =
          await(
              "/v1/apps/ledger/environments/feature-audit",
              e -> !e.path("deployedVersion").asText("").isEmpty(),
              "the deploy of the branch's environment");
      moveTo(Instant.parse(env.path("expiresAt").asText()).plus(Duration.ofMinutes(11)));
      assertEquals(
          "reaper", awaitDestroyed("ledger", "feature-audit").path("requestedBy").asText());

      // Frozen: the next push to main registers its release, and its promotion is refused.
      devRevision = admin.get("/v1/apps/ledger/environments/dev").json().path("revision").asLong();
      ok(
          admin.send(
              "PUT", "/v1/apps/ledger/environments/dev/freeze", "{\"reason\":\"quarter end\"}"),
          200);
      push(bus, "referenceUpdated", "main", frozen, rita);
    }
    assertTrue(cloud.eventBridge().awaitDeliveries(PATIENCE), "every delivery has ended");

    assertEquals(
        List.of(
            "local-admin api PUT /v1/apps/{app}/environments/{env} accepted >revision 1",
            rita + " codecommit codecommit promote accepted >" + first,
            rita + " workflow workflow stage.started accepted pending>deploying",
            rita + " workflow workflow stage.deployed accepted deploying>verifying",
            rita + " workflow workflow stage.promoted accepted verifying>promoted",
            rita + " workflow workflow promotion.succeeded accepted running>succeeded",
            rita + " codecommit codecommit deploy accepted >" + feature,
            "reaper reaper reaper destroy accepted >requested",
            "local-admin api PUT /v1/apps/{app}/environments/{env}/freeze accepted revision "
                + devRevision
                + ">revision "
                + (devRevision + 1)
                + " (frozen)",
            rita + " codecommit codecommit promote frozen >" + frozen),
        auditOf("ledger"));
    JsonNode refused =
        admin
            .get("/v1/audit?app=ledger&action=codecommit%20promote&limit=1")
            .json()
            .path("items")
            .path(0);
    assertEquals(409, refused.path("status").asInt(), refused.toString());
    assertTrue(refused.path("detail").asText().contains("quarter end"), refused.toString());
    wall = wall.plus(Duration.ofNanos(System.nanoTime() - begun));
  }

  @Test
  void aTenMinuteSoak_andAFourHourApprovalTimeout_passInSecondsWithTheClockMoved()
      throws Exception {
    long begun = System.nanoTime();
    ObjectNode app = JSON.createObjectNode().put("name", "flow");
    app.putArray("pipeline")
        .add(JSON.createObjectNode().put("environment", "dev").put("soakSeconds", 600))
        .add(
            JSON.readTree(
                """
                {"environment": "staging", "approval": {"timeoutMinutes": 240,
                  "groups": [{"group": "staff", "min": 1}]}}"""));
    registerApp(app, List.of("dev", "staging"));
    ApiClient.Reply started =
        admin.send("POST", "/v1/apps/flow/promotions", "{\"version\":\"1.0.0\"}");
    ok(started, 202);
    String id = started.json().path("promotionId").asText();
    String machine =
        cloud.stateMachines().stream()
            .filter(arn -> arn.endsWith(":stagecoach-promotion"))
            .findFirst()
            .orElseThrow();
    String execution = machine.replace(":stateMachine:", ":execution:") + ":" + id;

    // Soaking: the Wait state has begun (its 600 s count from its entry).
    Instant deadline = Instant.now().plus(PATIENCE);
    while (cloud.stepFunctions().execution(execution).isEmpty()
        || cloud.stepFunctions().execution(execution).get().history().stream()
            .noneMatch(MovedClockScenariosTest::soakEntered)) {
      assertTrue(Instant.now().isBefore(deadline), "the soak never began");
      Thread.sleep(20);
    }
    moveBy(Duration.ofMinutes(10));
    JsonNode atStaging =
        await(
            "/v1/apps/flow/promotions/" + id,
            p -> p.path("pendingApprovals").size() > 0,
            "the staging approval after the soak");
    assertEquals("promoted", atStaging.path("stages").path(0).path("status").asText());
    String approval = atStaging.path("pendingApprovals").path(0).path("approvalId").asText();

    // Nobody decides; four hours later the approval has expired and the promotion stops.
    moveBy(Duration.ofHours(4));
    JsonNode failed =
        await(
            "/v1/apps/flow/promotions/" + id,
            p -> p.path("status").asText().equals("failed"),
            "the approval's timeout");
    assertEquals("approval_expired", failed.path("failure").asText(), failed.toString());
    assertEquals("expired", admin.get("/v1/approvals/" + approval).json().path("status").asText());
    assertFalse(admin.get("/v1/apps/flow/environments/staging").json().has("deployedVersion"));
    // The audit log has the approval's request and its expiry, and why the promotion stopped.
    List<String> decided =
        auditOf("flow").stream()
            .filter(l -> l.contains(" workflow approval.") || l.contains(" workflow promotion."))
            .toList();
    assertEquals(
        List.of(
            "local-admin workflow workflow approval.requested accepted",
            "local-admin workflow workflow approval.expired accepted pending>expired",
            "local-admin workflow workflow promotion.failed approval_expired running>failed"),
        decided);
    wall = wall.plus(Duration.ofNanos(System.nanoTime() - begun));
  }

  private static boolean soakEntered(Run.HistoryEvent e) {
    return e.type().equals("WaitStateEntered")
        && e.details() != null
        && e.details().path("name").asText().equals("Soak");
  }

  @Test
  void aDeploymentWindowTwoDaysAhead_opensWhenTheClockGetsThere() throws Exception {
    long begun = System.nanoTime();
    Instant opening =
        now()
            .atZone(ZoneOffset.UTC)
            .toLocalDate()
            .plusDays(2)
            .atTime(LocalTime.of(9, 0))
            .toInstant(ZoneOffset.UTC);
    DayOfWeek day = opening.atZone(ZoneOffset.UTC).getDayOfWeek();
    ObjectNode app = JSON.createObjectNode().put("name", "windowed");
    app.putArray("pipeline")
        .addObject()
        .put("environment", "dev")
        .putObject("window")
        .put("start", "09:00")
        .put("end", "10:00")
        .put("timeZone", "UTC")
        .putArray("days")
        .add(day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT));
    registerApp(app, List.of("dev"));

    // The window is closed now: the promotion waits at the stage (within its maxWaitHours, 72) in
    // a Wait state until the opening, which the clock's move reaches.
    ApiClient.Reply started =
        admin.send("POST", "/v1/apps/windowed/promotions", "{\"version\":\"1.0.0\"}");
    ok(started, 202);
    String promotion =
        "/v1/apps/windowed/promotions/" + started.json().path("promotionId").asText();
    await(
        promotion,
        p -> p.path("stages").path(0).path("status").asText().equals("waiting_for_window"),
        "the stage waiting for its window");
    assertEquals(
        "",
        admin.get("/v1/apps/windowed/environments/dev").json().path("deployedVersion").asText(""));

    moveTo(opening.plusSeconds(30));
    await(
        promotion,
        p -> p.path("status").asText().equals("succeeded"),
        "the promotion once the window opens");
    assertEquals(
        "1.0.0",
        admin.get("/v1/apps/windowed/environments/dev").json().path("deployedVersion").asText());
    wall = wall.plus(Duration.ofNanos(System.nanoTime() - begun));
  }
}
