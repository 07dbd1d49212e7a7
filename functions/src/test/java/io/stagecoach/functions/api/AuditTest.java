package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import io.stagecoach.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit log: every state-changing request, accepted or refused, once, in order, with who, from
 * which surface, what and how it ended; read whole by admins and by others for their own requests.
 */
class AuditTest {

  private ApiHandler handler;
  private String table;

  @BeforeEach
  void payments() {
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
            new Api(
                new RegistryService(registry),
                deployments,
                promotions,
                noPlanner,
                bus,
                java.util.Optional.empty(),
                new DynamoDbAuditLog(LocalDynamoDb.client(), table),
                TestClock.ticking("2026-11-22T10:00:00Z", Duration.ofSeconds(1))));
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
        query.put(kv[0], kv[1]);
      }
      req.setQueryStringParameters(query);
    }
    return OpenApiContract.checked(handler, req);
  }

  private JsonNode audit(String principal, String roles, String query) throws Exception {
    APIGatewayProxyResponseEvent r = as(principal, roles, "GET", "/v1/audit" + query, null);
    assertEquals(200, r.getStatusCode(), r.getBody());
    return Json.parse(r.getBody()).path("items");
  }

  private static List<String> lines(JsonNode items) {
    List<String> out = new ArrayList<>();
    items.forEach(
        e ->
            out.add(
                e.path("principal").asText()
                    + " "
                    + e.path("action").asText()
                    + " "
                    + e.path("outcome").asText()));
    return out;
  }

  private static final String PROD =
      "{\"tier\":\"prod\",\"account\":\"333333333333\",\"region\":\"eu-west-1\"";

  /**
   * The scenario of the issue: a deployer tries to unprotect prod, drop its secrets, destroy it.
   */
  private void scenario() {
    as(
        "alice",
        "admin",
        "POST",
        "/v1/apps",
        "{\"name\":\"payments\",\"pipeline\":[\"dev\",\"prod\"]}");
    as(
        "alice",
        "admin",
        "PUT",
        "/v1/apps/payments/environments/prod",
        PROD + ",\"secrets\":{\"DB\":\"ssm:/payments/db\"}}");
    as(
        "dora",
        "deployer",
        "PUT",
        "/v1/apps/payments/environments/prod",
        PROD + ",\"protected\":false}");
    as("dora", "deployer", "PUT", "/v1/apps/payments/environments/prod", PROD + "}");
    as("dora", "deployer", "DELETE", "/v1/apps/payments/environments/prod?confirm=prod", null);
    as("vic", "viewer", "PUT", "/v1/apps/payments/environments/prod/freeze", "{\"reason\":\"x\"}");
    as("dora", "deployer", "GET", "/v1/apps/payments/environments/prod", null);
  }

  @Test
  void everyChangeAndEveryRefusal_isRecordedOnce_inOrder_withWhoAndHow() throws Exception {
    scenario();
    JsonNode all = audit("alice", "admin", "");
    assertEquals(
        List.of(
            "vic PUT /v1/apps/{app}/environments/{env}/freeze forbidden",
            "dora DELETE /v1/apps/{app}/environments/{env} protected",
            "dora PUT /v1/apps/{app}/environments/{env} conflict",
            "dora PUT /v1/apps/{app}/environments/{env} forbidden",
            "alice PUT /v1/apps/{app}/environments/{env} accepted",
            "alice POST /v1/apps accepted"),
        lines(all),
        "newest first; the read is not audited");
    JsonNode refusal = all.path(2);
    assertEquals("api", refusal.path("surface").asText());
    assertEquals("/v1/apps/payments/environments/prod", refusal.path("target").asText());
    assertEquals("payments", refusal.path("app").asText());
    assertEquals("prod", refusal.path("environment").asText());
    assertEquals(409, refusal.path("status").asInt());
    assertEquals("test-request", refusal.path("requestId").asText());
    assertTrue(
        Instant.parse(refusal.path("at").asText()).isAfter(Instant.parse("2026-11-22T10:00:00Z")));
  }

  @Test
  void othersThanAdmins_readTheirOwnEntriesOnly_andFiltersNarrowTheLog() throws Exception {
    scenario();
    assertEquals(3, audit("dora", "deployer", "").size(), "her own three");
    APIGatewayProxyResponseEvent others =
        as("dora", "deployer", "GET", "/v1/audit?principal=alice", null);
    assertEquals(403, others.getStatusCode(), others.getBody());
    assertEquals(
        List.of("dora GET /v1/audit forbidden"),
        lines(audit("alice", "admin", "?action=GET%20/v1/audit".replace("%20", " "))),
        "the refused read is audited too");
    assertEquals(2, audit("alice", "admin", "?principal=alice").size());
    assertEquals(5, audit("alice", "admin", "?app=payments&env=prod").size());
    JsonNode first = audit("alice", "admin", "?principal=alice").path(1);
    Instant at = Instant.parse(first.path("at").asText());
    assertEquals(
        1, audit("alice", "admin", "?principal=alice&until=" + at).size(), "until is inclusive");
    assertEquals(
        1,
        audit("alice", "admin", "?principal=alice&since=" + at.plus(Duration.ofMillis(1))).size());
  }

  @Test
  void aPageAtATime_withACursor_andBadQueriesAreSpecific400s() throws Exception {
    scenario();
    APIGatewayProxyResponseEvent page = as("alice", "admin", "GET", "/v1/audit?limit=2", null);
    JsonNode body = Json.parse(page.getBody());
    assertEquals(2, body.path("items").size());
    String cursor = body.path("nextCursor").asText();
    assertFalse(cursor.isEmpty());
    JsonNode next =
        Json.parse(
            as("alice", "admin", "GET", "/v1/audit?limit=2&cursor=" + cursor, null).getBody());
    assertEquals(2, next.path("items").size());
    assertNotEquals(body.path("items").path(0), next.path("items").path(0));
    for (String bad :
        List.of(
            "?since=yesterday",
            "?since=2026-11-23T00:00:00Z&until=2026-11-22T00:00:00Z",
            "?cursor=bm90LWEtY3Vyc29y",
            "?env=Not_An_Env",
            "?action=workflow DROP",
            "?action=robot stage.started",
            "?action=reaper destroy.",
            "?limit=0")) {
      APIGatewayProxyResponseEvent r = as("alice", "admin", "GET", "/v1/audit" + bad, null);
      assertEquals(400, r.getStatusCode(), bad + ": " + r.getBody());
      assertEquals("validation_failed", Json.parse(r.getBody()).path("code").asText(), bad);
    }
  }

  @Test
  void theDecisionsOfPushesTheWorkflowAndTheReaper_areFiltersToo() throws Exception {
    new DynamoDbAuditLog(LocalDynamoDb.client(), table)
        .record(
            new AuditEntry(
                AuditEntry.idOf("workflow", "pr-1", "dev", "x"),
                Instant.parse("2026-11-22T09:00:00Z"),
                "rita",
                "workflow",
                "workflow stage.failed",
                "pr-1/dev",
                Optional.of("payments"),
                Optional.of("dev"),
                "frozen",
                409,
                "req-1",
                Optional.of("pending"),
                Optional.of("failed"),
                Optional.of("gate freeze: frozen by bob")));
    JsonNode found = audit("alice", "admin", "?action=workflow stage.failed");
    assertEquals(1, found.size(), found.toString());
    assertEquals("pending", found.path(0).path("before").asText());
    assertEquals("failed", found.path(0).path("after").asText());
    assertEquals("gate freeze: frozen by bob", found.path(0).path("detail").asText());
    assertEquals(1, audit("rita", "viewer", "").size(), "the requester reads it as their own");
    for (String action : List.of("codecommit promote", "reaper destroy", "slack deploy")) {
      assertEquals(List.of(), lines(audit("alice", "admin", "?action=" + action)), action);
    }
  }

  @Test
  void theCliIsItsOwnSurface() throws Exception {
    APIGatewayProxyRequestEvent req =
        ApiTest.request("POST", "/v1/apps", "{\"name\":\"cards\",\"pipeline\":[\"dev\"]}", "admin");
    req.getHeaders().put("User-Agent", "stagecoach-cli/0.1.0");
    assertEquals(201, OpenApiContract.checked(handler, req).getStatusCode());
    assertEquals("cli", audit("alice", "admin", "").path(0).path("surface").asText());
  }
}
