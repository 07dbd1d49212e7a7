package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry end to end on the local cloud: an expired ephemeral environment refuses deploys with
 * {@code expired}, and the reaper's schedule rule (fired now through the admin route, twice, as a
 * duplicate delivery would) destroys it once through the dev provisioner, while pinned, protected
 * and pipeline environments survive.
 */
class ExpiryEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    api = new ApiClient(cloud.endpoint(), cloud.adminToken());
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  private static void put(String path, String body, int status) throws Exception {
    ApiClient.Reply reply = api.send("PUT", path, body);
    assertEquals(status, reply.status(), reply.body());
  }

  private static String ephemeral(Instant expiresAt, boolean isProtected) {
    ObjectNode body = JSON.createObjectNode();
    body.put("kind", "ephemeral");
    body.put("account", "111111111111");
    body.put("region", "eu-west-1");
    body.put("protected", isProtected);
    body.put("expiresAt", expiresAt.toString());
    return body.toString();
  }

  private static ApiClient.Reply deploy(String env, String key) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("environment", env).put("version", "1.0.0");
    return api.send(
        "POST", "/v1/apps/shop/deployments", body.toString(), Map.of("Idempotency-Key", key));
  }

  private static JsonNode awaitDestroyed(String env) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode d :
          api.get("/v1/apps/shop/environments/" + env + "/deployments").json().path("items")) {
        if (d.path("action").asText().equals("destroy")
            && d.path("status").asText().equals("succeeded")) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    fail("no destroy of " + env + " succeeded; dead letters " + cloud.eventBridge().deadLetters());
    return null;
  }

  @Test
  void theReaper_destroysAnExpiredEphemeralEnvironmentOnce_andSparesPinnedProtectedAndPipeline()
      throws Exception {
    ObjectNode app = JSON.createObjectNode().put("name", "shop");
    app.putArray("pipeline").add("dev").add("prod");
    app.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    assertEquals(201, api.send("POST", "/v1/apps", app.toString()).status());
    put(
        "/v1/apps/shop/environments/dev",
        "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}",
        201);
    assertEquals(
        201,
        api.send(
                "POST",
                "/v1/apps/shop/releases",
                "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/shop.zip\",\"digest\":\""
                    + LocalCloudTest.DIGEST
                    + "\"}")
            .status());

    Instant expiry = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
    put("/v1/apps/shop/environments/pr-7", ephemeral(expiry, false), 201);
    put("/v1/apps/shop/environments/pr-pin", ephemeral(expiry, false), 201);
    put("/v1/apps/shop/environments/pr-prot", ephemeral(expiry, true), 201);
    ApiClient.Reply noReason =
        api.send("PUT", "/v1/apps/shop/environments/pr-pin/pin", "{\"reason\":\" \"}");
    assertEquals(400, noReason.status(), noReason.body());
    assertEquals("validation_failed", noReason.json().path("code").asText());
    ApiClient.Reply pipelinePin =
        api.send("PUT", "/v1/apps/shop/environments/dev/pin", "{\"reason\":\"keep\"}");
    assertEquals(409, pipelinePin.status(), pipelinePin.body());
    ApiClient.Reply pinned =
        api.send("PUT", "/v1/apps/shop/environments/pr-pin/pin", "{\"reason\":\"sales demo\"}");
    assertEquals(200, pinned.status(), pinned.body());
    assertEquals("sales demo", pinned.json().path("pinned").path("reason").asText());

    ApiClient.Reply first = deploy("pr-7", "before-expiry");
    assertEquals(202, first.status(), first.body());
    String deploymentId = first.json().path("id").asText();
    Instant deadline = Instant.now().plusSeconds(60);
    while (!api.get("/v1/apps/shop/deployments/" + deploymentId)
        .json()
        .path("status")
        .asText()
        .equals("succeeded")) {
      assertTrue(Instant.now().isBefore(deadline), "the first deploy did not succeed");
      Thread.sleep(50);
    }
    assertTrue(cloud.dynamo().client().listTables().tableNames().contains("shop-pr-7-orders"));

    // The local cloud's clock cannot be moved yet: wait for the wall clock to pass the expiry.
    while (!Instant.now().isAfter(expiry.plusMillis(50))) {
      Thread.sleep(Duration.between(Instant.now(), expiry).toMillis() + 60);
    }
    ApiClient.Reply refused = deploy("pr-7", "after-expiry");
    assertEquals(409, refused.status(), refused.body());
    assertEquals("expired", refused.json().path("code").asText());
    assertTrue(
        refused.json().path("detail").asText().contains("expired at " + expiry), refused.body());
    ApiClient.Reply expiring = api.get("/v1/environments/expiring?app=shop");
    List<String> listed = new ArrayList<>();
    expiring.json().path("items").forEach(e -> listed.add(e.path("name").asText()));
    assertEquals(
        List.of("pr-7", "pr-pin", "pr-prot"), listed.stream().sorted().toList(), expiring.body());

    String rule = null;
    for (JsonNode r : api.get("/_stagecoach/rules").json().path("rules")) {
      if (r.path("name").asText().contains("ReaperSchedule")) {
        rule = r.path("name").asText();
      }
    }
    assertNotNull(rule, api.get("/_stagecoach/rules").body());
    for (int i = 0; i < 2; i++) {
      ApiClient.Reply fired = api.send("POST", "/_stagecoach/rules/" + rule + "/fire", "");
      assertEquals(202, fired.status(), fired.body());
    }

    JsonNode destroy = awaitDestroyed("pr-7");
    assertEquals("reaper", destroy.path("requestedBy").asText(), destroy.toString());
    assertFalse(cloud.dynamo().client().listTables().tableNames().contains("shop-pr-7-orders"));
    assertEquals(404, api.get("/v1/apps/shop/environments/pr-7").status());
    // A third, late delivery finds nothing left to do.
    assertEquals(202, api.send("POST", "/_stagecoach/rules/" + rule + "/fire", "").status());
    long destroys = 0;
    for (JsonNode d : api.get("/v1/apps/shop/environments/pr-7/deployments").json().path("items")) {
      destroys += d.path("action").asText().equals("destroy") ? 1 : 0;
    }
    assertEquals(1, destroys, "duplicate and late reaper runs destroy once");
    for (String env : List.of("pr-pin", "pr-prot", "dev")) {
      assertEquals(200, api.get("/v1/apps/shop/environments/" + env).status(), env);
    }
  }
}
