package io.stagecoach.local.apigateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.RawRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The REST API (v1) Lambda proxy event for a request, as API Gateway builds it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format),
 * checked against the events recorded on AWS in ../shared/conformance/apigateway.
 */
public final class ProxyEvents {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Hop-by-hop and framing headers API Gateway does not pass on. */
  private static final Set<String> DROPPED =
      Set.of(
          "connection",
          "content-length",
          "transfer-encoding",
          "expect",
          "keep-alive",
          "upgrade",
          "te");

  private static final Map<String, String> RESOURCE_IDS = new ConcurrentHashMap<>();

  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  /** The API's identity, as it appears in the request context. */
  public record ApiIdentity(String apiId, String accountId, String stage) {}

  private ProxyEvents() {}

  public static ObjectNode event(
      RawRequest request,
      RequestTarget target,
      RestApiModel.Match match,
      ApiIdentity api,
      Map<String, Object> authorizer,
      String requestId,
      Instant now) {
    ObjectNode event = MAPPER.createObjectNode();
    String resourcePath = match.node().path();
    event.put("resource", resourcePath);
    event.put("path", target.path());
    event.put("httpMethod", request.method());

    ObjectNode headers = MAPPER.createObjectNode();
    ObjectNode multiHeaders = MAPPER.createObjectNode();
    for (Map.Entry<String, String> h : request.headers()) {
      String name = h.getKey();
      if (DROPPED.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      // API Gateway keeps header names as sent, except that it normalizes this one.
      if (name.equalsIgnoreCase("authorization")) {
        name = "Authorization";
      }
      headers.put(name, h.getValue());
      ArrayNode values =
          multiHeaders.has(name) ? (ArrayNode) multiHeaders.get(name) : multiHeaders.putArray(name);
      values.add(h.getValue());
    }
    putOrNull(event, "headers", headers);
    putOrNull(event, "multiValueHeaders", multiHeaders);

    Map<String, List<String>> query = query(target.rawQuery());
    if (query.isEmpty()) {
      event.putNull("queryStringParameters");
      event.putNull("multiValueQueryStringParameters");
    } else {
      ObjectNode single = event.putObject("queryStringParameters");
      ObjectNode multi = event.putObject("multiValueQueryStringParameters");
      query.forEach(
          (k, vs) -> {
            single.put(k, vs.get(vs.size() - 1));
            ArrayNode arr = multi.putArray(k);
            vs.forEach(arr::add);
          });
    }
    if (match.pathParameters().isEmpty()) {
      event.putNull("pathParameters");
    } else {
      ObjectNode params = event.putObject("pathParameters");
      match.pathParameters().forEach(params::put);
    }
    event.putNull("stageVariables");

    ObjectNode context = event.putObject("requestContext");
    String host = header(request, "Host");
    context.put("accountId", api.accountId());
    context.put("apiId", api.apiId());
    if (authorizer != null) {
      ObjectNode auth = context.putObject("authorizer");
      authorizer.forEach((k, v) -> auth.set(k, MAPPER.valueToTree(v)));
    }
    context.put("deploymentId", "local");
    context.put("domainName", host == null ? "127.0.0.1" : host);
    context.put("domainPrefix", host == null ? api.apiId() : host.split("\\.")[0]);
    context.put("extendedRequestId", requestId.substring(0, 8) + "=");
    context.put("httpMethod", request.method());
    ObjectNode identity = context.putObject("identity");
    for (String nullField :
        List.of(
            "accessKey",
            "accountId",
            "caller",
            "cognitoAuthenticationProvider",
            "cognitoAuthenticationType",
            "cognitoIdentityId",
            "cognitoIdentityPoolId",
            "principalOrgId")) {
      identity.putNull(nullField);
    }
    identity.put("sourceIp", request.sourceIp());
    identity.putNull("user");
    String agent = header(request, "User-Agent");
    if (agent == null) {
      identity.putNull("userAgent");
    } else {
      identity.put("userAgent", agent);
    }
    identity.putNull("userArn");
    context.put("path", target.contextPath());
    context.put("protocol", "HTTP/1.1");
    context.put("requestId", requestId);
    context.put("requestTime", REQUEST_TIME.format(now));
    context.put("requestTimeEpoch", now.toEpochMilli());
    context.put(
        "resourceId",
        RESOURCE_IDS.computeIfAbsent(match.node().logicalId(), ProxyEvents::resourceId));
    context.put("resourcePath", resourcePath);
    context.put("stage", api.stage());

    if (request.body().length == 0) {
      event.putNull("body");
    } else {
      event.put("body", new String(request.body(), StandardCharsets.UTF_8));
    }
    event.put("isBase64Encoded", false);
    return event;
  }

  /**
   * A resource's id as API Gateway shows it (ten lower-case letters and digits): made from the
   * logical id once per resource, not with two regular expressions per request.
   */
  static String resourceId(String logicalId) {
    String id = logicalId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return id.substring(0, Math.min(10, logicalId.replaceAll("[^A-Za-z0-9]", "").length()));
  }

  private static void putOrNull(ObjectNode event, String name, ObjectNode value) {
    if (value.isEmpty()) {
      event.putNull(name);
    } else {
      event.set(name, value);
    }
  }

  public static String header(RawRequest request, String name) {
    String value = null;
    for (Map.Entry<String, String> h : request.headers()) {
      if (h.getKey().equalsIgnoreCase(name)) {
        value = h.getValue();
      }
    }
    return value;
  }

  /**
   * Query parameters in order of first appearance; form decoding ({@code +} is a space, {@code %2B}
   * a plus).
   */
  static Map<String, List<String>> query(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A malformed escape reaches the function as sent, as it does on AWS.
      return s;
    }
  }
}
