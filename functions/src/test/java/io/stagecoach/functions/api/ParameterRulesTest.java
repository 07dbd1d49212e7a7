package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every path and identifier query parameter of every route is checked against its {@link
 * Identifier} before the route runs, and the OpenAPI document states the same rules. The API here
 * has no stores at all: a request that reached one would fail with 500, not 400.
 */
class ParameterRulesTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  private static final TierPlanner NO_PLANNER =
      (tier, app, env, version) -> new TierPlanner.Answer.Unavailable("no provisioner here");

  private static final Map<Identifier, String> VALID =
      Map.ofEntries(
          Map.entry(Identifier.APP_NAME, "payments"),
          Map.entry(Identifier.ENVIRONMENT_NAME, "dev"),
          Map.entry(Identifier.RELEASE_VERSION, "1.0.0"),
          Map.entry(Identifier.DEPLOYMENT_ID, "d-0123456789ab"),
          Map.entry(Identifier.PROMOTION_ID, "pr-0123456789ab"),
          Map.entry(Identifier.APPROVAL_ID, "payments:0123456789ab"),
          Map.entry(Identifier.BREAK_GLASS_ID, "bg-0123456789ab"),
          Map.entry(Identifier.TOKEN_ID, "0123456789ab"),
          Map.entry(Identifier.SLACK_TEAM_ID, "T0123ABCD"),
          Map.entry(Identifier.SLACK_USER_ID, "U0123ABCD"),
          Map.entry(Identifier.TEMPLATE_REVISION_NUMBER, "1"));

  /** Values no identifier accepts, as they appear in a decoded path or query. */
  private static final List<String> MALFORMED =
      List.of("a".repeat(1030), "a".repeat(1 << 20), "a b", "../x", "x\u0000", "\u00e9");

  private final Api api =
      new Api(
          new RegistryService(null), null, null, NO_PLANNER, new RecordingEventPublisher(), CLOCK);

  @Test
  void everyMalformedPathParameter_ofEveryRoute_is400ValidationFailed_namingIt() throws Exception {
    int checked = 0;
    for (String key : api.routeKeys()) {
      String method = key.substring(0, key.indexOf(' '));
      String template = key.substring(key.indexOf(' ') + 1);
      Map<String, Identifier> kinds = ParameterRules.pathParameters(template);
      for (String parameter : kinds.keySet()) {
        for (String bad : MALFORMED) {
          Map<String, String> values = new HashMap<>();
          kinds.forEach((name, kind) -> values.put(name, VALID.get(kind)));
          values.put(parameter, bad);
          String path = template;
          for (Map.Entry<String, String> v : values.entrySet()) {
            path = path.replace("{" + v.getKey() + "}", encode(v.getValue()));
          }
          assertInvalid(send(method, path, Map.of()), parameter, key);
          checked++;
        }
      }
    }
    assertTrue(checked > 100, checked + " requests");
  }

  @Test
  void everyMalformedIdentifierQueryParameter_ofEveryRoute_is400ValidationFailed_namingIt()
      throws Exception {
    for (String key : api.routeKeys()) {
      String method = key.substring(0, key.indexOf(' '));
      String template = key.substring(key.indexOf(' ') + 1);
      String path = template;
      for (Map.Entry<String, Identifier> p : ParameterRules.pathParameters(template).entrySet()) {
        path = path.replace("{" + p.getKey() + "}", VALID.get(p.getValue()));
      }
      for (String parameter : ParameterRules.QUERY.keySet()) {
        for (String bad : MALFORMED) {
          assertInvalid(send(method, path, Map.of(parameter, bad)), parameter, key);
        }
      }
    }
  }

  @Test
  void aRouteWithAParameterThatHasNoRule_cannotBeBuilt() {
    assertThrows(
        IllegalArgumentException.class, () -> ParameterRules.pathParameters("/v1/things/{thing}"));
  }

  @Test
  void openApiDocument_statesEveryIdentifierRule() throws Exception {
    JsonNode schemas = openApi().get("components").get("schemas");
    for (Identifier kind : Identifier.values()) {
      JsonNode schema = schemas.get(schemaName(kind));
      assertTrue(schema != null, schemaName(kind) + " is missing");
      assertEquals(kind.maxLength(), schema.get("maxLength").asInt(), kind.name());
      assertEquals(1, schema.get("minLength").asInt(), kind.name());
      assertEquals(kind.regex(), schema.get("pattern").asText(), kind.name());
    }
  }

  @Test
  void openApiDocument_givesEveryPathAndIdentifierQueryParameterItsRule_andA400() throws Exception {
    JsonNode paths = openApi().get("paths");
    List<String> wrong = new ArrayList<>();
    for (String key : api.routeKeys()) {
      String method = key.substring(0, key.indexOf(' ')).toLowerCase(Locale.ROOT);
      String template = key.substring(key.indexOf(' ') + 1);
      JsonNode item = paths.get(template);
      JsonNode operation = item.get(method);
      Map<String, String> documented = new HashMap<>();
      for (JsonNode list : new JsonNode[] {item.get("parameters"), operation.get("parameters")}) {
        if (list != null) {
          list.forEach(
              p ->
                  documented.put(
                      p.get("in").asText() + " " + p.get("name").asText(),
                      p.path("schema").path("$ref").asText()));
        }
      }
      Map<String, Identifier> expected = new HashMap<>();
      ParameterRules.pathParameters(template).forEach((n, k) -> expected.put("path " + n, k));
      documented.keySet().stream()
          .filter(d -> d.startsWith("query "))
          .forEach(
              d -> {
                Identifier kind = ParameterRules.QUERY.get(d.substring("query ".length()));
                if (kind != null) {
                  expected.put(d, kind);
                }
              });
      expected.forEach(
          (parameter, kind) -> {
            String ref = "#/components/schemas/" + schemaName(kind);
            if (!ref.equals(documented.get(parameter))) {
              wrong.add(key + " " + parameter + " is " + documented.get(parameter));
            }
          });
      if (!expected.isEmpty() && !operation.get("responses").has("400")) {
        wrong.add(key + " documents no 400");
      }
    }
    assertEquals(List.of(), wrong);
  }

  /** {@code APP_NAME} is the schema {@code AppName}. */
  static String schemaName(Identifier kind) {
    StringBuilder name = new StringBuilder();
    for (String word : kind.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  private JsonNode openApi() throws Exception {
    return Json.parse(send("GET", "/v1/openapi.json", Map.of()).getBody());
  }

  private APIGatewayProxyResponseEvent send(String method, String path, Map<String, String> query) {
    APIGatewayProxyRequestEvent event = ApiTest.request(method, path, "{}", "admin");
    event.setQueryStringParameters(query.isEmpty() ? null : query);
    return api.handle(event);
  }

  private static void assertInvalid(
      APIGatewayProxyResponseEvent response, String parameter, String route) throws Exception {
    assertEquals(
        400, response.getStatusCode(), route + " " + parameter + ": " + response.getBody());
    JsonNode problem = Json.parse(response.getBody());
    assertEquals("validation_failed", problem.get("code").asText());
    assertEquals(parameter, problem.get("errors").get(0).get("field").asText(), route);
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
  }

  /** The path as API Gateway hands it over: percent-encoded where a segment needs it. */
  private static String encode(String segment) {
    StringBuilder out = new StringBuilder();
    for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (Character.isLetterOrDigit(c) && c < 0x80 || "-._~:".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
