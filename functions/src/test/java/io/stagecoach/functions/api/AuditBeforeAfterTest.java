package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.Plans;
import io.stagecoach.testing.RecordingEventPublisher;
import io.stagecoach.testing.RecordingPromotionRunner;
import io.stagecoach.testing.TestClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an accepted API request changed is in its audit entry, as the core did it: the revision an
 * app or environment write replaced and the one it made, the release an environment ran and the one
 * a deploy asks for with its deployment, an approval's status before and after; a refusal changed
 * nothing and has neither. Read back through GET /v1/audit, held to openapi.json.
 */
class AuditBeforeAfterTest {

  private static final String RELEASE =
      "{\"version\":\"%s\",\"artifactUri\":\"s3://a/l.zip\",\"digest\":\"sha256:"
          + "0".repeat(64)
          + "\"}";

  private final TestClock clock = TestClock.ticking("2026-12-05T08:00:00Z", Duration.ofSeconds(1));
  private ApiHandler handler;
  private DynamoDbRegistry registry;
  private DynamoDbDeployments deploymentStore;
  private PromotionService promotions;
  private RecordingEventPublisher bus;

  @BeforeEach
  void ledger() {
    String table = LocalDynamoDb.newRegistryTable();
    bus = new RecordingEventPublisher();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deploymentStore = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    DeploymentService deployments = new DeploymentService(registry, deploymentStore, bus);
    PromotionRunner started = new RecordingPromotionRunner(true);
    promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(LocalDynamoDb.client(), table),
            started,
            deployments,
            bus);
    TierPlanner noPlanner = (tier, app, env, version) -> new TierPlanner.Answer.Unavailable("none");
    handler =
        new ApiHandler(
            new Api(
                new RegistryService(registry),
                deployments,
                promotions,
                noPlanner,
                bus,
                java.util.Optional.empty(),
                new DynamoDbAuditLog(LocalDynamoDb.client(), table),
                clock));
  }

  private APIGatewayProxyResponseEvent as(
      String principal, String roles, String method, String target, String body) {
    int q = target.indexOf('?');
    APIGatewayProxyRequestEvent req =
        ApiTest.request(method, q < 0 ? target : target.substring(0, q), body, roles);
    req.getRequestContext().getAuthorizer().put("principal", principal);
    req.getRequestContext().getAuthorizer().put("groups", "staff");
    if (q >= 0) {
      Map<String, String> query = new HashMap<>();
      for (String pair : target.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], kv[1]);
      }
      req.setQueryStringParameters(query);
    }
    return OpenApiContract.checked(handler, req);
  }

  private JsonNode ok(String method, String target, String body) throws Exception {
    APIGatewayProxyResponseEvent r = as("alice", "admin", method, target, body);
    assertTrue(r.getStatusCode() < 300, method + " " + target + ": " + r.getBody());
    return r.getBody() == null || r.getBody().isEmpty() ? Json.object() : Json.parse(r.getBody());
  }

  /** The newest entry of {@code action}, as GET /v1/audit shows it. */
  private JsonNode newest(String action) throws Exception {
    APIGatewayProxyResponseEvent r =
        as("alice", "admin", "GET", "/v1/audit?action=" + action, null);
    assertEquals(200, r.getStatusCode(), r.getBody());
    JsonNode items = Json.parse(r.getBody()).path("items");
    assertFalse(items.isEmpty(), "no entry of " + action);
    return items.path(0);
  }

  private static String change(JsonNode entry) {
    return (entry.has("before") ? entry.path("before").asText() : "(none)")
        + " -> "
        + (entry.has("after") ? entry.path("after").asText() : "(none)");
  }

  private void ledgerApp() throws Exception {
    ok(
        "POST",
        "/v1/apps",
        "{\"name\":\"ledger\",\"template\":{\"body\":{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\"}}}},"
            + "\"pipeline\":[\"dev\",{\"environment\":\"staging\",\"approval\":{\"groups\":"
            + "[{\"group\":\"staff\",\"min\":1}]}}]}");
  }

  private static final String DEV =
      "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"";

  @Test
  void appAndEnvironmentWrites_goFromTheRevisionTheyReplaced_toTheOneTheyMade() throws Exception {
    ledgerApp();
    assertEquals("(none) -> revision 1", change(newest("POST /v1/apps")));

    ok("PUT", "/v1/apps/ledger/environments/dev", DEV + "}");
    JsonNode created = newest("PUT /v1/apps/{app}/environments/{env}");
    assertEquals("(none) -> revision 1", change(created), "a create has no before");
    assertEquals("accepted", created.path("outcome").asText());

    ok("PUT", "/v1/apps/ledger/environments/dev", DEV + ",\"config\":{\"LOG\":\"debug\"}}");
    assertEquals(
        "revision 1 -> revision 2", change(newest("PUT /v1/apps/{app}/environments/{env}")));
    ok("PUT", "/v1/apps/ledger/environments/dev", DEV + ",\"config\":{\"LOG\":\"info\"}}");
    assertEquals(
        "revision 2 -> revision 3", change(newest("PUT /v1/apps/{app}/environments/{env}")));

    ok("PATCH", "/v1/apps/ledger/environments/dev", "{\"protected\":true}");
    JsonNode patched = newest("PATCH /v1/apps/{app}/environments/{env}");
    assertEquals("revision 3 -> revision 4", change(patched));
    assertEquals("protected: true", patched.path("detail").asText());
    assertEquals(4, registry.findEnvironment("ledger", "dev").orElseThrow().revision());

    // A refused write changed nothing, and its entry says neither.
    APIGatewayProxyResponseEvent refused =
        as(
            "dora",
            "deployer",
            "PATCH",
            "/v1/apps/ledger/environments/dev",
            "{\"protected\":false}");
    assertEquals(403, refused.getStatusCode(), refused.getBody());
    JsonNode refusal = newest("PATCH /v1/apps/{app}/environments/{env}");
    assertEquals("forbidden", refusal.path("outcome").asText());
    assertEquals("(none) -> (none)", change(refusal));

    ok("PUT", "/v1/apps/ledger/environments/dev/freeze", "{\"reason\":\"audit\"}");
    assertEquals(
        "revision 4 -> revision 5 (frozen)",
        change(newest("PUT /v1/apps/{app}/environments/{env}/freeze")));
    ok("DELETE", "/v1/apps/ledger/environments/dev/freeze", null);
    assertEquals(
        "revision 5 -> revision 6 (open)",
        change(newest("DELETE /v1/apps/{app}/environments/{env}/freeze")));

    ok("PATCH", "/v1/apps/ledger", "{\"description\":\"the ledger\"}");
    assertEquals("revision 1 -> revision 2", change(newest("PATCH /v1/apps/{app}")));

    ok("PUT", "/v1/apps/ledger/environments/staging", DEV.replace("dev", "staging") + "}");
    ok("DELETE", "/v1/apps/ledger/environments/staging?confirm=staging", null);
    assertEquals(
        "revision 1 -> deleted", change(newest("DELETE /v1/apps/{app}/environments/{env}")));
  }

  /** Runs a requested deployment to success, with a provisioner that makes nothing. */
  private void provisioned(String deploymentId) {
    new ProvisioningRun(registry, deploymentStore, Plans.MAKES_NOTHING, bus, clock::instant)
        .run("ledger", deploymentId, () -> Duration.ofMinutes(5));
  }

  @Test
  void aDeploy_goesFromTheReleaseTheEnvironmentRan_toTheOneAsked_withItsDeployment()
      throws Exception {
    ledgerApp();
    ok("PUT", "/v1/apps/ledger/environments/dev", DEV + "}");
    ok("POST", "/v1/apps/ledger/releases", RELEASE.formatted("1.0.0"));
    assertEquals("(none) -> release 1.0.0", change(newest("POST /v1/apps/{app}/releases")));
    ok("POST", "/v1/apps/ledger/releases", RELEASE.formatted("1.1.0"));

    String first =
        ok("POST", "/v1/apps/ledger/deployments", "{\"environment\":\"dev\",\"version\":\"1.0.0\"}")
            .path("id")
            .asText();
    assertEquals(
        "(none) -> release 1.0.0 (deployment " + first + ")",
        change(newest("POST /v1/apps/{app}/deployments")),
        "dev ran nothing");
    provisioned(first);

    String second =
        ok("POST", "/v1/apps/ledger/deployments", "{\"environment\":\"dev\",\"version\":\"1.1.0\"}")
            .path("id")
            .asText();
    JsonNode deploy = newest("POST /v1/apps/{app}/deployments");
    assertEquals("release 1.0.0 -> release 1.1.0 (deployment " + second + ")", change(deploy));
    assertEquals("ledger", deploy.path("app").asText());
    provisioned(second);

    String rollback =
        ok("POST", "/v1/apps/ledger/environments/dev/rollback", null).path("id").asText();
    assertEquals(
        "release 1.1.0 -> release 1.0.0 (deployment " + rollback + ")",
        change(newest("POST /v1/apps/{app}/environments/{env}/rollback")));

    // Frozen: the deploy is refused, and its entry changes nothing.
    ok("PUT", "/v1/apps/ledger/environments/dev/freeze", "{\"reason\":\"audit\"}");
    APIGatewayProxyResponseEvent frozen =
        as(
            "alice",
            "admin",
            "POST",
            "/v1/apps/ledger/deployments",
            "{\"environment\":\"dev\",\"version\":\"1.1.0\"}");
    assertEquals(409, frozen.getStatusCode(), frozen.getBody());
    JsonNode refusal = newest("POST /v1/apps/{app}/deployments");
    assertEquals("frozen", refusal.path("outcome").asText());
    assertEquals("(none) -> (none)", change(refusal));
  }

  @Test
  void anApproval_goesFromPending_toApproved() throws Exception {
    ledgerApp();
    for (String env : new String[] {"dev", "staging"}) {
      ok("PUT", "/v1/apps/ledger/environments/" + env, DEV.replace("dev", env) + "}");
    }
    ok("POST", "/v1/apps/ledger/releases", RELEASE.formatted("1.0.0"));
    JsonNode promotion = ok("POST", "/v1/apps/ledger/promotions", "{\"version\":\"1.0.0\"}");
    String promotionId = promotion.path("promotionId").asText();
    assertEquals(
        "(none) -> promotion " + promotionId + " running",
        change(newest("POST /v1/apps/{app}/promotions")));
    Approval approval =
        promotions.requestApproval(
            "ledger", promotionId, "staging", "token-1", "ap-1", clock.instant());

    APIGatewayProxyResponseEvent decided =
        as("sam", "viewer", "POST", "/v1/approvals/" + approval.id(), "{\"decision\":\"approve\"}");
    assertEquals(200, decided.getStatusCode(), decided.getBody());
    JsonNode entry = newest("POST /v1/approvals/{id}");
    assertEquals("sam", entry.path("principal").asText());
    assertEquals("pending -> approved", change(entry));
    assertEquals("decision approve", entry.path("detail").asText());
  }
}
