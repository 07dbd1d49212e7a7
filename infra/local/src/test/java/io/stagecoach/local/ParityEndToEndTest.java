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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/apps/{app}/compare} on the local cloud: environments made by real promotions and
 * deploys from pinned template revisions, compared side by side.
 */
class ParityEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP = "ledgers";
  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    ObjectNode body = JSON.createObjectNode().put("name", APP);
    body.putArray("pipeline").add("dev").add("staging").add("prod");
    body.putArray("perEnvironmentConfig").add("LOG_LEVEL");
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ok(201, admin.send("POST", "/v1/apps", JSON.writeValueAsString(body)));
    Map<String, String> config =
        Map.of(
            "dev", "{\"LOG_LEVEL\":\"debug\",\"FEATURE_X\":\"on\"}",
            "staging", "{\"LOG_LEVEL\":\"info\",\"FEATURE_X\":\"on\"}",
            "prod", "{\"LOG_LEVEL\":\"warn\"}");
    for (String env : List.of("dev", "staging", "prod")) {
      ok(
          201,
          admin.send(
              "PUT",
              "/v1/apps/" + APP + "/environments/" + env,
              "{\"tier\":\""
                  + env
                  + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\",\"config\":"
                  + config.get(env)
                  + "}"));
    }
    for (String version : List.of("1.0.0", "1.1.0")) {
      register(version);
    }
    promote("1.0.0", "prod");
    promote("1.1.0", "staging");
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  private static JsonNode ok(int status, ApiClient.Reply reply) {
    assertEquals(status, reply.status(), reply.body());
    return reply.json();
  }

  private static void register(String version) {
    ok(
        201,
        admin.send(
            "POST",
            "/v1/apps/" + APP + "/releases",
            "{\"version\":\""
                + version
                + "\",\"artifactUri\":\"s3://artifacts/"
                + version
                + ".zip\",\"digest\":\""
                + LocalCloudTest.DIGEST
                + "\"}"));
  }

  private static void promote(String version, String to) throws Exception {
    String id =
        ok(
                202,
                admin.send(
                    "POST",
                    "/v1/apps/" + APP + "/promotions",
                    "{\"version\":\"" + version + "\",\"to\":\"" + to + "\"}"))
            .path("promotionId")
            .asText();
    JsonNode p =
        awaitStatus("/v1/apps/" + APP + "/promotions/" + id, Set.of("succeeded", "failed"));
    assertEquals("succeeded", p.path("status").asText(), p.toString());
  }

  private static JsonNode awaitStatus(String path, Set<String> ends) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = admin.get(path).json();
      if (ends.contains(last.path("status").asText())) {
        return last;
      }
      Thread.sleep(50);
    }
    return fail(path + " did not end: " + last);
  }

  private static JsonNode compare(String left, String right) {
    return ok(200, admin.get("/v1/apps/" + APP + "/compare?left=" + left + "&right=" + right));
  }

  private static JsonNode row(JsonNode report, String section, String key) {
    for (JsonNode row : report.path("rows")) {
      if (row.path("section").asText().equals(section) && row.path("key").asText().equals(key)) {
        return row;
      }
    }
    return fail("no " + section + " " + key + " row in " + report);
  }

  @Test
  void stagingAndProd_withAnotherReleaseAndConfig_listEveryDifference() {
    JsonNode report = compare("staging", "prod");

    assertEquals("differs", report.path("parity").asText());
    assertEquals(
        "release 1.1.0 vs 1.0.0, same template; 2 config values differ, 1 declared per-env;"
            + " protection differs",
        report.path("verdict").asText());
    JsonNode version = row(report, "release", "version");
    assertEquals("1.1.0", version.path("left").asText());
    assertEquals("1.0.0", version.path("right").asText());
    JsonNode feature = row(report, "config", "FEATURE_X");
    assertEquals("on", feature.path("left").asText());
    assertFalse(feature.has("right"));
    assertFalse(feature.has("expected"));
    assertTrue(row(report, "config", "LOG_LEVEL").path("expected").asBoolean());
    assertTrue(row(report, "resource", "Orders").path("same").asBoolean());
    assertEquals("set", row(report, "output", "OrdersTable").path("left").asText());
  }

  @Test
  void theSameReleaseAndTemplate_compareAsSame_butForDeclaredConfig() {
    JsonNode report = compare("dev", "staging");

    assertEquals("expected", report.path("parity").asText());
    assertEquals(
        "same release and template; 1 config value differs, declared per-env",
        report.path("verdict").asText());
    assertEquals("r1", row(report, "template", "revision").path("left").asText());
  }

  @Test
  void aNewTemplateRevision_showsAsTheRevisionAndThePropertiesThatDiffer() throws Exception {
    String changed =
        Fixtures.ORDERS_TEMPLATE
            .replace("\"PAY_PER_REQUEST\"", "\"PROVISIONED\"")
            .replace(
                "\"KeySchema\"",
                "\"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": 1},"
                    + " \"KeySchema\"");
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("template").set("body", JSON.readTree(changed));
    ok(200, admin.send("PATCH", "/v1/apps/" + APP, JSON.writeValueAsString(patch)));
    // Compared before anything runs r2: both sides still run r1.
    assertEquals(
        "r1", row(compare("prod", "staging"), "template", "revision").path("left").asText());
    register("1.2.0");
    // A personal environment runs what it is given, directly.
    String personal =
        ok(
                201,
                admin.send(
                    "POST",
                    "/v1/apps/" + APP + "/environments",
                    "{\"kind\":\"personal\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}"))
            .path("name")
            .asText();
    String id =
        ok(
                202,
                admin.send(
                    "POST",
                    "/v1/apps/" + APP + "/deployments",
                    "{\"environment\":\"" + personal + "\",\"version\":\"1.2.0\"}"))
            .path("id")
            .asText();
    assertEquals(
        "succeeded",
        awaitStatus("/v1/apps/" + APP + "/deployments/" + id, Set.of("succeeded", "failed"))
            .path("status")
            .asText());

    JsonNode report = compare(personal, "staging");

    assertEquals("differs", report.path("parity").asText());
    assertTrue(
        report.path("verdict").asText().startsWith("release 1.2.0 vs 1.1.0, template r2 vs r1; "),
        report.path("verdict").asText());
    assertTrue(
        report.path("verdict").asText().contains("3 resource properties differ"),
        report.toString());
    JsonNode billing = row(report, "property", "Orders.BillingMode");
    assertEquals("PROVISIONED", billing.path("left").asText());
    assertEquals("PAY_PER_REQUEST", billing.path("right").asText());
    assertEquals(
        "1",
        row(report, "property", "Orders.ProvisionedThroughput.ReadCapacityUnits")
            .path("left")
            .asText());
  }

  @Test
  void badInput_isRefusedWithWhatIsWrong_andUnknownNamesAre404() {
    assertEquals(
        "right",
        ok(400, admin.get("/v1/apps/" + APP + "/compare?left=staging"))
            .path("errors")
            .path(0)
            .path("field")
            .asText());
    JsonNode same = ok(400, admin.get("/v1/apps/" + APP + "/compare?left=prod&right=prod"));
    assertTrue(same.toString().contains("same environment"), same.toString());
    JsonNode otherApp =
        ok(400, admin.get("/v1/apps/" + APP + "/compare?left=other%2Fprod&right=prod"));
    assertEquals("validation_failed", otherApp.path("code").asText());
    JsonNode unknown = ok(404, admin.get("/v1/apps/" + APP + "/compare?left=qa&right=prod"));
    assertTrue(unknown.path("detail").asText().contains("qa"), unknown.toString());
    ok(404, admin.get("/v1/apps/nope/compare?left=staging&right=prod"));
    assertEquals(
        401,
        admin
            .as("sc_not-a-token")
            .get("/v1/apps/" + APP + "/compare?left=dev&right=prod")
            .status());
  }
}
