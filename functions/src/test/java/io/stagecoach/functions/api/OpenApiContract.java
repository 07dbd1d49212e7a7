package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.stagecoach.functions.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OpenAPI document as a contract the tests hold the API to: a request body the API accepted
 * must be one its operation's schema takes, and every answer's status must be documented for its
 * operation, its body valid against the documented schema of its media type. Schemas are checked
 * with a JSON Schema 2020-12 validator (OpenAPI 3.1's dialect), their {@code $ref}s resolved in the
 * document.
 */
final class OpenApiContract {

  static final JsonNode DOCUMENT = load();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

  private OpenApiContract() {}

  /** Sends {@code request} to {@code handler} and holds the exchange to the contract. */
  static APIGatewayProxyResponseEvent checked(
      ApiHandler handler, APIGatewayProxyRequestEvent request) {
    APIGatewayProxyResponseEvent response = handler.handleRequest(request, null);
    check(request, response);
    return response;
  }

  static void check(APIGatewayProxyRequestEvent request, APIGatewayProxyResponseEvent response) {
    String method = request.getHttpMethod();
    Optional<String> template = template(request.getPath());
    if (template.isEmpty() || !DOCUMENT.at(pointer(template.get(), method)).isObject()) {
      // An unknown route or method: answered 404 or 405, a problem.
      assertProblem(response, method + " " + request.getPath());
      return;
    }
    String where = method + " " + template.get() + " -> " + response.getStatusCode();
    if (response.getStatusCode() < 300
        && request.getBody() != null
        && !request.getBody().isBlank()) {
      assertRequestBody(method, template.get(), request.getBody(), where);
    }
    assertResponse(method, template.get(), response, where);
  }

  /** A body the operation's request schema takes; {@code where} names it in the failure. */
  static void assertRequestBody(String method, String template, String body, String where) {
    JsonNode content = DOCUMENT.at(pointer(template, method)).path("requestBody").path("content");
    JsonNode schema = content.path("application/json").path("schema");
    assertFalse(schema.isMissingNode(), where + ": no application/json request body is documented");
    JsonNode parsed;
    try {
      parsed = Json.parse(body);
    } catch (IOException e) {
      fail(where + ": the request body is not JSON");
      return;
    }
    Set<ValidationMessage> problems = schema(schema).validate(parsed);
    assertEquals(Set.of(), problems, where + ": request body " + clip(body));
  }

  static void assertResponse(
      String method, String template, APIGatewayProxyResponseEvent response, String where) {
    JsonNode responses = DOCUMENT.at(pointer(template, method)).path("responses");
    JsonNode documented = responses.path(String.valueOf(response.getStatusCode()));
    assertFalse(
        documented.isMissingNode(), where + ": status not documented; " + clip(response.getBody()));
    if (documented.has("$ref")) {
      documented = resolve(documented.get("$ref").asText());
    }
    String body = response.getBody();
    if (body == null || body.isEmpty()) {
      return;
    }
    String type =
        Optional.ofNullable(response.getHeaders())
            .map(h -> h.getOrDefault("Content-Type", ""))
            .orElse("")
            .split(";")[0]
            .trim()
            .toLowerCase(Locale.ROOT);
    JsonNode schema = documented.path("content").path(type).path("schema");
    assertFalse(schema.isMissingNode(), where + ": no " + type + " body is documented");
    try {
      Set<ValidationMessage> problems = schema(schema).validate(Json.parse(body));
      assertEquals(Set.of(), problems, where + ": " + clip(body));
    } catch (IOException e) {
      fail(where + ": the body is not JSON: " + clip(body));
    }
  }

  private static void assertProblem(APIGatewayProxyResponseEvent response, String where) {
    assertTrue(response.getStatusCode() >= 400, where + " answered " + response.getStatusCode());
    try {
      Set<ValidationMessage> problems =
          schema(
                  DOCUMENT.at(
                      "/components/responses/Problem/content/application~1problem+json/schema"))
              .validate(Json.parse(response.getBody()));
      assertEquals(Set.of(), problems, where + ": " + clip(response.getBody()));
    } catch (IOException e) {
      fail(where + ": the problem is not JSON");
    }
  }

  /** The document's path template that {@code path} is an instance of. */
  static Optional<String> template(String path) {
    for (var it = DOCUMENT.get("paths").fieldNames(); it.hasNext(); ) {
      String template = it.next();
      String regex = Pattern.quote(template).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
      if (path.matches(regex)) {
        return Optional.of(template);
      }
    }
    return Optional.empty();
  }

  private static String pointer(String template, String method) {
    return "/paths/"
        + template.replace("~", "~0").replace("/", "~1")
        + "/"
        + method.toLowerCase(Locale.ROOT);
  }

  /** The schema, with the document's components beside it so that its $refs resolve. */
  static JsonSchema schema(JsonNode schema) {
    return SCHEMAS.computeIfAbsent(
        schema.toString(),
        key -> {
          ObjectNode rooted = Json.object();
          rooted.put("$schema", "https://json-schema.org/draft/2020-12/schema");
          rooted.putArray("allOf").add(schema);
          rooted.set("components", DOCUMENT.get("components"));
          return FACTORY.getSchema(rooted);
        });
  }

  private static JsonNode resolve(String ref) {
    return DOCUMENT.at(ref.substring(1));
  }

  private static String clip(String text) {
    return text == null ? "" : text.length() > 600 ? text.substring(0, 600) + "..." : text;
  }

  private static JsonNode load() {
    try (InputStream in = OpenApiContract.class.getResourceAsStream("/openapi.json")) {
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
