package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of an API Gateway (REST API) proxy event a Slack request needs: method, resource,
 * headers and the body exactly as sent, since Slack's signature covers the raw bytes
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 */
record SlackHttpRequest(
    String method, String resource, Map<String, String> headers, byte[] body, String requestId) {

  SlackHttpRequest {
    TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseInsensitive.putAll(headers);
    headers = caseInsensitive;
  }

  static SlackHttpRequest from(JsonNode event) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    event
        .path("headers")
        .properties()
        .forEach(
            h -> {
              if (h.getValue().isTextual()) {
                headers.put(h.getKey(), h.getValue().asText());
              }
            });
    JsonNode body = event.path("body");
    byte[] bytes;
    if (!body.isTextual()) {
      bytes = new byte[0];
    } else if (event.path("isBase64Encoded").asBoolean(false)) {
      try {
        bytes = Base64.getDecoder().decode(body.asText());
      } catch (IllegalArgumentException e) {
        bytes = body.asText().getBytes(StandardCharsets.UTF_8);
      }
    } else {
      bytes = body.asText().getBytes(StandardCharsets.UTF_8);
    }
    // The resource is the route API Gateway matched (/slack/commands); the path may carry a base
    // path mapping.
    String resource = event.path("resource").asText(event.path("path").asText("/"));
    return new SlackHttpRequest(
        event.path("httpMethod").asText("").toUpperCase(Locale.ROOT),
        resource,
        headers,
        bytes,
        event.path("requestContext").path("requestId").asText("local"));
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
