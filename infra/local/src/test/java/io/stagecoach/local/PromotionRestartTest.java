package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.ServeProcesses;
import io.stagecoach.testing.Fixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A promotion waiting for the prod approval survives a SIGKILL of the local cloud's process (what
 * {@code stagecoach serve} runs, see {@link ServeProcesses}): the restarted serve still waits (the
 * execution and the approval's task token are in DynamoDB Local on disk), and the approval given
 * after the restart takes the release on to prod.
 */
class PromotionRestartTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sigkillWhileWaitingForTheProdApproval_theRestartedServeFinishesThePromotion(
      @TempDir Path dir) throws Exception {
    int port = ServeProcesses.freePort();
    List<Process> started = new ArrayList<>();
    try {
      Process serve = ServeProcesses.start(dir, port, started);
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      ApiClient admin =
          new ApiClient(endpoint, Files.readString(dir.resolve("admin-token")).trim());
      ApiClient rita = admin.as(token(admin, "rita", "deployer", "staff"));
      ApiClient cleo = admin.as(token(admin, "cleo", "viewer", "client"));

      ObjectNode body = JSON.createObjectNode().put("name", "vault");
      ArrayNode pipeline = body.putArray("pipeline");
      pipeline.add("dev");
      pipeline
          .addObject()
          .put("environment", "prod")
          .putObject("approval")
          .put("timeoutMinutes", 60)
          .putArray("groups")
          .addObject()
          .put("group", "client")
          .put("min", 1);
      body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
      assertEquals(201, admin.send("POST", "/v1/apps", JSON.writeValueAsString(body)).status());
      for (String env : List.of("dev", "prod")) {
        assertEquals(
            201,
            admin
                .send(
                    "PUT",
                    "/v1/apps/vault/environments/" + env,
                    "{\"tier\":\""
                        + env
                        + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
                .status());
      }
      assertEquals(
          201,
          admin
              .send(
                  "POST",
                  "/v1/apps/vault/releases",
                  "{\"version\":\"3.0.0\",\"artifactUri\":"
                      + "\"s3://artifacts/vault.zip\",\"digest\":\""
                      + LocalCloudTest.DIGEST
                      + "\"}")
              .status());
      ApiClient.Reply started1 =
          rita.send("POST", "/v1/apps/vault/promotions", "{\"version\":\"3.0.0\"}");
      assertEquals(202, started1.status(), started1.body());
      String id = started1.json().path("promotionId").asText();
      JsonNode waiting = await(admin, id, p -> p.path("pendingApprovals").size() == 1);
      String approval = waiting.path("pendingApprovals").path(0).path("approvalId").asText();
      assertEquals("prod", waiting.path("pendingApprovals").path(0).path("environment").asText());

      serve.destroyForcibly().waitFor();
      assertFalse(serve.isAlive());
      ServeProcesses.start(dir, port, started);

      JsonNode after = admin.get("/v1/apps/vault/promotions/" + id).json();
      assertEquals(
          "running",
          after.path("status").asText(),
          "still waiting after the restart: " + after + "\n" + ServeProcesses.output(dir));
      ApiClient.Reply approved =
          cleo.send("POST", "/v1/approvals/" + approval, "{\"decision\":\"approve\"}");
      assertEquals(200, approved.status(), approved.body());
      JsonNode done = await(admin, id, p -> !p.path("status").asText().equals("running"));
      assertEquals("succeeded", done.path("status").asText(), done.toString());
      assertEquals(
          "3.0.0",
          admin.get("/v1/apps/vault/environments/prod").json().path("deployedVersion").asText());
    } finally {
      for (Process p : started) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  private static String token(ApiClient admin, String who, String role, String group) {
    return admin
        .send(
            "POST",
            "/v1/tokens",
            "{\"principal\":\""
                + who
                + "\",\"roles\":[\""
                + role
                + "\"],\"groups\":[\""
                + group
                + "\"]}")
        .json()
        .path("token")
        .asText();
  }

  private static JsonNode await(ApiClient admin, String id, Predicate<JsonNode> until)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode p = null;
    while (Instant.now().isBefore(deadline)) {
      p = admin.get("/v1/apps/vault/promotions/" + id).json();
      if (until.test(p)) {
        return p;
      }
      Thread.sleep(100);
    }
    fail(
        "promotion "
            + id
            + " did not get there: "
            + p
            + "\napprovals: "
            + admin.get("/v1/approvals?pending=true").body()
            + "\nhistory dev: "
            + admin.get("/v1/apps/vault/environments/dev/deployments").body());
    return p;
  }
}
