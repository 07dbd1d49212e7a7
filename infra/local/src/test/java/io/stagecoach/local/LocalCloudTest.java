package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.testing.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stagecoach serve} end to end: the synthesized template, real HTTP, DynamoDB Local on disk.
 */
class LocalCloudTest {

  static final String DIGEST = "sha256:" + "4f".repeat(32);

  @Test
  void walkthrough_registersAnAppWithItsPipeline_environmentsAndARelease_andSurvivesARestart(
      @TempDir Path dir) throws Exception {
    String token;
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      assertTrue(cloud.adminTokenCreated());
      token = cloud.adminToken();
      assertEquals(
          token, Files.readString(dir.resolve("admin-token")).trim(), "the admin token is kept");
      assertEquals(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
          Files.getPosixFilePermissions(dir.resolve("admin-token")),
          "readable by its owner only");
      assertTrue(cloud.describe().contains("Ready in"));
      assertTrue(
          cloud.notRun().containsKey("AWS::IAM::Role"),
          "resource types it does not run are listed");
      ApiClient api = new ApiClient(cloud.endpoint(), token);

      assertEquals(
          201,
          api.send(
                  "POST",
                  "/v1/apps",
                  "{\"name\":\"payments\",\"pipeline\":[\"dev\",\"staging\",\"prod\"]}")
              .status());
      for (String tier : new String[] {"dev", "staging", "prod"}) {
        ApiClient.Reply env =
            api.send(
                "PUT",
                "/v1/apps/payments/environments/" + tier,
                "{\"tier\":\""
                    + tier
                    + "\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
        assertEquals(201, env.status(), env.body());
      }
      // The local cloud's clock: read, moved forward, never back; what happens after reads it.
      assertEquals(0, api.get("/_stagecoach/clock").json().get("offsetSeconds").asLong());
      ApiClient dayToken =
          api.as(
              api.send(
                      "POST",
                      "/v1/tokens",
                      "{\"principal\":\"ci\",\"roles\":[\"viewer\"],\"expiresInDays\":1}")
                  .json()
                  .get("token")
                  .asText());
      assertEquals(200, dayToken.get("/v1/apps").status());
      ApiClient.Reply moved = api.send("POST", "/_stagecoach/clock", "{\"by\": \"25h\"}");
      assertEquals(200, moved.status(), moved.body());
      assertEquals(90_000, moved.json().get("offsetSeconds").asLong());
      assertEquals(401, dayToken.get("/v1/apps").status(), "a day later, the token has expired");
      Instant movedTo = Instant.parse(moved.json().get("now").asText());
      for (String refused :
          List.of(
              "{\"by\": \"-1h\"}",
              "{\"by\": \"0h\"}",
              "{\"by\": \"400d\"}",
              "{\"by\": \"soon\"}",
              "{\"to\": \"2001-01-01T00:00:00Z\"}",
              "{\"to\": \"yesterday\"}",
              "{\"by\": \"1h\", \"to\": \"2001-01-01T00:00:00Z\"}",
              "{}",
              "not json")) {
        ApiClient.Reply back = api.send("POST", "/_stagecoach/clock", refused);
        assertEquals(400, back.status(), refused + ": " + back.body());
        assertEquals("validation_failed", back.json().get("code").asText());
      }
      assertTrue(
          api.send("POST", "/_stagecoach/clock", "{\"to\": \"2001-01-01T00:00:00Z\"}")
              .json()
              .get("detail")
              .asText()
              .contains("never moves back"));
      assertEquals(90_000, api.get("/_stagecoach/clock").json().get("offsetSeconds").asLong());
      assertEquals(
          403,
          api.as(
                  api.send("POST", "/v1/tokens", "{\"principal\":\"v\",\"roles\":[\"viewer\"]}")
                      .json()
                      .get("token")
                      .asText())
              .send("POST", "/_stagecoach/clock", "{\"by\": \"1h\"}")
              .status(),
          "moving the clock is an admin's");
      ApiClient.Reply release =
          api.send(
              "POST",
              "/v1/apps/payments/releases",
              "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://artifacts/payments-1.0.0.zip\",\"digest\":\""
                  + DIGEST
                  + "\",\"commit\":\"a1b2c3d\"}");
      assertEquals(201, release.status(), release.body());
      Instant registered = Instant.parse(release.json().get("createdAt").asText());
      assertFalse(
          registered.isBefore(movedTo), "the API's times are the local cloud's: " + registered);
      assertTrue(
          api.get("/v1/apps/payments/environments/prod").json().get("protected").asBoolean());

      // The API is also served under its stage, as on AWS.
      assertEquals(200, api.get("/live/v1/apps/payments").status());
      // No token: the authorizer's 401, as the template's gateway response renders it.
      ApiClient.Reply anonymous = new ApiClient(cloud.endpoint(), null).get("/v1/apps");
      assertEquals(401, anonymous.status());
      assertEquals("application/problem+json", anonymous.contentType());
      assertEquals("unauthorized", anonymous.json().get("code").asText());
      assertEquals(200, new ApiClient(cloud.endpoint(), null).get("/v1/openapi.json").status());
    }

    try (LocalCloud again = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      assertEquals(
          Duration.ofHours(25), again.clock().offset(), "a restart keeps the clock's time");
      assertTrue(again.describe().contains("1d 1h ahead of this machine's"), again.describe());
      assertFalse(again.adminTokenCreated(), "the kept admin token is reused");
      assertEquals(token, again.adminToken());
      ApiClient api = new ApiClient(again.endpoint(), token);
      assertEquals(3, api.get("/v1/apps/payments/environments").json().get("items").size());
      assertEquals(
          DIGEST, api.get("/v1/apps/payments/releases/1.0.0").json().get("digest").asText());
    }
    LocalClock.Refused back =
        assertThrows(
            LocalClock.Refused.class,
            () ->
                LocalCloud.start(
                    LocalCloud.Options.defaults(dir)
                        .withPort(0)
                        .withClockOffset(Duration.ofHours(1))));
    assertTrue(back.getMessage().contains("never moves back"), back.getMessage());
    assertFalse(Files.exists(dir.resolve("lock")), "a refused start leaves no lock behind");
    try (LocalCloud ahead =
        LocalCloud.start(
            LocalCloud.Options.defaults(dir).withPort(0).withClockOffset(Duration.ofDays(2)))) {
      assertEquals(Duration.ofDays(2), ahead.clock().offset());
    }
  }

  @Test
  void roles_areEnforcedThroughTheWholeStack(@TempDir Path dir) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      ApiClient admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
      ApiClient.Reply issued =
          admin.send("POST", "/v1/tokens", "{\"principal\":\"reader\",\"roles\":[\"viewer\"]}");
      assertEquals(201, issued.status(), issued.body());
      ApiClient viewer = admin.as(issued.json().get("token").asText());
      assertEquals(200, viewer.get("/v1/apps").status());
      ApiClient.Reply refused =
          viewer.send("POST", "/v1/apps", "{\"name\":\"x\",\"pipeline\":[\"dev\"]}");
      assertEquals(403, refused.status());
      assertEquals("forbidden", refused.json().get("code").asText());
      assertEquals("reader", viewer.get("/v1/me").json().get("principal").asText());
    }
  }

  @Test
  void adminOperations_listTheTemplatesRules_andFireOneNow_forAdminsOnly(@TempDir Path dir)
      throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      ApiClient admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
      ApiClient.Reply rules = admin.get("/_stagecoach/rules");
      assertEquals(200, rules.status(), rules.body());
      String rule = null;
      for (var r : rules.json().get("rules")) {
        if (r.get("name").asText().contains("ReleaseRegistered")) {
          rule = r.get("name").asText();
        }
      }
      assertNotNull(rule, rules.body());
      ApiClient.Reply fired = admin.send("POST", "/_stagecoach/rules/" + rule + "/fire", null);
      assertEquals(202, fired.status(), fired.body());
      assertFalse(fired.json().get("eventId").asText().isEmpty());
      assertEquals(404, admin.send("POST", "/_stagecoach/rules/nope/fire", null).status());
      assertEquals(401, new ApiClient(cloud.endpoint(), null).get("/_stagecoach/rules").status());
      String viewer =
          admin
              .send("POST", "/v1/tokens", "{\"principal\":\"v\",\"roles\":[\"viewer\"]}")
              .json()
              .get("token")
              .asText();
      assertEquals(403, admin.as(viewer).get("/_stagecoach/rules").status());

      // The events the buses received, to follow live: the fired rule's Scheduled Event is there.
      ApiClient.Reply events = admin.get("/_stagecoach/events?after=0&limit=500");
      assertEquals(200, events.status(), events.body());
      var scheduled =
          java.util.stream.StreamSupport.stream(events.json().get("events").spliterator(), false)
              .filter(
                  e ->
                      e.path("event")
                          .path("id")
                          .asText()
                          .equals(fired.json().get("eventId").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(events.body()));
      assertEquals("Scheduled Event", scheduled.path("event").path("detail-type").asText());
      assertEquals("stagecoach-events", scheduled.path("bus").asText(), "the rule's bus");
      assertTrue(scheduled.path("event").path("resources").get(0).asText().endsWith(rule));
      long next = events.json().get("next").asLong();
      assertTrue(next >= scheduled.path("seq").asLong());

      // A long poll answers when the next event comes: a release registered through the API.
      java.util.concurrent.CompletableFuture<ApiClient.Reply> waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> admin.get("/_stagecoach/events?wait=20&after=" + next));
      assertEquals(
          201,
          admin.send("POST", "/v1/apps", "{\"name\":\"tailed\",\"pipeline\":[\"dev\"]}").status());
      assertEquals(
          201,
          admin
              .send(
                  "POST",
                  "/v1/apps/tailed/releases",
                  "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/b.zip\",\"digest\":\""
                      + DIGEST
                      + "\"}")
              .status());
      ApiClient.Reply woke = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, woke.status(), woke.body());
      var first = woke.json().get("events").get(0);
      assertEquals("Release Registered", first.path("event").path("detail-type").asText());
      assertEquals("tailed", first.path("event").path("detail").path("app").asText());
      assertEquals(next + 1, first.path("seq").asLong());

      // Bad cursors and waits are the caller's mistake, said as a problem; viewers may not read.
      for (String bad :
          List.of(
              "after=-1",
              "after=x",
              "after=999999",
              "wait=21",
              "limit=0",
              "since=yesterday",
              "after=0&since=2025-01-01T00:00:00Z",
              "follow=yes")) {
        ApiClient.Reply refused = admin.get("/_stagecoach/events?" + bad);
        assertEquals(400, refused.status(), bad + ": " + refused.body());
        assertEquals("application/problem+json", refused.contentType(), bad);
        assertEquals("validation_failed", refused.json().get("code").asText(), bad);
      }
      assertEquals(403, admin.as(viewer).get("/_stagecoach/events").status());
      assertEquals(401, new ApiClient(cloud.endpoint(), null).get("/_stagecoach/events").status());
    }
  }

  @Test
  void invalidStateMachineOrEventPatternInTheTemplate_stopsServe_namingTheResource(
      @TempDir Path dir) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode template;
    try (var in = LocalCloud.class.getResourceAsStream(LocalCloud.DEFAULT_TEMPLATE)) {
      template = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(in);
    }
    var resources = (com.fasterxml.jackson.databind.node.ObjectNode) template.get("Resources");
    String machine = null;
    String rule = null;
    for (var e : resources.properties()) {
      String type = e.getValue().path("Type").asText();
      machine = type.equals("AWS::StepFunctions::StateMachine") ? e.getKey() : machine;
      rule = type.equals("AWS::Events::Rule") ? e.getKey() : rule;
    }
    assertNotNull(machine);
    assertNotNull(rule);

    var badMachine = template.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            badMachine.at("/Resources/" + machine + "/Properties"))
        .put("DefinitionString", "{\"StartAt\": \"Nowhere\", \"States\": {}}");
    Path machineFile = dir.resolve("bad-machine.template.json");
    Files.writeString(machineFile, badMachine.toString());
    var e1 =
        assertThrows(
            io.stagecoach.local.template.TemplateException.class,
            () ->
                LocalCloud.start(
                    new LocalCloud.Options(
                        dir.resolve("a"),
                        0,
                        java.util.Optional.of(machineFile),
                        "us-east-1",
                        false)));
    assertTrue(e1.getMessage().contains(machine), e1.getMessage());

    var badRule = template.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            badRule.at("/Resources/" + rule + "/Properties"))
        .set("EventPattern", mapper.readTree("{\"source\": \"stagecoach\"}"));
    Path ruleFile = dir.resolve("bad-rule.template.json");
    Files.writeString(ruleFile, badRule.toString());
    var e2 =
        assertThrows(
            io.stagecoach.local.template.TemplateException.class,
            () ->
                LocalCloud.start(
                    new LocalCloud.Options(
                        dir.resolve("b"), 0, java.util.Optional.of(ruleFile), "us-east-1", false)));
    assertTrue(
        e2.getMessage().contains(rule) || e2.getMessage().contains("ReleaseRegistered"),
        e2.getMessage());
  }

  @Test
  void secondServe_onTheSameDirectory_isRefusedWithAClearMessage(@TempDir Path dir)
      throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0)));
      assertTrue(e.getMessage().contains("another 'stagecoach serve'"), e.getMessage());
      assertTrue(cloud.port() > 0);
    }
  }
}
