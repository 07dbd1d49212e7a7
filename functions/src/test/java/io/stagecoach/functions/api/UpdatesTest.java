package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Updates that change only what they say: a PUT of an environment never drops its config or secret
 * references unsaid, and PATCH (JSON Merge Patch, RFC 7396) of apps and environments changes only
 * what the patch names, through the same rules as a PUT.
 */
class UpdatesTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  private static final String DB_PASSWORD =
      "arn:aws:secretsmanager:eu-west-1:333333333333:secret:payments-db-AbCdEf";

  private static final String PROD =
      "{\"tier\":\"prod\",\"account\":\"333333333333\",\"region\":\"eu-west-1\"";

  private ApiHandler handler;
  private String table;

  @BeforeEach
  void freshRegistry() {
    table = LocalDynamoDb.newRegistryTable();
    RecordingEventPublisher bus = new RecordingEventPublisher();
    DynamoDbRegistry registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    DeploymentService deployments =
        new DeploymentService(
            registry, new DynamoDbDeployments(LocalDynamoDb.client(), table), bus);
    PromotionService promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(LocalDynamoDb.client(), table),
            PromotionRunner.UNAVAILABLE,
            deployments,
            bus);
    TierPlanner noPlanner = (tier, app, env, version) -> new TierPlanner.Answer.Unavailable("none");
    handler =
        new ApiHandler(
            new Api(new RegistryService(registry), deployments, promotions, noPlanner, bus, CLOCK));
    assertEquals(
        201,
        send("POST", "/v1/apps", "{\"name\":\"payments\",\"pipeline\":[\"dev\",\"prod\"]}", "admin")
            .getStatusCode());
    assertEquals(
        201,
        send(
                "PUT",
                "/v1/apps/payments/environments/prod",
                PROD
                    + ",\"config\":{\"LOG_LEVEL\":\"warn\",\"REGION_ALIAS\":\"eu\"},"
                    + "\"secrets\":{\"DB_PASSWORD\":\""
                    + DB_PASSWORD
                    + "\",\"API_KEY\":\"ssm:/payments/api-key\"}}",
                "admin")
            .getStatusCode());
  }

  private APIGatewayProxyResponseEvent send(String method, String path, String body, String roles) {
    return OpenApiContract.checked(handler, ApiTest.request(method, path, body, roles));
  }

  private APIGatewayProxyResponseEvent patch(String path, String body, String roles) {
    APIGatewayProxyRequestEvent req = ApiTest.request("PATCH", path, body, roles);
    req.getHeaders().put("Content-Type", "application/merge-patch+json");
    return OpenApiContract.checked(handler, req);
  }

  private static JsonNode json(APIGatewayProxyResponseEvent response) throws Exception {
    return Json.parse(response.getBody());
  }

  private JsonNode prod() throws Exception {
    return json(send("GET", "/v1/apps/payments/environments/prod", null, "viewer"));
  }

  private List<String> items() {
    return LocalDynamoDb.client().scan(s -> s.tableName(table)).items().stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }

  @Test
  void aPutThatLeavesOutTheSecretsAndConfigAnEnvironmentHas_isRefusedNamingThem_andChangesNothing()
      throws Exception {
    List<String> before = items();
    APIGatewayProxyResponseEvent put =
        send("PUT", "/v1/apps/payments/environments/prod", PROD + "}", "admin");
    assertEquals(409, put.getStatusCode(), put.getBody());
    JsonNode problem = json(put);
    assertEquals("conflict", problem.path("code").asText());
    assertTrue(problem.path("detail").asText().contains("PATCH"), put.getBody());
    assertEquals("config", problem.at("/errors/0/field").asText());
    assertEquals(
        "would drop LOG_LEVEL, REGION_ALIAS (left out)", problem.at("/errors/0/message").asText());
    assertEquals("secrets", problem.at("/errors/1/field").asText());
    assertTrue(problem.at("/errors/1/message").asText().contains("DB_PASSWORD"), put.getBody());
    assertFalse(put.getBody().contains(DB_PASSWORD), "references are named by key only");
    assertEquals(before, items(), "nothing changed");

    APIGatewayProxyResponseEvent onlySecretsLeftOut =
        send(
            "PUT",
            "/v1/apps/payments/environments/prod",
            PROD + ",\"config\":{\"LOG_LEVEL\":\"warn\",\"REGION_ALIAS\":\"eu\"}}",
            "admin");
    assertEquals(409, onlySecretsLeftOut.getStatusCode());
    assertEquals(1, json(onlySecretsLeftOut).path("errors").size());
  }

  @Test
  void aPutThatSendsThemEmpty_removesThemOnPurpose() throws Exception {
    APIGatewayProxyResponseEvent put =
        send(
            "PUT",
            "/v1/apps/payments/environments/prod",
            PROD + ",\"config\":{},\"secrets\":{}}",
            "admin");
    assertEquals(200, put.getStatusCode(), put.getBody());
    assertTrue(prod().path("config").isEmpty());
    assertTrue(prod().path("secrets").isEmpty());
    assertEquals(
        200,
        send("PUT", "/v1/apps/payments/environments/prod", PROD + "}", "admin").getStatusCode(),
        "with nothing to drop, leaving them out is fine");
  }

  @Test
  void patchOfAnEnvironment_changesOnlyWhatItNames_mergingMapsKeyByKey_andNullRemoves()
      throws Exception {
    APIGatewayProxyResponseEvent patched =
        patch(
            "/v1/apps/payments/environments/prod",
            "{\"region\":\"eu-west-2\",\"config\":{\"LOG_LEVEL\":\"debug\",\"REGION_ALIAS\":null,"
                + "\"NEW_KEY\":\"x\"},\"secrets\":{\"DB_PASSWORD\":\""
                + DB_PASSWORD.replace("eu-west-1", "eu-west-2")
                + "\"}}",
            "deployer");
    assertEquals(200, patched.getStatusCode(), patched.getBody());
    assertEquals("\"2\"", patched.getHeaders().get("ETag"));
    JsonNode prod = prod();
    assertEquals("eu-west-2", prod.path("region").asText());
    assertEquals(
        Map.of("LOG_LEVEL", "debug", "NEW_KEY", "x"),
        Json.MAPPER.convertValue(prod.path("config"), Map.class));
    assertEquals(
        DB_PASSWORD.replace("eu-west-1", "eu-west-2"),
        prod.at("/secrets/DB_PASSWORD").asText(),
        "the secret moved with the environment");
    assertEquals("ssm:/payments/api-key", prod.at("/secrets/API_KEY").asText(), "secrets kept");
    assertTrue(prod.path("protected").asBoolean(), "protection kept");
    assertEquals("333333333333", prod.path("account").asText());

    assertEquals(
        200,
        patch("/v1/apps/payments/environments/prod", "{\"secrets\":null}", "deployer")
            .getStatusCode());
    assertTrue(prod().path("secrets").isEmpty(), "null removes the whole map, on purpose");
  }

  @Test
  void aSecretOfAnotherAccountOrRegion_isRefusedOnPutPatchAndPost_namingBoth_andChangesNothing()
      throws Exception {
    List<String> before = items();
    String elsewhere = DB_PASSWORD.replace("333333333333", "444444444444");
    APIGatewayProxyResponseEvent put =
        send(
            "PUT",
            "/v1/apps/payments/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"333333333333\",\"region\":\"eu-west-1\","
                + "\"secrets\":{\"DB_PASSWORD\":\""
                + elsewhere
                + "\"}}",
            "admin");
    assertEquals(400, put.getStatusCode(), put.getBody());
    assertEquals("validation_failed", json(put).path("code").asText());
    assertEquals("secrets.DB_PASSWORD", json(put).at("/errors/0/field").asText());
    String message = json(put).at("/errors/0/message").asText();
    assertTrue(
        message.contains("444444444444") && message.contains("333333333333"),
        "names both accounts: " + message);

    APIGatewayProxyResponseEvent patched =
        patch(
            "/v1/apps/payments/environments/prod",
            "{\"secrets\":{\"OTHER\":\"" + elsewhere + "\"}}",
            "admin");
    assertEquals(400, patched.getStatusCode(), patched.getBody());
    assertEquals("secrets.OTHER", json(patched).at("/errors/0/field").asText());

    // Moving the environment leaves its secret behind in the old region: refused until it moves.
    APIGatewayProxyResponseEvent moved =
        patch("/v1/apps/payments/environments/prod", "{\"region\":\"eu-west-3\"}", "admin");
    assertEquals(400, moved.getStatusCode(), moved.getBody());
    assertEquals("secrets.DB_PASSWORD", json(moved).at("/errors/0/field").asText());
    String regions = json(moved).at("/errors/0/message").asText();
    assertTrue(regions.contains("eu-west-1") && regions.contains("eu-west-3"), regions);
    assertEquals(
        1, json(moved).path("errors").size(), "ssm:/ references are the environment's own");

    APIGatewayProxyResponseEvent posted =
        send(
            "POST",
            "/v1/apps/payments/environments",
            "{\"name\":\"pr-7\",\"kind\":\"ephemeral\",\"account\":\"333333333333\","
                + "\"region\":\"eu-west-1\",\"secrets\":{\"DB_PASSWORD\":\""
                + DB_PASSWORD.replace("eu-west-1", "us-east-1")
                + "\"}}",
            "admin");
    assertEquals(400, posted.getStatusCode(), posted.getBody());
    assertEquals("secrets.DB_PASSWORD", json(posted).at("/errors/0/field").asText());
    assertEquals(before, items(), "nothing stored");
  }

  @Test
  void patchOfProtection_needsTheAdminRole_likeAPut() throws Exception {
    List<String> before = items();
    APIGatewayProxyResponseEvent byDeployer =
        patch("/v1/apps/payments/environments/prod", "{\"protected\":false}", "deployer");
    assertEquals(403, byDeployer.getStatusCode(), byDeployer.getBody());
    assertEquals("forbidden", json(byDeployer).path("code").asText());
    assertEquals(before, items());
    APIGatewayProxyResponseEvent byAdmin =
        patch("/v1/apps/payments/environments/prod", "{\"protected\":false}", "admin");
    assertEquals(200, byAdmin.getStatusCode(), byAdmin.getBody());
    assertFalse(prod().path("protected").asBoolean());
    assertEquals(DB_PASSWORD, prod().at("/secrets/DB_PASSWORD").asText());
  }

  @Test
  void badMergePatches_areRefusedWithSpecific4xx_andChangeNothing() throws Exception {
    List<String> before = items();
    String env = "/v1/apps/payments/environments/prod";
    record Case(String body, int status, String code, String field) {}
    for (Case c :
        List.of(
            new Case("[1,2]", 400, "validation_failed", "body"),
            new Case("\"prod\"", 400, "validation_failed", "body"),
            new Case("{\"region\":", 400, "validation_failed", "body"),
            new Case("", 400, "validation_failed", "body"),
            new Case("{\"teir\":\"dev\"}", 400, "validation_failed", "teir"),
            new Case(
                "{\"deployedVersion\":\"1.0.0\"}", 400, "validation_failed", "deployedVersion"),
            new Case("{\"account\":null}", 400, "validation_failed", "account"),
            new Case(
                "{\"config\":{\"LOG_LEVEL\":7}}", 400, "validation_failed", "config.LOG_LEVEL"),
            new Case("{\"kind\":\"personal\"}", 409, "conflict", null))) {
      APIGatewayProxyResponseEvent r = patch(env, c.body(), "admin");
      assertEquals(c.status(), r.getStatusCode(), c.body() + ": " + r.getBody());
      assertEquals(c.code(), json(r).path("code").asText(), c.body());
      if (c.field() != null) {
        assertEquals(c.field(), json(r).at("/errors/0/field").asText(), c.body());
      }
    }
    APIGatewayProxyRequestEvent jsonPatch =
        ApiTest.request("PATCH", env, "[{\"op\":\"remove\",\"path\":\"/secrets\"}]", "admin");
    jsonPatch.getHeaders().put("Content-Type", "application/json-patch+json");
    assertEquals(415, OpenApiContract.checked(handler, jsonPatch).getStatusCode());
    APIGatewayProxyRequestEvent stale =
        ApiTest.request("PATCH", env, "{\"config\":{\"LOG_LEVEL\":\"error\"}}", "admin");
    stale.getHeaders().put("If-Match", "\"7\"");
    assertEquals(409, OpenApiContract.checked(handler, stale).getStatusCode());
    assertEquals(
        404,
        patch("/v1/apps/payments/environments/nope", "{}", "admin").getStatusCode(),
        "PATCH does not create");
    assertEquals(
        403, patch(env, "{\"config\":{\"LOG_LEVEL\":\"error\"}}", "viewer").getStatusCode());
    assertEquals(before, items(), "nothing changed");
  }

  @Test
  void patchOfAnApp_changesOnlyWhatItNames_keepingTheRest() throws Exception {
    assertEquals(
        200,
        send(
                "PUT",
                "/v1/apps/payments",
                "{\"description\":\"Payments\",\"concurrency\":\"queue\",\"pipeline\":[\"dev\","
                    + "{\"environment\":\"prod\",\"soakSeconds\":60}],"
                    + "\"ephemeral\":{\"maxLifetimeDays\":7,\"defaultTtlHours\":24}}",
                "admin")
            .getStatusCode());
    APIGatewayProxyResponseEvent patched =
        patch(
            "/v1/apps/payments",
            "{\"description\":\"Card payments\",\"freeze\":{\"allowRollback\":false},"
                + "\"ephemeral\":{\"renewOnDeploy\":true}}",
            "admin");
    assertEquals(200, patched.getStatusCode(), patched.getBody());
    JsonNode app = json(send("GET", "/v1/apps/payments", null, "viewer"));
    assertEquals("Card payments", app.path("description").asText());
    assertEquals("queue", app.path("concurrency").asText());
    assertEquals(60, app.at("/pipeline/1/soakSeconds").asInt(), "the pipeline's gates stay");
    assertEquals(7, app.at("/ephemeral/maxLifetimeDays").asInt());
    assertTrue(app.at("/ephemeral/renewOnDeploy").asBoolean(), "objects merge");
    assertFalse(app.at("/freeze/allowRollback").asBoolean(true));
    assertEquals(3, app.path("revision").asInt());

    List<String> before = items();
    assertEquals(400, patch("/v1/apps/payments", "{\"name\":\"other\"}", "admin").getStatusCode());
    assertEquals(400, patch("/v1/apps/payments", "{\"pipeline\":null}", "admin").getStatusCode());
    assertEquals(
        403, patch("/v1/apps/payments", "{\"description\":\"x\"}", "deployer").getStatusCode());
    assertEquals(before, items());
  }

  @Test
  void anAppsDriftInterval_isKeptAndShown_andOneOutOfRangeIsRefusedNamingIt() throws Exception {
    APIGatewayProxyResponseEvent refused =
        patch("/v1/apps/payments", "{\"driftCheckHours\":0}", "admin");
    assertEquals(400, refused.getStatusCode(), refused.getBody());
    assertEquals(
        "driftCheckHours", json(refused).at("/errors/0/field").asText(), refused.getBody());
    assertEquals(
        400, patch("/v1/apps/payments", "{\"driftCheckHours\":\"6h\"}", "admin").getStatusCode());
    assertTrue(
        json(send("GET", "/v1/apps/payments", null, "viewer"))
            .path("driftCheckHours")
            .isMissingNode());

    assertEquals(
        200, patch("/v1/apps/payments", "{\"driftCheckHours\":6}", "admin").getStatusCode());
    assertEquals(
        6, json(send("GET", "/v1/apps/payments", null, "viewer")).path("driftCheckHours").asInt());
    assertEquals(
        200, patch("/v1/apps/payments", "{\"driftCheckHours\":null}", "admin").getStatusCode());
    assertTrue(
        json(send("GET", "/v1/apps/payments", null, "viewer"))
            .path("driftCheckHours")
            .isMissingNode(),
        "null removes it (RFC 7396): back to the schedule's interval");

    // The same for the config keys declared per environment: set, then cleared.
    assertEquals(
        200,
        patch("/v1/apps/payments", "{\"perEnvironmentConfig\":[\"LOG_LEVEL\"]}", "admin")
            .getStatusCode());
    assertEquals(
        "LOG_LEVEL",
        json(send("GET", "/v1/apps/payments", null, "viewer"))
            .at("/perEnvironmentConfig/0")
            .asText());
    assertEquals(
        200, patch("/v1/apps/payments", "{\"perEnvironmentConfig\":[]}", "admin").getStatusCode());
    assertEquals(
        0,
        json(send("GET", "/v1/apps/payments", null, "viewer")).path("perEnvironmentConfig").size());
  }
}
