package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.drift.DriftCheckRequested;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.Plans;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST .../environments/{env}/drift: a check now, handed to the tier's provisioner; the same check
 * for a second request while it runs; drift unknown for an environment never deployed; and bad
 * input refused with nothing recorded. Every exchange is held to openapi.json.
 */
class DriftRouteTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-05T08:00:00Z"), ZoneOffset.UTC);

  private ApiHandler handler;
  private String table;
  private RecordingEventPublisher bus;
  private DynamoDbRegistry registry;
  private DynamoDbDeployments deploymentStore;

  @BeforeEach
  void ledgerWithDevAndStaging() {
    table = LocalDynamoDb.newRegistryTable();
    bus = new RecordingEventPublisher();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deploymentStore = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    DeploymentService deployments = new DeploymentService(registry, deploymentStore, bus);
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
    ok(
        "POST",
        "/v1/apps",
        "{\"name\":\"ledger\",\"template\":{\"body\":{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\"}}}},"
            + "\"pipeline\":[{\"environment\":\"dev\",\"blockOnDrift\":true},\"staging\"]}");
    for (String env : List.of("dev", "staging")) {
      ok(
          "PUT",
          "/v1/apps/ledger/environments/" + env,
          "{\"tier\":\"" + env + "\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
    }
    ok(
        "POST",
        "/v1/apps/ledger/releases",
        "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/l.zip\",\"digest\":\"sha256:"
            + "0".repeat(64)
            + "\"}");
  }

  private APIGatewayProxyResponseEvent send(String method, String path, String body, String role) {
    return OpenApiContract.checked(handler, ApiTest.request(method, path, body, role));
  }

  private void ok(String method, String path, String body) {
    APIGatewayProxyResponseEvent r = send(method, path, body, "admin");
    assertTrue(r.getStatusCode() < 300, path + ": " + r.getBody());
  }

  private APIGatewayProxyResponseEvent check(String path, String role) {
    return send("POST", path, null, role);
  }

  /** Dev deployed by its provisioner (one that makes nothing: drift is not what it is about). */
  private void devDeployed() throws Exception {
    APIGatewayProxyResponseEvent asked =
        send(
            "POST",
            "/v1/apps/ledger/deployments",
            "{\"environment\":\"dev\",\"version\":\"1.0.0\"}",
            "admin");
    assertEquals(202, asked.getStatusCode(), asked.getBody());
    new ProvisioningRun(registry, deploymentStore, Plans.MAKES_NOTHING, bus, CLOCK::instant)
        .run(
            "ledger", Json.parse(asked.getBody()).path("id").asText(), () -> Duration.ofMinutes(5));
  }

  private List<String> items() {
    return LocalDynamoDb.client().scan(s -> s.tableName(table)).items().stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }

  private long checksHandedOver() {
    return bus.published().stream().filter(DriftCheckRequested.class::isInstance).count();
  }

  @Test
  void aDeployedEnvironment_isChecked_andASecondRequestWhileItRuns_answersTheSameCheck()
      throws Exception {
    devDeployed();
    APIGatewayProxyResponseEvent first =
        check("/v1/apps/ledger/environments/dev/drift", "deployer");
    assertEquals(202, first.getStatusCode(), first.getBody());
    assertEquals("/v1/apps/ledger/environments/dev", first.getHeaders().get("Location"));
    JsonNode started = Json.parse(first.getBody());
    assertTrue(started.path("started").asBoolean());
    String id = started.at("/check/id").asText();
    assertEquals("alice@example.com", started.at("/check/requestedBy").asText());
    assertEquals(id, started.at("/drift/checking/id").asText());
    assertEquals("unknown", started.at("/drift/status").asText(), "nothing found yet");

    APIGatewayProxyResponseEvent second =
        check("/v1/apps/ledger/environments/dev/drift", "deployer");
    assertEquals(202, second.getStatusCode(), second.getBody());
    JsonNode again = Json.parse(second.getBody());
    assertFalse(again.path("started").asBoolean());
    assertEquals(id, again.at("/check/id").asText());
    assertEquals(1, checksHandedOver(), "one check for the provisioner");

    JsonNode env =
        Json.parse(send("GET", "/v1/apps/ledger/environments/dev", null, "viewer").getBody());
    assertEquals(id, env.at("/drift/checking/id").asText());
  }

  @Test
  void anEnvironmentNeverDeployed_answersDriftUnknown_andStartsNothing() throws Exception {
    List<String> before = items();
    APIGatewayProxyResponseEvent r = check("/v1/apps/ledger/environments/staging/drift", "admin");
    assertEquals(200, r.getStatusCode(), r.getBody());
    JsonNode body = Json.parse(r.getBody());
    assertEquals("unknown", body.at("/drift/status").asText());
    assertFalse(body.has("check"), r.getBody());
    assertEquals(before, items());
    assertEquals(0, checksHandedOver());
  }

  @Test
  void badInput_isAProblem_withAStableCode_andNothingChanges() throws Exception {
    devDeployed();
    List<String> before = items();
    for (Object[] bad :
        new Object[][] {
          {"/v1/apps/ledger/environments/nosuch/drift", "admin", 404, "not_found"},
          {"/v1/apps/nosuch/environments/dev/drift", "admin", 404, "not_found"},
          {"/v1/apps/Ledger!/environments/dev/drift", "admin", 400, "validation_failed"},
          {"/v1/apps/ledger/environments/dev_1/drift", "admin", 400, "validation_failed"},
          {"/v1/apps/ledger/environments/dev/drift", "viewer", 403, "forbidden"}
        }) {
      APIGatewayProxyResponseEvent r = check((String) bad[0], (String) bad[1]);
      assertEquals(bad[2], r.getStatusCode(), bad[0] + ": " + r.getBody());
      assertEquals("application/problem+json", r.getHeaders().get("Content-Type"));
      assertEquals(bad[3], Json.parse(r.getBody()).path("code").asText(), r.getBody());
    }
    assertEquals(before, items(), "nothing recorded");
    assertEquals(0, checksHandedOver());
  }

  @Test
  void aStage_thatBlocksOnDrift_saysSo_andShowsTheDriftGate() throws Exception {
    JsonNode app = Json.parse(send("GET", "/v1/apps/ledger", null, "viewer").getBody());
    assertTrue(app.at("/pipeline/0/blockOnDrift").asBoolean(), app.toString());
    assertFalse(app.at("/pipeline/1").has("blockOnDrift"), app.toString());
    JsonNode eligibility =
        Json.parse(
            send("GET", "/v1/apps/ledger/releases/1.0.0/eligibility", null, "viewer").getBody());
    JsonNode dev = eligibility.at("/stages/0");
    assertEquals("dev", dev.path("environment").asText());
    JsonNode drift = null;
    for (JsonNode g : dev.path("gates")) {
      if (g.path("gate").asText().equals("drift")) {
        drift = g;
      }
    }
    assertNotNull(drift, dev.toString());
    assertEquals("open", drift.path("state").asText(), "never deployed, so never drifted");
  }
}
