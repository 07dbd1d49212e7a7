package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlackRoutesTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  private ApiHandler handler;

  @BeforeEach
  void freshRegistry() {
    String table = LocalDynamoDb.newRegistryTable();
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
    SlackDirectoryService slack =
        new SlackDirectoryService(
            new DynamoDbSlackDirectory(LocalDynamoDb.client(), table), registry);
    TierPlanner planner = (tier, app, env, version) -> new TierPlanner.Answer.Unavailable("none");
    handler =
        new ApiHandler(
            new Api(
                new RegistryService(registry),
                deployments,
                promotions,
                planner,
                bus,
                Optional.of(slack),
                CLOCK));
  }

  private APIGatewayProxyResponseEvent call(String roles, String method, String path, String body) {
    APIGatewayProxyRequestEvent request = ApiTest.request(method, path, body, roles);
    return handler.handleRequest(request, null);
  }

  private static JsonNode json(APIGatewayProxyResponseEvent response) throws Exception {
    return Json.parse(response.getBody());
  }

  @Test
  void anAdmin_linksASlackUser_readsItListsItAndUnlinksIt() throws Exception {
    APIGatewayProxyResponseEvent linked =
        call(
            "admin",
            "PUT",
            "/v1/slack/teams/T01STAGE/users/U04BOB",
            "{\"principal\":\"bob@example.com\",\"roles\":[\"deployer\"],\"groups\":[\"staff\"]}");
    assertEquals(201, linked.getStatusCode(), linked.getBody());
    assertEquals("bob@example.com", json(linked).get("principal").asText());
    assertEquals("alice@example.com", json(linked).get("updatedBy").asText());

    assertEquals(
        200,
        call(
                "admin",
                "PUT",
                "/v1/slack/teams/T01STAGE/users/U04BOB",
                "{\"principal\":\"bob@example.com\",\"roles\":[\"viewer\"]}")
            .getStatusCode());
    JsonNode read = json(call("admin", "GET", "/v1/slack/teams/T01STAGE/users/U04BOB", null));
    assertEquals("[\"viewer\"]", read.get("roles").toString());
    assertEquals(1, json(call("admin", "GET", "/v1/slack/users", null)).get("items").size());

    assertEquals(
        204,
        call("admin", "DELETE", "/v1/slack/teams/T01STAGE/users/U04BOB", null).getStatusCode());
    assertEquals(
        404, call("admin", "GET", "/v1/slack/teams/T01STAGE/users/U04BOB", null).getStatusCode());
  }

  @Test
  void linkingASlackUser_needsTheAdminRole() {
    APIGatewayProxyResponseEvent refused =
        call(
            "deployer",
            "PUT",
            "/v1/slack/teams/T01STAGE/users/U04BOB",
            "{\"principal\":\"bob\",\"roles\":[\"admin\"]}");
    assertEquals(403, refused.getStatusCode());
  }

  @Test
  void aLinkWithBadIdsOrUnknownFields_isRefusedAsValidationFailed() throws Exception {
    APIGatewayProxyResponseEvent refused =
        call(
            "admin",
            "PUT",
            "/v1/slack/teams/workspace/users/bob",
            "{\"principal\":\"bob\",\"roles\":[\"viewer\"],\"team\":\"T1\"}");
    assertEquals(400, refused.getStatusCode());
    assertEquals("validation_failed", json(refused).get("code").asText());
    // The path's ids are checked before the body is read.
    assertEquals("team", json(refused).get("errors").get(0).get("field").asText());
    assertEquals("user", json(refused).get("errors").get(1).get("field").asText());
    assertEquals(2, json(refused).get("errors").size());

    APIGatewayProxyResponseEvent unknownField =
        call(
            "admin",
            "PUT",
            "/v1/slack/teams/T0123ABCD/users/U0123ABCD",
            "{\"principal\":\"bob\",\"roles\":[\"viewer\"],\"team\":\"T1\"}");
    assertEquals(400, unknownField.getStatusCode());
    assertEquals("team", json(unknownField).get("errors").get(0).get("field").asText());
    assertEquals(1, json(unknownField).get("errors").size());
  }

  @Test
  void anAppsChannel_isSetByAnAdmin_andReadByAViewer() throws Exception {
    assertEquals(
        201,
        call("admin", "POST", "/v1/apps", "{\"name\":\"payments\",\"pipeline\":[\"dev\"]}")
            .getStatusCode());

    assertEquals(
        403,
        call("viewer", "PUT", "/v1/apps/payments/slack", "{\"channel\":\"C02RELEASES\"}")
            .getStatusCode());
    assertEquals(
        201,
        call("admin", "PUT", "/v1/apps/payments/slack", "{\"channel\":\"C02RELEASES\"}")
            .getStatusCode());
    assertEquals(
        "C02RELEASES",
        json(call("viewer", "GET", "/v1/apps/payments/slack", null)).get("channel").asText());
    assertEquals(
        400,
        call("admin", "PUT", "/v1/apps/payments/slack", "{\"channel\":\"#releases\"}")
            .getStatusCode());
    assertEquals(
        404,
        call("admin", "PUT", "/v1/apps/orders/slack", "{\"channel\":\"C02RELEASES\"}")
            .getStatusCode());
    assertEquals(204, call("admin", "DELETE", "/v1/apps/payments/slack", null).getStatusCode());
    assertEquals(404, call("viewer", "GET", "/v1/apps/payments/slack", null).getStatusCode());
  }
}
