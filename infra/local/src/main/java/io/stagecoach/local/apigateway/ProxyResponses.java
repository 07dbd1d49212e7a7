package io.stagecoach.local.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.local.http.RawResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What API Gateway makes of a Lambda proxy integration's result
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format):
 * a result of another shape, or a function error, is a 502; headers and multiValueHeaders merge
 * case-insensitively. Checked against ../shared/conformance/apigateway/proxy-response-mapping.
 */
public final class ProxyResponses {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> KNOWN =
      Set.of("statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded");

  private ProxyResponses() {}

  /** The HTTP response for a function's result; empty when API Gateway would answer 502 instead. */
  public static Optional<RawResponse> map(byte[] result) {
    JsonNode node;
    try {
      node = MAPPER.readTree(result);
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    for (var it = node.fieldNames(); it.hasNext(); ) {
      if (!KNOWN.contains(it.next())) {
        return Optional.empty();
      }
    }
    int status = 200;
    JsonNode code = node.path("statusCode");
    if (code.isIntegralNumber()) {
      status = code.intValue();
    } else if (code.isTextual()) {
      try {
        status = Integer.parseInt(code.textValue().trim());
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    } else if (!code.isMissingNode() && !code.isNull()) {
      return Optional.empty();
    }
    if (status < 100 || status > 599) {
      return Optional.empty();
    }

    // Names compare case-insensitively; the first spelling seen (multiValueHeaders first) is kept.
    Map<String, String> spelling = new LinkedHashMap<>();
    Map<String, List<String>> values = new LinkedHashMap<>();
    JsonNode multi = node.path("multiValueHeaders");
    if (!multi.isMissingNode() && !multi.isNull()) {
      if (!multi.isObject()) {
        return Optional.empty();
      }
      for (Map.Entry<String, JsonNode> e : multi.properties()) {
        if (e.getValue().isNull()) {
          continue;
        }
        if (!e.getValue().isArray()) {
          return Optional.empty();
        }
        for (JsonNode v : e.getValue()) {
          if (v.isContainerNode()) {
            return Optional.empty();
          }
          add(spelling, values, e.getKey(), v.asText());
        }
      }
    }
    JsonNode single = node.path("headers");
    if (!single.isMissingNode() && !single.isNull()) {
      if (!single.isObject()) {
        return Optional.empty();
      }
      for (Map.Entry<String, JsonNode> e : single.properties()) {
        if (e.getValue().isNull()) {
          continue;
        }
        if (e.getValue().isContainerNode()) {
          return Optional.empty();
        }
        String key = e.getKey().toLowerCase(java.util.Locale.ROOT);
        String value = e.getValue().asText();
        if (!values.containsKey(key) || !values.get(key).contains(value)) {
          add(spelling, values, e.getKey(), value);
        }
      }
    }

    JsonNode bodyNode = node.path("body");
    String body;
    if (bodyNode.isMissingNode() || bodyNode.isNull()) {
      body = "";
    } else if (bodyNode.isTextual()) {
      // Without binary media types API Gateway passes base64 text through undecoded (recorded on
      // AWS).
      body = bodyNode.textValue();
    } else {
      return Optional.empty();
    }
    JsonNode b64 = node.path("isBase64Encoded");
    if (!b64.isMissingNode() && !b64.isNull() && !b64.isBoolean()) {
      return Optional.empty();
    }

    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean hasContentType = false;
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      if (e.getKey().equals("content-length") || e.getKey().equals("connection")) {
        continue;
      }
      hasContentType |= e.getKey().equals("content-type");
      headers.add(Map.entry(spelling.get(e.getKey()), String.join(", ", e.getValue())));
    }
    if (!hasContentType) {
      headers.add(Map.entry("Content-Type", "application/json"));
    }
    return Optional.of(new RawResponse(status, headers, body.getBytes(StandardCharsets.UTF_8)));
  }

  private static void add(
      Map<String, String> spelling, Map<String, List<String>> values, String name, String value) {
    String key = name.toLowerCase(java.util.Locale.ROOT);
    spelling.putIfAbsent(key, name);
    values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  /** API Gateway's answer when the integration fails or answers in another shape. */
  public static RawResponse badGateway() {
    return RawResponse.text(502, "application/json", "{\"message\": \"Internal server error\"}");
  }
}
