package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.domain.override.BreakGlassRequested;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.events.EventDetails;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import io.stagecoach.testing.TestClock;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Break-glass: an admin asks to force a deploy or destroy past a freeze or a closed window, with a
 * reason; it takes effect only when a second, different admin confirms it within 60 minutes, and
 * the deployment records each gate it went past. Asked for and confirmed, it is an event.
 */
class BreakGlassTest {

  private final TestClock clock = TestClock.at("2026-11-22T10:00:00Z");
  private ApiHandler handler;
  private RecordingEventPublisher bus;

  @BeforeEach
  void frozenDev() {
    String table = LocalDynamoDb.newRegistryTable();
    bus = new RecordingEventPublisher();
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
            new Api(new RegistryService(registry), deployments, promotions, noPlanner, bus, clock));
    ok(
        "alice",
        "POST",
        "/v1/apps",
        "{\"name\":\"payments\",\"allowedEnvironments\":[\"qa\"],"
            + "\"template\":{\"body\":{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\"}}}},"
            + "\"pipeline\":[\"dev\",\"prod\"]}");
    for (String env : List.of("dev", "qa")) {
      ok(
          "alice",
          "PUT",
          "/v1/apps/payments/environments/" + env,
          "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
    }
    ok(
        "alice",
        "POST",
        "/v1/apps/payments/releases",
        "{\"version\":\"1.4.3\",\"artifactUri\":\"s3://a/p.zip\",\"digest\":\"sha256:"
            + "0".repeat(64)
            + "\"}");
    ok("sam", "PUT", "/v1/apps/payments/environments/dev/freeze", "{\"reason\":\"incident 42\"}");
    setUpEvents = bus.published().size();
  }

  private int setUpEvents;

  /** What was published after the set-up. */
  private List<StagecoachEvent> events() {
    List<StagecoachEvent> all = bus.published();
    return all.subList(setUpEvents, all.size());
  }

  private APIGatewayProxyResponseEvent as(
      String principal, String roles, String method, String target, String body) {
    int q = target.indexOf('?');
    APIGatewayProxyRequestEvent req =
        ApiTest.request(method, q < 0 ? target : target.substring(0, q), body, roles);
    req.getRequestContext().getAuthorizer().put("principal", principal);
    if (q >= 0) {
      Map<String, String> query = new HashMap<>();
      for (String pair : target.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(
            kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
      }
      req.setQueryStringParameters(query);
    }
    return OpenApiContract.checked(handler, req);
  }

  private JsonNode ok(String admin, String method, String path, String body) {
    APIGatewayProxyResponseEvent r = as(admin, "admin", method, path, body);
    assertTrue(r.getStatusCode() < 300, path + ": " + r.getBody());
    try {
      return r.getBody() == null || r.getBody().isEmpty() ? null : Json.parse(r.getBody());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final String FORCED =
      "{\"environment\":\"dev\",\"version\":\"1.4.3\","
          + "\"breakGlass\":{\"reason\":\"hotfix for incident 42\"}}";

  private JsonNode history(String env) throws Exception {
    return Json.parse(
            as(
                    "alice",
                    "viewer",
                    "GET",
                    "/v1/apps/payments/environments/" + env + "/deployments",
                    null)
                .getBody())
        .path("items");
  }

  /** What the event schema {@code schema} (in events/) finds wrong with {@code event}'s detail. */
  static Set<?> schemaProblems(StagecoachEvent event, String schema) throws Exception {
    try (InputStream in =
        BreakGlassTest.class.getResourceAsStream("/schemas/" + schema + ".schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(Json.MAPPER.readTree(in))
          .validate(EventDetails.detail(event));
    }
  }

  @Test
  void aFrozenDeploy_forcedByOneAdmin_happensOnlyWhenASecondAdminConfirms_recordedOnTheDeployment()
      throws Exception {
    APIGatewayProxyResponseEvent asked =
        as("alice", "admin", "POST", "/v1/apps/payments/deployments", FORCED);
    assertEquals(202, asked.getStatusCode(), asked.getBody());
    JsonNode glass = Json.parse(asked.getBody());
    String id = glass.path("breakGlassId").asText();
    assertEquals("/v1/break-glass/" + id, asked.getHeaders().get("Location"));
    assertEquals("pending", glass.path("status").asText());
    assertEquals("[\"freeze\"]", glass.path("gates").toString());
    assertTrue(glass.at("/refusals/0").asText().contains("incident 42"), glass.toString());
    assertEquals("2026-11-22T11:00:00Z", glass.path("expiresAt").asText(), "a 60-minute box");
    assertEquals(0, history("dev").size(), "nothing deployed yet");
    BreakGlassRequested requested = (BreakGlassRequested) events().get(0);
    assertEquals(Set.of(), schemaProblems(requested, "break-glass-requested"));

    APIGatewayProxyResponseEvent byHerself =
        as("alice", "admin", "POST", "/v1/break-glass/" + id, "{}");
    assertEquals(403, byHerself.getStatusCode(), byHerself.getBody());
    assertEquals("self_approval", Json.parse(byHerself.getBody()).path("code").asText());
    assertEquals(
        403, as("dora", "deployer", "POST", "/v1/break-glass/" + id, "{}").getStatusCode());
    assertEquals(0, history("dev").size());

    clock.advance(Duration.ofMinutes(20));
    JsonNode confirmed = ok("bob", "POST", "/v1/break-glass/" + id, "");
    assertEquals("confirmed", confirmed.path("status").asText());
    assertEquals("bob", confirmed.path("confirmedBy").asText());
    String deploymentId = confirmed.path("deploymentId").asText();
    JsonNode deployment = history("dev").path(0);
    assertEquals(deploymentId, deployment.path("id").asText());
    assertEquals("alice", deployment.path("requestedBy").asText(), "asked for by alice");
    JsonNode override = deployment.path("overrides").path(0);
    assertEquals("freeze", override.path("gate").asText());
    assertEquals("break-glass", override.path("basis").asText());
    assertTrue(
        override
            .path("detail")
            .asText()
            .contains("asked by alice (hotfix for incident 42)," + " confirmed by bob"),
        override.toString());
    assertTrue(events().stream().anyMatch(e -> e instanceof DeploymentRequested));
    BreakGlassConfirmed announced =
        (BreakGlassConfirmed)
            events().stream()
                .filter(e -> e instanceof BreakGlassConfirmed)
                .findFirst()
                .orElseThrow();
    assertEquals(Set.of(), schemaProblems(announced, "break-glass-confirmed"));

    APIGatewayProxyResponseEvent again = as("carl", "admin", "POST", "/v1/break-glass/" + id, "");
    assertEquals(409, again.getStatusCode(), "confirmed once: " + again.getBody());
    assertEquals(1, history("dev").size());
    assertEquals(
        409,
        as(
                "alice",
                "deployer",
                "POST",
                "/v1/apps/payments/deployments",
                "{\"environment\":\"dev\",\"version\":\"1.4.3\"}")
            .getStatusCode(),
        "the freeze still holds for everything else");
  }

  @Test
  void anUnconfirmedBreakGlass_expiresAfterItsHour_andCannotBeConfirmedThen() throws Exception {
    String id =
        Json.parse(as("alice", "admin", "POST", "/v1/apps/payments/deployments", FORCED).getBody())
            .path("breakGlassId")
            .asText();
    clock.advance(Duration.ofMinutes(61));
    APIGatewayProxyResponseEvent late = as("bob", "admin", "POST", "/v1/break-glass/" + id, "{}");
    assertEquals(409, late.getStatusCode(), late.getBody());
    assertTrue(late.getBody().contains("expired"), late.getBody());
    assertEquals(
        "expired", ok("bob", "GET", "/v1/break-glass/" + id, null).path("status").asText());
    assertEquals(0, history("dev").size());
  }

  @Test
  void badBreakGlassRequests_areSpecific4xx_andChangeNothing() throws Exception {
    record Case(String who, String roles, String body, int status, String code) {}
    for (Case c :
        List.of(
            new Case(
                "alice",
                "admin",
                "{\"environment\":\"dev\",\"version\":\"1.4.3\",\"breakGlass\":{}}",
                400,
                "validation_failed"),
            new Case(
                "alice",
                "admin",
                "{\"environment\":\"dev\",\"version\":\"1.4.3\",\"breakGlass\":{\"reason\":\" \"}}",
                400,
                "validation_failed"),
            new Case("dora", "deployer", FORCED, 403, "forbidden"),
            new Case(
                "alice",
                "admin",
                "{\"environment\":\"qa\",\"version\":\"1.4.3\",\"breakGlass\":{\"reason\":\"r\"}}",
                409,
                "conflict"),
            new Case(
                "alice",
                "admin",
                "{\"environment\":\"prod\",\"version\":\"1.4.3\",\"breakGlass\":{\"reason\":\"r\"}}",
                404,
                "not_found"),
            new Case(
                "alice",
                "admin",
                "{\"environment\":\"dev\",\"version\":\"9.9.9\",\"breakGlass\":{\"reason\":\"r\"}}",
                404,
                "not_found"))) {
      APIGatewayProxyResponseEvent r =
          as(c.who(), c.roles(), "POST", "/v1/apps/payments/deployments", c.body());
      assertEquals(c.status(), r.getStatusCode(), c.body() + ": " + r.getBody());
      assertEquals(c.code(), Json.parse(r.getBody()).path("code").asText(), c.body());
    }
    APIGatewayProxyRequestEvent keyed =
        ApiTest.request("POST", "/v1/apps/payments/deployments", FORCED, "admin");
    keyed.getHeaders().put("Idempotency-Key", "k-1");
    assertEquals(400, OpenApiContract.checked(handler, keyed).getStatusCode());
    assertEquals(
        404, as("bob", "admin", "POST", "/v1/break-glass/bg-000000000000", "{}").getStatusCode());
    assertEquals(400, as("bob", "admin", "POST", "/v1/break-glass/%20", "{}").getStatusCode());
    assertEquals(403, as("vic", "viewer", "GET", "/v1/break-glass", null).getStatusCode());
    assertEquals(0, ok("bob", "GET", "/v1/break-glass", null).path("items").size());
    assertEquals(0, history("dev").size());
    assertTrue(events().isEmpty(), events().toString());
  }

  @Test
  void aFrozenDestroy_canBeForcedTheSameWay_andEveryBreakGlassIsListedForReview() throws Exception {
    APIGatewayProxyResponseEvent plain =
        as("alice", "admin", "DELETE", "/v1/apps/payments/environments/dev?confirm=dev", null);
    assertEquals(409, plain.getStatusCode(), plain.getBody());
    APIGatewayProxyResponseEvent asked =
        as(
            "alice",
            "admin",
            "DELETE",
            "/v1/apps/payments/environments/dev?confirm=dev&breakGlass=decommissioned%20early",
            null);
    assertEquals(202, asked.getStatusCode(), asked.getBody());
    JsonNode glass = Json.parse(asked.getBody());
    assertEquals("destroy", glass.path("action").asText());
    assertFalse(glass.has("version"));
    JsonNode confirmed =
        ok("bob", "POST", "/v1/break-glass/" + glass.path("breakGlassId").asText(), "{}");
    JsonNode destroy = history("dev").path(0);
    assertEquals(confirmed.path("deploymentId").asText(), destroy.path("id").asText());
    assertEquals("destroy", destroy.path("action").asText());
    assertEquals("break-glass", destroy.at("/overrides/0/basis").asText());

    clock.advance(Duration.ofSeconds(1));
    as("alice", "admin", "POST", "/v1/apps/payments/deployments", FORCED);
    JsonNode review = ok("carl", "GET", "/v1/break-glass", null).path("items");
    assertEquals(2, review.size());
    assertEquals("deploy", review.at("/0/action").asText(), "newest first");
    assertEquals("pending", review.at("/0/status").asText());
    assertEquals("confirmed", review.at("/1/status").asText());
  }
}
