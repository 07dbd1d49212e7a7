package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET .../releases/{version}/eligibility: whether a release could be promoted to a stage now, and
 * if not every reason, with the gates of each stage on the way; nothing is started or changed.
 */
class EligibilityTest {

  /** A Sunday, 10:00 UTC. */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

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
            new Api(new RegistryService(registry), deployments, promotions, noPlanner, bus, CLOCK));
    ok(
        "POST",
        "/v1/apps",
        "{\"name\":\"payments\",\"template\":{\"body\":{\"Resources\":{\"T\":{\"Type\":\"AWS::SNS::Topic\"}}}},"
            + "\"pipeline\":[\"dev\","
            + "{\"environment\":\"staging\",\"approval\":{\"groups\":[{\"group\":\"staff\",\"min\":1}]},"
            + "\"verification\":{\"urlOutput\":\"ApiUrl\",\"path\":\"/health\"},\"soakSeconds\":600},"
            + "{\"environment\":\"prod\",\"approval\":{\"groups\":[{\"group\":\"staff\",\"min\":1},"
            + "{\"group\":\"client\",\"min\":1}]},"
            + "\"window\":{\"days\":[\"mon\",\"tue\",\"wed\",\"thu\"],\"start\":\"09:00\",\"end\":\"16:00\","
            + "\"timeZone\":\"Europe/London\"}}]}");
    for (String env : List.of("dev", "staging", "prod")) {
      ok(
          "PUT",
          "/v1/apps/payments/environments/" + env,
          "{\"tier\":\"" + env + "\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
    }
    ok(
        "POST",
        "/v1/apps/payments/releases",
        "{\"version\":\"1.4.2\",\"artifactUri\":\"s3://a/p.zip\",\"digest\":\"sha256:"
            + "0".repeat(64)
            + "\"}");
  }

  /** As API Gateway passes it: the path, and the query string decoded into parameters. */
  private APIGatewayProxyResponseEvent send(String method, String target, String body) {
    int q = target.indexOf('?');
    var request = ApiTest.request(method, q < 0 ? target : target.substring(0, q), body, "admin");
    if (q >= 0) {
      java.util.Map<String, String> query = new java.util.HashMap<>();
      for (String pair : target.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(
            kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
      }
      request.setQueryStringParameters(query);
    }
    return OpenApiContract.checked(handler, request);
  }

  private void ok(String method, String path, String body) {
    APIGatewayProxyResponseEvent r = send(method, path, body);
    assertTrue(r.getStatusCode() < 300, path + ": " + r.getBody());
  }

  private JsonNode eligibility(String query) throws Exception {
    APIGatewayProxyResponseEvent r =
        send("GET", "/v1/apps/payments/releases/1.4.2/eligibility" + query, null);
    assertEquals(200, r.getStatusCode(), r.getBody());
    return Json.parse(r.getBody());
  }

  private List<String> items() {
    return LocalDynamoDb.client().scan(s -> s.tableName(table)).items().stream()
        .map(Object::toString)
        .sorted()
        .toList();
  }

  private static JsonNode gate(JsonNode answer, String environment, String gate) {
    for (JsonNode stage : answer.path("stages")) {
      if (stage.path("environment").asText().equals(environment)) {
        for (JsonNode g : stage.path("gates")) {
          if (g.path("gate").asText().equals(gate)) {
            return g;
          }
        }
      }
    }
    return fail(gate + " of " + environment + " in " + answer);
  }

  @Test
  void aReleaseWithNothingInTheWay_isEligible_andEachStageSaysWhatItWillWaitFor() throws Exception {
    List<String> before = items();
    JsonNode answer = eligibility("");
    assertTrue(answer.path("eligible").asBoolean(), answer.toString());
    assertEquals("prod", answer.path("to").asText(), "the last stage by default");
    assertEquals(0, answer.path("reasons").size());
    List<String> stages = new ArrayList<>();
    answer.path("stages").forEach(s -> stages.add(s.path("environment").asText()));
    assertEquals(List.of("dev", "staging", "prod"), stages);

    assertEquals("open", gate(answer, "dev", "order").path("state").asText());
    assertEquals("pending", gate(answer, "staging", "order").path("state").asText());
    JsonNode prodApproval = gate(answer, "prod", "approval");
    assertEquals("pending", prodApproval.path("state").asText());
    assertEquals(
        "will need 1 of staff and 1 of client (the requester never counts)",
        prodApproval.path("reason").asText());
    assertEquals(2, prodApproval.path("missing").size());
    JsonNode window = gate(answer, "prod", "window");
    assertEquals("waiting", window.path("state").asText(), "Sunday: closed, opens Monday 09:00");
    assertEquals("2026-11-23T09:00:00Z", window.path("until").asText());
    assertTrue(
        window.path("reason").asText().contains("mon\u2013thu 09:00\u201316:00 Europe/London"),
        window.toString());
    assertEquals("pending", gate(answer, "staging", "verification").path("state").asText());
    assertEquals("pending", gate(answer, "staging", "soak").path("state").asText());
    assertEquals(before, items(), "nothing changed");

    JsonNode toStaging = eligibility("?to=staging");
    assertEquals("staging", toStaging.path("to").asText());
    assertEquals(2, toStaging.path("stages").size());
  }

  @Test
  void aFrozenStageOnTheWay_makesItIneligible_sayingWhoFroze_itAndWhy() throws Exception {
    ok("PUT", "/v1/apps/payments/environments/prod/freeze", "{\"reason\":\"incident 42\"}");
    JsonNode answer = eligibility("");
    assertFalse(answer.path("eligible").asBoolean());
    assertEquals(1, answer.path("reasons").size(), answer.toString());
    assertTrue(answer.at("/reasons/0").asText().contains("incident 42"), answer.toString());
    assertTrue(answer.at("/reasons/0").asText().contains("alice@example.com"), answer.toString());
    assertEquals("closed", gate(answer, "prod", "freeze").path("state").asText());
    assertTrue(eligibility("?to=staging").path("eligible").asBoolean(), "staging is not frozen");
  }

  @Test
  void unknownReleasesAndStages_areSpecific4xx() throws Exception {
    String base = "/v1/apps/payments/releases/";
    record Case(String path, int status, String code) {}
    for (Case c :
        List.of(
            new Case(base + "9.9.9/eligibility", 404, "not_found"),
            new Case("/v1/apps/nope/releases/1.4.2/eligibility", 404, "not_found"),
            new Case(base + "1.4.2/eligibility?to=qa", 400, "validation_failed"),
            new Case(base + "1.4.2/eligibility?to=Not%20A%20Stage", 400, "validation_failed"))) {
      APIGatewayProxyResponseEvent r = send("GET", c.path(), null);
      assertEquals(c.status(), r.getStatusCode(), c.path() + ": " + r.getBody());
      assertEquals(c.code(), Json.parse(r.getBody()).path("code").asText(), c.path());
    }
  }
}
