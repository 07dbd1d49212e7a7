package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.testing.Fixtures;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promotion pipeline end to end on the local cloud, from the synthesized template: the API
 * starts the PromotionStateMachine, whose steps function gates each stage, asks for approvals (task
 * tokens kept in the registry), deploys through {@code events:putEvents.waitForTaskToken} to the
 * tier's provisioner (which answers the token), verifies, soaks and promotes.
 */
class PromotionScenariosTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static ApiClient rita;
  private static ApiClient sam;
  private static ApiClient cleo;
  private static ApiClient outsider;
  private static HttpServer health;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    rita = admin.as(token("rita", "deployer", "staff"));
    sam = admin.as(token("sam", "viewer", "staff"));
    cleo = admin.as(token("cleo", "viewer", "client"));
    outsider = admin.as(token("olga", "deployer", "ops"));
    // The stage's health check: releases 1.x answer 200, 2.x answer 500.
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext(
        "/",
        exchange -> {
          int status = exchange.getRequestURI().getPath().contains("/2.") ? 500 : 200;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    health.start();
  }

  @AfterAll
  static void stop() throws Exception {
    health.stop(0);
    cloud.close();
  }

  private static String token(String who, String role, String group) {
    ApiClient.Reply r =
        admin.send(
            "POST",
            "/v1/tokens",
            "{\"principal\":\""
                + who
                + "\",\"roles\":[\""
                + role
                + "\"],\"groups\":[\""
                + group
                + "\"]}");
    assertEquals(201, r.status(), r.body());
    return r.json().path("token").asText();
  }

  /**
   * dev (automatic, health-checked) -> staging (1 of staff) -> prod (1 of staff and 1 of client).
   */
  static void registerApp(String app, int approvalTimeoutSeconds, String concurrency)
      throws Exception {
    ObjectNode template = (ObjectNode) JSON.readTree(Fixtures.ORDERS_TEMPLATE);
    template.withObject("Parameters").putObject("HealthBase").put("Type", "String");
    template
        .withObject("Outputs")
        .putObject("HealthUrl")
        .putObject("Value")
        .put("Fn::Sub", "${HealthBase}/v/${ReleaseVersion}");
    ObjectNode body = JSON.createObjectNode().put("name", app).put("concurrency", concurrency);
    ArrayNode pipeline = body.putArray("pipeline");
    pipeline
        .addObject()
        .put("environment", "dev")
        .putObject("verification")
        .put("urlOutput", "HealthUrl")
        .put("path", "/health")
        .put("attempts", 2)
        .put("intervalSeconds", 0);
    ObjectNode staging = pipeline.addObject().put("environment", "staging");
    staging
        .putObject("approval")
        .put("timeoutSeconds", approvalTimeoutSeconds)
        .putArray("groups")
        .addObject()
        .put("group", "staff")
        .put("min", 1);
    ObjectNode prod = pipeline.addObject().put("environment", "prod");
    ArrayNode prodGroups =
        prod.putObject("approval").put("timeoutSeconds", approvalTimeoutSeconds).putArray("groups");
    prodGroups.addObject().put("group", "staff").put("min", 1);
    prodGroups.addObject().put("group", "client").put("min", 1);
    body.putObject("template").set("body", template);
    ApiClient.Reply created = admin.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    String base = "http://127.0.0.1:" + health.getAddress().getPort();
    for (String[] env :
        List.of(
            new String[] {"dev", "dev"},
            new String[] {"staging", "staging"},
            new String[] {"prod", "prod"})) {
      ApiClient.Reply put =
          admin.send(
              "PUT",
              "/v1/apps/" + app + "/environments/" + env[0],
              "{\"tier\":\""
                  + env[1]
                  + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\",\"config\":{\"HealthBase\":\""
                  + base
                  + "\"}}");
      assertEquals(201, put.status(), put.body());
    }
    for (String version : List.of("1.0.0", "1.1.0", "2.0.0")) {
      assertEquals(
          201,
          admin
              .send(
                  "POST",
                  "/v1/apps/" + app + "/releases",
                  "{\"version\":\""
                      + version
                      + "\",\"artifactUri\":\"s3://artifacts/"
                      + version
                      + ".zip\",\"digest\":\""
                      + LocalCloudTest.DIGEST
                      + "\"}")
              .status());
    }
  }

  static String promote(ApiClient as, String app, String body) {
    ApiClient.Reply r = as.send("POST", "/v1/apps/" + app + "/promotions", body);
    assertEquals(202, r.status(), r.body());
    return r.json().path("promotionId").asText();
  }

  static JsonNode await(String app, String id, Predicate<JsonNode> until, String what)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode p = null;
    while (Instant.now().isBefore(deadline)) {
      p = admin.get("/v1/apps/" + app + "/promotions/" + id).json();
      if (until.test(p)) {
        return p;
      }
      Thread.sleep(100);
    }
    fail(
        "promotion "
            + id
            + " never got to "
            + what
            + ": "
            + p
            + "; dead letters "
            + cloud.eventBridge().deadLetters());
    return p;
  }

  static Predicate<JsonNode> awaitingApprovalIn(String env) {
    return p ->
        p.path("pendingApprovals").size() > 0
            && p.path("pendingApprovals").path(0).path("environment").asText().equals(env);
  }

  static Predicate<JsonNode> status(String status) {
    return p -> p.path("status").asText().equals(status);
  }

  static ApiClient.Reply decide(ApiClient as, String approvalId, String decision) {
    return as.send(
        "POST",
        "/v1/approvals/" + approvalId,
        "{\"decision\":\"" + decision + "\",\"comment\":\"checked\"}");
  }

  @Test
  void devToStagingToProd_withStaffAndClientApprovals_deploysTheSameDigestEverywhere()
      throws Exception {
    registerApp("shop", 300, "supersede");
    String id = promote(rita, "shop", "{\"version\":\"1.0.0\"}");
    JsonNode atStaging = await("shop", id, awaitingApprovalIn("staging"), "the staging approval");
    assertEquals(
        "promoted",
        atStaging.path("stages").path(0).path("status").asText(),
        "dev needs no approval");
    String stagingApproval = atStaging.path("pendingApprovals").path(0).path("approvalId").asText();
    assertFalse(atStaging.toString().contains("taskToken"), "task tokens never leave the backend");

    ApiClient.Reply self = decide(rita, stagingApproval, "approve");
    assertEquals(403, self.status());
    assertEquals("self_approval", self.json().path("code").asText());
    ApiClient.Reply stranger = decide(outsider, stagingApproval, "approve");
    assertEquals(403, stranger.status());
    assertEquals("forbidden", stranger.json().path("code").asText());
    JsonNode pending = admin.get("/v1/approvals?pending=true").json().path("items");
    assertTrue(pending.toString().contains(stagingApproval));
    assertEquals(
        "approved", decide(sam, stagingApproval, "approve").json().path("status").asText());
    ApiClient.Reply twice = decide(sam, stagingApproval, "approve");
    assertEquals(409, twice.status(), "a decided approval is no longer pending");

    JsonNode atProd = await("shop", id, awaitingApprovalIn("prod"), "the prod approval");
    String prodApproval = atProd.path("pendingApprovals").path(0).path("approvalId").asText();
    assertEquals(
        "[{\"group\":\"staff\",\"count\":1},{\"group\":\"client\",\"count\":1}]",
        admin.get("/v1/approvals/" + prodApproval).json().path("missing").toString(),
        "before any decision, the whole policy is missing");
    JsonNode afterSam = decide(sam, prodApproval, "approve").json();
    assertEquals("pending", afterSam.path("status").asText(), "one staff approval is not enough");
    assertEquals(
        "[{\"group\":\"client\",\"count\":1}]",
        afterSam.path("missing").toString(),
        "what is missing, not the policy: " + afterSam);
    assertEquals(409, decide(sam, prodApproval, "approve").status(), "one person counts once");
    // The promotion explains each stage's gates: dev and staging passed, prod's approval waits for
    // exactly one of client, and says who has decided.
    JsonNode explained = admin.get("/v1/apps/shop/promotions/" + id).json();
    JsonNode prodGates = explained.path("stages").path(2).path("gates");
    JsonNode approvalGate = null;
    for (JsonNode g : prodGates) {
      if (g.path("gate").asText().equals("approval")) {
        approvalGate = g;
      }
    }
    assertNotNull(approvalGate, explained.toString());
    assertEquals("waiting", approvalGate.path("state").asText(), approvalGate.toString());
    assertEquals("[{\"group\":\"client\",\"count\":1}]", approvalGate.path("missing").toString());
    assertEquals("sam", approvalGate.at("/decisions/0/principal").asText());
    assertTrue(
        approvalGate.path("reason").asText().contains("still needs 1 of client; decided: sam"),
        approvalGate.toString());
    for (JsonNode g : explained.path("stages").path(1).path("gates")) {
      assertEquals("passed", g.path("state").asText(), "staging: " + g);
    }
    assertEquals(
        List.of("order", "freeze", "approval"),
        JSON.convertValue(prodGates.findValuesAsText("gate"), List.class),
        "prod's gates, in the order a release meets them");
    assertEquals("approved", decide(cleo, prodApproval, "approve").json().path("status").asText());

    JsonNode done = await("shop", id, status("succeeded"), "succeeded");
    for (JsonNode stage : done.path("stages")) {
      assertEquals("promoted", stage.path("status").asText(), done.toString());
    }
    for (String env : List.of("dev", "staging", "prod")) {
      JsonNode e = admin.get("/v1/apps/shop/environments/" + env).json();
      assertEquals("1.0.0", e.path("deployedVersion").asText(), env);
      assertEquals(
          LocalCloudTest.DIGEST, e.path("deployedDigest").asText(), "the same digest in " + env);
    }
    JsonNode decided = admin.get("/v1/approvals/" + prodApproval).json();
    assertEquals(2, decided.path("decisions").size());
    assertEquals("sam", decided.path("decisions").path(0).path("principal").asText());
    assertEquals("checked", decided.path("decisions").path(0).path("comment").asText());
    assertTrue(
        cloud.eventBridge().deadLetters().isEmpty(), cloud.eventBridge().deadLetters().toString());
  }

  @Test
  void aRejection_stopsThePromotion_andLaterDecisionsAreRefused() throws Exception {
    registerApp("rejects", 300, "supersede");
    String id = promote(rita, "rejects", "{\"version\":\"1.0.0\"}");
    String approval =
        await("rejects", id, awaitingApprovalIn("staging"), "the staging approval")
            .path("pendingApprovals")
            .path(0)
            .path("approvalId")
            .asText();
    assertEquals("rejected", decide(sam, approval, "reject").json().path("status").asText());
    JsonNode failed = await("rejects", id, status("failed"), "failed");
    assertEquals("approval_rejected", failed.path("failure").asText(), failed.toString());
    assertEquals(
        409, decide(admin.as(token("sue", "viewer", "staff")), approval, "approve").status());
    assertFalse(admin.get("/v1/apps/rejects/environments/staging").json().has("deployedVersion"));
  }

  @Test
  void anApprovalNobodyDecidesInTime_expires_andThePromotionStops() throws Exception {
    registerApp("slow", 300, "supersede");
    String id = promote(rita, "slow", "{\"version\":\"1.0.0\"}");
    String approval =
        await("slow", id, awaitingApprovalIn("staging"), "the staging approval")
            .path("pendingApprovals")
            .path(0)
            .path("approvalId")
            .asText();
    // Five minutes pass on the local cloud's clock, not on the wall's.
    ApiClient.Reply moved = admin.send("POST", "/_stagecoach/clock", "{\"by\": \"5m\"}");
    assertEquals(200, moved.status(), moved.body());
    JsonNode failed = await("slow", id, status("failed"), "failed");
    assertEquals("approval_expired", failed.path("failure").asText(), failed.toString());
    assertEquals("expired", admin.get("/v1/approvals/" + approval).json().path("status").asText());
    assertEquals(409, decide(sam, approval, "approve").status());
  }

  @Test
  void aFailedVerification_rollsTheStageBack_andFailsThePromotion() throws Exception {
    registerApp("verify", 300, "supersede");
    String first = promote(rita, "verify", "{\"version\":\"1.0.0\",\"to\":\"dev\"}");
    await("verify", first, status("succeeded"), "succeeded");
    String bad = promote(rita, "verify", "{\"version\":\"2.0.0\"}");
    JsonNode failed = await("verify", bad, status("failed"), "failed");
    assertEquals("verification_failed", failed.path("failure").asText(), failed.toString());
    assertEquals(
        "rolled_back", failed.path("stages").path(0).path("status").asText(), failed.toString());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    String running = "";
    while (Instant.now().isBefore(deadline) && !running.equals("1.0.0")) {
      running =
          admin.get("/v1/apps/verify/environments/dev").json().path("deployedVersion").asText();
      Thread.sleep(100);
    }
    assertEquals("1.0.0", running, "dev is back on its last good release");
    JsonNode history =
        admin.get("/v1/apps/verify/environments/dev/deployments").json().path("items");
    assertTrue(history.path(0).path("origin").asText().startsWith("rollback"), history.toString());
  }

  @Test
  void skippingAStage_isAnOrderViolation_andAFrozenStage_stopsAtItsGate() throws Exception {
    registerApp("gates", 300, "supersede");
    ApiClient.Reply skip =
        rita.send("POST", "/v1/apps/gates/promotions", "{\"version\":\"1.0.0\",\"from\":\"prod\"}");
    assertEquals(409, skip.status(), skip.body());
    assertEquals("order_violation", skip.json().path("code").asText());
    assertEquals(
        400,
        rita.send("POST", "/v1/apps/gates/promotions", "{\"version\":\"1.0.0\",\"to\":\"nope\"}")
            .status());
    assertEquals(
        404, rita.send("POST", "/v1/apps/gates/promotions", "{\"version\":\"9.9.9\"}").status());

    ApiClient.Reply frozen =
        rita.send("PUT", "/v1/apps/gates/environments/dev/freeze", "{\"reason\":\"incident 42\"}");
    assertEquals(200, frozen.status(), frozen.body());
    ApiClient.Reply refused =
        rita.send("POST", "/v1/apps/gates/promotions", "{\"version\":\"1.0.0\"}");
    assertEquals(409, refused.status());
    assertEquals("frozen", refused.json().path("code").asText());
    assertEquals(200, rita.send("DELETE", "/v1/apps/gates/environments/dev/freeze", null).status());

    assertEquals(
        200,
        rita.send(
                "PUT",
                "/v1/apps/gates/environments/staging/freeze",
                "{\"reason\":\"release freeze\"}")
            .status());
    String id = promote(rita, "gates", "{\"version\":\"1.0.0\"}");
    JsonNode stopped = await("gates", id, status("failed"), "failed");
    assertEquals("frozen", stopped.path("failure").asText(), stopped.toString());
    assertEquals("promoted", stopped.path("stages").path(0).path("status").asText());
    assertEquals("failed", stopped.path("stages").path(1).path("status").asText());
  }

  @Test
  void aNewerReleaseReachingAStage_supersedesTheOlderPromotionWaitingThere() throws Exception {
    registerApp("newer", 300, "supersede");
    String older = promote(rita, "newer", "{\"version\":\"1.0.0\"}");
    await("newer", older, awaitingApprovalIn("staging"), "the staging approval");
    String newer = promote(rita, "newer", "{\"version\":\"1.1.0\"}");
    JsonNode superseded = await("newer", older, status("superseded"), "superseded");
    assertEquals("superseded", superseded.path("failure").asText(), superseded.toString());
    JsonNode waiting = await("newer", newer, awaitingApprovalIn("staging"), "the staging approval");
    assertEquals("1.1.0", waiting.path("version").asText());
    assertEquals(
        Set.of("1.1.0"),
        Set.of(
            admin.get("/v1/apps/newer/environments/dev").json().path("deployedVersion").asText()));
  }

  @Test
  void aStageWhoseWindowOpensLaterThanItWaits_refusesThePromotion_withWindowClosed()
      throws Exception {
    String otherDay =
        java.time.LocalDate.now(java.time.ZoneOffset.UTC)
            .minusDays(2)
            .getDayOfWeek()
            .name()
            .substring(0, 3);
    ObjectNode body = JSON.createObjectNode().put("name", "windowed");
    ObjectNode dev = body.putArray("pipeline").addObject().put("environment", "dev");
    dev.putObject("window")
        .put("start", "00:00")
        .put("end", "23:59")
        .put("timeZone", "UTC")
        .putArray("days")
        .add(otherDay);
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    assertEquals(201, admin.send("POST", "/v1/apps", JSON.writeValueAsString(body)).status());
    assertEquals(
        201,
        admin
            .send(
                "PUT",
                "/v1/apps/windowed/environments/dev",
                "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
            .status());
    assertEquals(
        201,
        admin
            .send(
                "POST",
                "/v1/apps/windowed/releases",
                "{\"version\":\"1.0.0\",\"artifactUri\":"
                    + "\"s3://artifacts/w.zip\",\"digest\":\""
                    + LocalCloudTest.DIGEST
                    + "\"}")
            .status());
    ApiClient.Reply refused =
        rita.send("POST", "/v1/apps/windowed/promotions", "{\"version\":\"1.0.0\"}");
    assertEquals(409, refused.status(), refused.body());
    assertEquals("window_closed", refused.json().path("code").asText());
    assertEquals(
        0,
        admin.get("/v1/apps/windowed/promotions").json().path("items").size(),
        "nothing was started");
  }

  /**
   * A window that opens a few seconds from now: a direct deploy is refused with the opening, the
   * promotion waits at the stage (waiting_for_window, with the opening in its reason), and the
   * workflow goes on by itself once the window is open.
   */
  @Test
  void aPromotionReachingAClosedWindow_waitsForIt_thenGoesOnWhenItOpens() throws Exception {
    java.time.ZonedDateTime opens =
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
            .plusSeconds(8)
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    ObjectNode body = JSON.createObjectNode().put("name", "patient");
    ObjectNode dev = body.putArray("pipeline").addObject().put("environment", "dev");
    dev.putObject("window")
        .put("start", opens.toLocalTime().toString())
        .put("end", opens.plusHours(1).toLocalTime().toString())
        .put("timeZone", "UTC")
        .putArray("days")
        .add(opens.getDayOfWeek().name().substring(0, 3).toLowerCase(java.util.Locale.ROOT));
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    assertEquals(201, admin.send("POST", "/v1/apps", JSON.writeValueAsString(body)).status());
    assertEquals(
        201,
        admin
            .send(
                "PUT",
                "/v1/apps/patient/environments/dev",
                "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
            .status());
    assertEquals(
        201,
        admin
            .send(
                "POST",
                "/v1/apps/patient/releases",
                "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://artifacts/p.zip\",\"digest\":\""
                    + LocalCloudTest.DIGEST
                    + "\"}")
            .status());

    ApiClient.Reply deploy =
        rita.send(
            "POST",
            "/v1/apps/patient/deployments",
            "{\"environment\":\"dev\",\"version\":\"1.0.0\"}");
    assertEquals(409, deploy.status(), deploy.body());
    assertEquals("window_closed", deploy.json().path("code").asText());
    assertTrue(
        deploy.json().path("detail").asText().contains("opens next at " + opens.toInstant()),
        deploy.body());

    String id = promote(rita, "patient", "{\"version\":\"1.0.0\"}");
    JsonNode waiting =
        await(
            "patient",
            id,
            p -> p.path("stages").path(0).path("status").asText().equals("waiting_for_window"),
            "waiting for the window");
    assertTrue(
        waiting
            .path("stages")
            .path(0)
            .path("reason")
            .asText()
            .contains(opens.toInstant().toString()),
        waiting.toString());
    assertEquals("running", waiting.path("status").asText());
    assertTrue(Instant.now().isBefore(opens.toInstant()), "it waited before the window opened");

    JsonNode done = await("patient", id, status("succeeded"), "succeeded once the window opened");
    assertEquals("promoted", done.path("stages").path(0).path("status").asText(), done.toString());
    assertFalse(done.path("stages").path(0).has("reason"), "no reason left once it went on");
    assertFalse(
        Instant.parse(done.path("stages").path(0).path("finishedAt").asText())
            .isBefore(opens.toInstant()),
        "deployed once the window was open");
    assertEquals(
        "1.0.0",
        admin.get("/v1/apps/patient/environments/dev").json().path("deployedVersion").asText());
  }

  @Test
  void anAppThatQueues_letsTheNewerPromotionWaitUntilTheOlderHasLeftTheStage() throws Exception {
    registerApp("queued", 300, "queue");
    String older = promote(rita, "queued", "{\"version\":\"1.0.0\"}");
    String olderApproval =
        await("queued", older, awaitingApprovalIn("staging"), "the staging approval")
            .path("pendingApprovals")
            .path(0)
            .path("approvalId")
            .asText();
    String newer = promote(rita, "queued", "{\"version\":\"1.1.0\"}");
    // The newer one passes dev, then waits at staging's gate (retried by the workflow) instead of
    // superseding.
    Thread.sleep(3000);
    JsonNode waitingBehind = admin.get("/v1/apps/queued/promotions/" + newer).json();
    assertEquals("running", waitingBehind.path("status").asText(), waitingBehind.toString());
    assertEquals(
        0, waitingBehind.path("pendingApprovals").size(), "it has not asked for staging yet");
    assertEquals(
        "running",
        admin.get("/v1/apps/queued/promotions/" + older).json().path("status").asText(),
        "the older promotion is not superseded");
    assertEquals("approved", decide(sam, olderApproval, "approve").json().path("status").asText());
    JsonNode turn = await("queued", newer, awaitingApprovalIn("staging"), "its turn at staging");
    assertEquals("1.1.0", turn.path("version").asText());
  }
}
