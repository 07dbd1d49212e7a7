package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.domain.override.BreakGlassRequested;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.promotion.PromotionStarted;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.Plans;
import io.stagecoach.testing.RecordingEventPublisher;
import io.stagecoach.testing.RecordingPromotionRunner;
import io.stagecoach.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Break-glass for a promotion: an admin asks to force it past the freezes and closed windows of its
 * stages, listed stage by stage; a second, different admin's confirmation starts it, and each stage
 * then goes past exactly the gates listed for it (each recorded on the stage's deployment), while a
 * freeze made after the ask holds and approvals still apply. On DynamoDB Local, with the workflow's
 * steps run as the workflow would run them.
 */
class BreakGlassPromotionTest {

  private final TestClock clock = TestClock.at("2026-11-22T10:00:00Z");
  private final RecordingPromotionRunner runner = new RecordingPromotionRunner(true);
  private ApiHandler handler;
  private RecordingEventPublisher bus;
  private DynamoDbRegistry registry;
  private DynamoDbDeployments deploymentStore;
  private DeploymentService deployments;
  private PromotionService promotions;
  private int setUpEvents;

  /**
   * payments: dev (frozen by sam), staging (open mon-fri only: closed on this Sunday), prod (one
   * approval of staff); release 1.4.3 registered, running nowhere.
   */
  @BeforeEach
  void frozenDev_closedStaging_approvedProd() {
    String table = LocalDynamoDb.newRegistryTable();
    bus = new RecordingEventPublisher();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deploymentStore = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    deployments = new DeploymentService(registry, deploymentStore, bus);
    promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(LocalDynamoDb.client(), table),
            runner,
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
        "{\"name\":\"payments\","
            + "\"template\":{\"body\":{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\"}}}},"
            + "\"pipeline\":[\"dev\","
            + "{\"environment\":\"staging\",\"window\":{\"days\":[\"mon\",\"tue\",\"wed\",\"thu\","
            + "\"fri\"],\"start\":\"09:00\",\"end\":\"17:00\",\"timeZone\":\"Europe/London\"}},"
            + "{\"environment\":\"prod\",\"approval\":{\"groups\":[{\"group\":\"staff\",\"min\":1}]}}]}");
    for (String env : List.of("dev", "staging", "prod")) {
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

  private List<StagecoachEvent> events() {
    List<StagecoachEvent> all = bus.published();
    return all.subList(setUpEvents, all.size());
  }

  private APIGatewayProxyResponseEvent as(
      String principal, String roles, String method, String path, String body) {
    APIGatewayProxyRequestEvent req = ApiTest.request(method, path, body, roles);
    req.getRequestContext().getAuthorizer().put("principal", principal);
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
      "{\"version\":\"1.4.3\",\"breakGlass\":{\"reason\":\"hotfix for incident 42\"}}";

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

  /** The stage's Deploy step, as the workflow runs it: recorded, then provisioned (succeeds). */
  private Deployment deployStage(String promotionId, String environment, String deploymentId) {
    Outcome<Deployment> recorded =
        deployments.recordForPromotion(
            new Principal("alice", Set.of()),
            "payments",
            deploymentId,
            environment,
            "1.4.3",
            promotionId,
            "token-" + environment,
            clock.now());
    assertInstanceOf(Outcome.Accepted.class, recorded, String.valueOf(recorded));
    Instant at = clock.now();
    new ProvisioningRun(registry, deploymentStore, Plans.MAKES_NOTHING, bus, () -> at)
        .run("payments", deploymentId, () -> Duration.ofMinutes(15));
    promotions.promoteStage("payments", promotionId, environment, clock.now());
    return ((Outcome.Accepted<Deployment>) recorded).value();
  }

  /** The {@code gate} of {@code stage} as GET .../promotions/{id} explains it. */
  private JsonNode gate(String promotionId, String stage, String gate) {
    JsonNode view = ok("carl", "GET", "/v1/apps/payments/promotions/" + promotionId, null);
    for (JsonNode s : view.path("stages")) {
      if (s.path("environment").asText().equals(stage)) {
        for (JsonNode g : s.path("gates")) {
          if (g.path("gate").asText().equals(gate)) {
            return g;
          }
        }
      }
    }
    throw new AssertionError("no " + gate + " gate of " + stage + " in " + view);
  }

  private String ask() throws Exception {
    APIGatewayProxyResponseEvent asked =
        as("alice", "admin", "POST", "/v1/apps/payments/promotions", FORCED);
    assertEquals(202, asked.getStatusCode(), asked.getBody());
    return Json.parse(asked.getBody()).path("breakGlassId").asText();
  }

  @Test
  void aPromotionForcedByOneAdmin_startsWhenASecondConfirms_andGoesPastTheListedGatesOnly()
      throws Exception {
    assertEquals(
        409,
        as("alice", "deployer", "POST", "/v1/apps/payments/promotions", "{\"version\":\"1.4.3\"}")
            .getStatusCode(),
        "without break-glass the frozen first stage refuses it");

    APIGatewayProxyResponseEvent asked =
        as("alice", "admin", "POST", "/v1/apps/payments/promotions", FORCED);
    assertEquals(202, asked.getStatusCode(), asked.getBody());
    JsonNode glass = Json.parse(asked.getBody());
    String id = glass.path("breakGlassId").asText();
    assertEquals("/v1/break-glass/" + id, asked.getHeaders().get("Location"));
    assertEquals("promote", glass.path("action").asText());
    assertEquals("pending", glass.path("status").asText());
    assertEquals("1.4.3", glass.path("version").asText());
    assertEquals("dev", glass.path("environment").asText(), "its first stage");
    assertEquals("[\"freeze\",\"window\"]", glass.path("gates").toString());
    assertEquals(
        "[{\"environment\":\"dev\",\"gates\":[\"freeze\"]},"
            + "{\"environment\":\"staging\",\"gates\":[\"window\"]},"
            + "{\"environment\":\"prod\",\"gates\":[]}]",
        glass.path("stages").toString());
    assertTrue(glass.at("/refusals/0").asText().contains("incident 42"), glass.toString());
    assertTrue(
        glass.at("/refusals/1").asText().contains("'staging' takes releases"), glass.toString());
    assertTrue(runner.started().isEmpty(), "nothing starts before the confirmation");
    assertEquals(
        0,
        ok("alice", "GET", "/v1/apps/payments/promotions", null).path("items").size(),
        "no promotion yet");
    assertEquals(
        Set.of(),
        BreakGlassTest.schemaProblems(
            (BreakGlassRequested) events().get(0), "break-glass-requested"));

    APIGatewayProxyResponseEvent byHerself =
        as("alice", "admin", "POST", "/v1/break-glass/" + id, "{}");
    assertEquals(403, byHerself.getStatusCode(), byHerself.getBody());
    assertEquals("self_approval", Json.parse(byHerself.getBody()).path("code").asText());
    APIGatewayProxyResponseEvent byDeployer =
        as("dora", "deployer", "POST", "/v1/break-glass/" + id, "{}");
    assertEquals(403, byDeployer.getStatusCode(), byDeployer.getBody());
    assertEquals("forbidden", Json.parse(byDeployer.getBody()).path("code").asText());
    assertTrue(runner.started().isEmpty());

    clock.advance(Duration.ofMinutes(20));
    JsonNode confirmed = ok("bob", "POST", "/v1/break-glass/" + id, "");
    assertEquals("confirmed", confirmed.path("status").asText());
    assertEquals("bob", confirmed.path("confirmedBy").asText());
    String promotionId = confirmed.path("promotionId").asText();
    assertEquals("pr-" + id, promotionId);
    assertFalse(confirmed.has("deploymentId"));
    assertEquals(List.of(promotionId), runner.started(), "the confirmation started its workflow");
    JsonNode promotion = ok("carl", "GET", "/v1/apps/payments/promotions/" + promotionId, null);
    assertEquals(id, promotion.path("breakGlassId").asText());
    assertEquals("alice", promotion.path("requestedBy").asText(), "asked for by alice");
    assertEquals(
        Set.of(),
        BreakGlassTest.schemaProblems(
            events().stream().filter(e -> e instanceof PromotionStarted).findFirst().orElseThrow(),
            "promotion-started"));
    assertEquals(
        Set.of(),
        BreakGlassTest.schemaProblems(
            events().stream()
                .filter(e -> e instanceof BreakGlassConfirmed)
                .findFirst()
                .orElseThrow(),
            "break-glass-confirmed"));
    APIGatewayProxyResponseEvent again = as("carl", "admin", "POST", "/v1/break-glass/" + id, "");
    assertEquals(409, again.getStatusCode(), "confirmed once: " + again.getBody());
    assertTrue(again.getBody().contains(promotionId), again.getBody());

    JsonNode devFreeze = gate(promotionId, "dev", "freeze");
    assertEquals("open", devFreeze.path("state").asText(), devFreeze.toString());
    assertTrue(
        devFreeze.path("reason").asText().contains("break-glass " + id), devFreeze.toString());
    assertEquals("open", gate(promotionId, "staging", "window").path("state").asText());

    // dev is frozen: the break-glass lets the promotion's stage through, and its deployment says
    // so.
    PromotionService.Entered dev =
        promotions.enterStage("payments", promotionId, "dev", clock.now());
    assertEquals("deploy", dev.next());
    deployStage(promotionId, "dev", dev.deploymentId());
    assertEquals("passed", gate(promotionId, "dev", "freeze").path("state").asText());
    JsonNode devDeployment = history("dev").path(0);
    assertEquals(dev.deploymentId(), devDeployment.path("id").asText());
    assertEquals("succeeded", devDeployment.path("status").asText());
    assertEquals(1, devDeployment.path("overrides").size(), devDeployment.toString());
    JsonNode override = devDeployment.at("/overrides/0");
    assertEquals("freeze", override.path("gate").asText());
    assertEquals("break-glass", override.path("basis").asText());
    assertTrue(
        override
            .path("detail")
            .asText()
            .contains("asked by alice (hotfix for incident 42), confirmed by bob"),
        override.toString());

    // staging's window is closed on a Sunday: it goes past it rather than waiting.
    PromotionService.Entered staging =
        promotions.enterStage("payments", promotionId, "staging", clock.now());
    assertEquals("deploy", staging.next(), "no wait for the window");
    deployStage(promotionId, "staging", staging.deploymentId());
    JsonNode stagingOverrides = history("staging").at("/0/overrides");
    assertEquals(1, stagingOverrides.size(), stagingOverrides.toString());
    assertEquals("window", stagingOverrides.at("/0/gate").asText());
    assertEquals("break-glass", stagingOverrides.at("/0/basis").asText());

    // prod's approval is no gate a break-glass goes past.
    PromotionService.Entered prod =
        promotions.enterStage("payments", promotionId, "prod", clock.now());
    assertEquals("approve", prod.next(), "the approval still applies");

    APIGatewayProxyResponseEvent other =
        as(
            "alice",
            "deployer",
            "POST",
            "/v1/apps/payments/promotions",
            "{\"version\":\"1.4.3\",\"from\":\"dev\"}");
    assertEquals(409, other.getStatusCode(), other.getBody());
    assertEquals(
        "frozen",
        Json.parse(other.getBody()).path("code").asText(),
        "the freeze still holds for every other promotion");
  }

  @Test
  void aStageFrozenAfterTheAsk_stillRefusesThePromotion() throws Exception {
    String id = ask();
    clock.advance(Duration.ofMinutes(5));
    ok("sam", "PUT", "/v1/apps/payments/environments/prod/freeze", "{\"reason\":\"audit\"}");
    String promotionId =
        ok("bob", "POST", "/v1/break-glass/" + id, "{}").path("promotionId").asText();
    deployStage(
        promotionId,
        "dev",
        promotions.enterStage("payments", promotionId, "dev", clock.now()).deploymentId());
    deployStage(
        promotionId,
        "staging",
        promotions.enterStage("payments", promotionId, "staging", clock.now()).deploymentId());
    assertEquals(
        "closed",
        gate(promotionId, "prod", "freeze").path("state").asText(),
        "a freeze made after the ask is explained as holding");
    PromotionService.GateClosed closed =
        assertThrows(
            PromotionService.GateClosed.class,
            () -> promotions.enterStage("payments", promotionId, "prod", clock.now()));
    assertEquals(Rejection.Code.FROZEN, closed.code());
    assertTrue(closed.getMessage().contains("audit"), closed.getMessage());
    assertEquals(0, history("prod").size(), "nothing deployed into prod");
    assertEquals(
        "frozen",
        ok("carl", "GET", "/v1/apps/payments/promotions/" + promotionId, null)
            .path("failure")
            .asText());
  }

  @Test
  void aFirstStageFrozenAgainAfterTheAsk_refusesTheConfirmation_andNothingStarts()
      throws Exception {
    String id = ask();
    clock.advance(Duration.ofMinutes(5));
    ok("sam", "DELETE", "/v1/apps/payments/environments/dev/freeze", null);
    ok("sam", "PUT", "/v1/apps/payments/environments/dev/freeze", "{\"reason\":\"second look\"}");
    APIGatewayProxyResponseEvent refused = as("bob", "admin", "POST", "/v1/break-glass/" + id, "");
    assertEquals(409, refused.getStatusCode(), refused.getBody());
    assertEquals("frozen", Json.parse(refused.getBody()).path("code").asText());
    assertTrue(runner.started().isEmpty());
    assertEquals(
        "pending", ok("bob", "GET", "/v1/break-glass/" + id, null).path("status").asText());
  }

  @Test
  void badPromotionBreakGlassRequests_areSpecific4xx_andChangeNothing() throws Exception {
    record Case(String who, String roles, String body, int status, String code) {}
    for (Case c :
        List.of(
            new Case(
                "alice",
                "admin",
                "{\"version\":\"1.4.3\",\"breakGlass\":{}}",
                400,
                "validation_failed"),
            new Case(
                "alice",
                "admin",
                "{\"version\":\"1.4.3\",\"breakGlass\":{\"reason\":\"" + "x".repeat(257) + "\"}}",
                400,
                "validation_failed"),
            new Case("dora", "deployer", FORCED, 403, "forbidden"),
            new Case(
                "alice",
                "admin",
                "{\"version\":\"9.9.9\",\"breakGlass\":{\"reason\":\"r\"}}",
                404,
                "not_found"),
            new Case(
                "alice",
                "admin",
                "{\"version\":\"1.4.3\",\"from\":\"staging\",\"breakGlass\":{\"reason\":\"r\"}}",
                409,
                "order_violation"))) {
      APIGatewayProxyResponseEvent r =
          as(c.who(), c.roles(), "POST", "/v1/apps/payments/promotions", c.body());
      assertEquals(c.status(), r.getStatusCode(), c.body() + ": " + r.getBody());
      assertEquals(c.code(), Json.parse(r.getBody()).path("code").asText(), c.body());
    }
    assertTrue(events().isEmpty(), events().toString());

    ok("sam", "DELETE", "/v1/apps/payments/environments/dev/freeze", null);
    APIGatewayProxyResponseEvent nothingRefuses =
        as(
            "alice",
            "admin",
            "POST",
            "/v1/apps/payments/promotions",
            "{\"version\":\"1.4.3\",\"to\":\"dev\",\"breakGlass\":{\"reason\":\"r\"}}");
    assertEquals(409, nothingRefuses.getStatusCode(), nothingRefuses.getBody());
    assertTrue(
        nothingRefuses.getBody().contains("send it without breakGlass"), nothingRefuses.getBody());

    ok("sam", "PUT", "/v1/apps/payments/environments/dev/freeze", "{\"reason\":\"again\"}");
    String id = ask();
    clock.advance(Duration.ofMinutes(61));
    APIGatewayProxyResponseEvent late = as("bob", "admin", "POST", "/v1/break-glass/" + id, "{}");
    assertEquals(409, late.getStatusCode(), late.getBody());
    assertTrue(late.getBody().contains("expired"), late.getBody());
    assertTrue(runner.started().isEmpty());
    assertEquals(0, ok("bob", "GET", "/v1/apps/payments/promotions", null).path("items").size());
  }
}
