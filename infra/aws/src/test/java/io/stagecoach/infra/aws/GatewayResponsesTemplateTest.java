package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.SynthesizedTemplate.JSON;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayResponsesTemplateTest {

  /** Response type to its properties. */
  private static Map<String, Map<String, Object>> responses() {
    Map<String, Map<String, Object>> responses = new HashMap<>();
    resourcesOfType("AWS::ApiGateway::GatewayResponse")
        .values()
        .forEach(
            response ->
                responses.put(
                    (String) properties(response).get("ResponseType"), properties(response)));
    return responses;
  }

  @Test
  void gatewayAnswers_areReshapedForExactlyTheseResponseTypes() {
    assertEquals(
        Set.of(
            "UNAUTHORIZED",
            "ACCESS_DENIED",
            "MISSING_AUTHENTICATION_TOKEN",
            "AUTHORIZER_FAILURE",
            "THROTTLED",
            "REQUEST_TOO_LARGE",
            "DEFAULT_4XX",
            "DEFAULT_5XX"),
        responses().keySet());
  }

  @ParameterizedTest(name = "{0} answers {1} with code {2}")
  @CsvSource(
      nullValues = "keep",
      value = {
        "UNAUTHORIZED,                 401,  unauthorized",
        "ACCESS_DENIED,                403,  forbidden",
        "MISSING_AUTHENTICATION_TOKEN, 404,  not_found",
        "AUTHORIZER_FAILURE,           500,  internal_error",
        "THROTTLED,                    429,  throttled",
        "REQUEST_TOO_LARGE,            413,  validation_failed",
        "DEFAULT_4XX,                  keep, validation_failed",
        "DEFAULT_5XX,                  keep, internal_error"
      })
  void gatewayAnswer_isAProblemDocument_withItsStatusAndStableCode(
      final String responseType, final Integer status, final String code)
      throws JsonProcessingException {
    Map<String, Object> response = responses().get(responseType);

    assertEquals(status == null ? null : String.valueOf(status), response.get("StatusCode"));
    assertEquals(
        "'application/problem+json'", headers(response).get("gatewayresponse.header.Content-Type"));

    Map<String, Object> problem = problem(response);
    assertEquals("urn:stagecoach:problem:" + code, problem.get("type"));
    assertEquals(code, problem.get("code"));
    assertEquals(status, problem.get("status"));
    assertTrue(
        problem.get("title") instanceof String title && !title.isBlank(), problem.toString());
    assertTrue(
        problem.get("detail") instanceof String detail && !detail.isBlank(), problem.toString());
    assertEquals(
        status == null
            ? Set.of("type", "title", "code", "detail")
            : Set.of("type", "title", "status", "code", "detail"),
        problem.keySet());
  }

  @Test
  void unauthorized_namesTheBearerScheme() {
    assertEquals(
        "'Bearer'",
        headers(responses().get("UNAUTHORIZED")).get("gatewayresponse.header.WWW-Authenticate"));
  }

  @Test
  void onlyUnauthorized_asksForCredentials() {
    responses()
        .forEach(
            (type, response) -> {
              if (!type.equals("UNAUTHORIZED")) {
                assertNull(headers(response).get("gatewayresponse.header.WWW-Authenticate"), type);
              }
            });
  }

  @Test
  void problemBodies_areLiteralJson_withNothingForTheTemplateEngineToEvaluate() {
    responses()
        .forEach(
            (type, response) -> {
              String body = template(response);
              assertFalse(body.contains("$"), type + ": " + body);
              assertFalse(body.contains("#"), type + ": " + body);
            });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> headers(final Map<String, Object> response) {
    return (Map<String, Object>) response.getOrDefault("ResponseParameters", Map.of());
  }

  @SuppressWarnings("unchecked")
  private static String template(final Map<String, Object> response) {
    Map<String, Object> templates = (Map<String, Object>) response.get("ResponseTemplates");
    assertEquals(Set.of("application/json"), templates.keySet());
    return (String) templates.get("application/json");
  }

  private static Map<String, Object> problem(final Map<String, Object> response)
      throws JsonProcessingException {
    return JSON.readValue(template(response), new TypeReference<Map<String, Object>>() {});
  }
}
