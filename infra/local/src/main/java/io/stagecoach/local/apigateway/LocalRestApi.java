package io.stagecoach.local.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LocalFunction;
import io.stagecoach.local.lambda.LocalFunctions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A REST API of the template, served locally: route selection, the Lambda TOKEN authorizer (with
 * its result cache), the proxy integration and the gateway responses the template customizes.
 */
public final class LocalRestApi {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RestApiModel model;
  private final LocalFunctions functions;
  private final Clock clock;
  private final ProxyEvents.ApiIdentity identity;
  private final Map<String, CachedPolicy> authorizerCache = new ConcurrentHashMap<>();

  private record CachedPolicy(Policy policy, Instant until) {}

  /** An authorizer's answer: principal, policy statements, context. */
  record Policy(String principalId, List<Statement> statements, Map<String, Object> context) {}

  record Statement(boolean allow, List<String> actions, List<String> resources) {}

  public LocalRestApi(RestApiModel model, LocalFunctions functions, Clock clock, String accountId) {
    this.model = model;
    this.functions = functions;
    this.clock = clock;
    this.identity = new ProxyEvents.ApiIdentity(model.apiId(), accountId, model.stageName());
  }

  public RestApiModel model() {
    return model;
  }

  public RawResponse handle(RawRequest request) {
    return answer(request).response();
  }

  /**
   * What the API answered, and the principal its authorizer named when it let the request through
   * (null when the method has no authorizer or the request was refused).
   */
  public record Answer(RawResponse response, String principal) {
    Answer(RawResponse response) {
      this(response, null);
    }
  }

  /** As {@link #handle}, with the principal the authorizer named, for the request log. */
  public Answer answer(RawRequest request) {
    RequestTarget target = RequestTarget.parse(request.target(), model.stageName());
    Optional<RestApiModel.Match> match = model.match(target.path());
    Optional<RestApiModel.Method> method = match.flatMap(m -> m.node().method(request.method()));
    if (method.isEmpty()) {
      // API Gateway's answer for a path or method the API does not define.
      return new Answer(
          gatewayResponse(
              "MISSING_AUTHENTICATION_TOKEN",
              403,
              "{\"message\":\"Missing Authentication Token\"}"));
    }
    Map<String, Object> authorizerContext = null;
    if ("CUSTOM".equals(method.get().authorizationType())) {
      Optional<RestApiModel.Authorizer> authorizer =
          method.get().authorizerId().flatMap(model::authorizer);
      if (authorizer.isEmpty()) {
        return new Answer(
            gatewayResponse("AUTHORIZER_CONFIGURATION_ERROR", 500, "{\"message\": null}"));
      }
      String resourceArn =
          "arn:aws:execute-api:"
              + model.region()
              + ":"
              + identity.accountId()
              + ":"
              + model.apiId()
              + "/"
              + model.stageName()
              + "/"
              + request.method()
              + target.path();
      Object decision = authorize(authorizer.get(), request, resourceArn);
      if (decision instanceof RawResponse refused) {
        return new Answer(refused);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> context = (Map<String, Object>) decision;
      authorizerContext = context;
    }
    String principal =
        authorizerContext == null
            ? null
            : java.util.Objects.toString(authorizerContext.get("principalId"), null);
    if (method.get().functionLogicalId().isEmpty()) {
      return new Answer(
          gatewayResponse("DEFAULT_5XX", 500, "{\"message\": \"Internal server error\"}"),
          principal);
    }
    LocalFunction function =
        functions.byLogicalId(method.get().functionLogicalId().get()).orElseThrow();
    String requestId = UUID.randomUUID().toString();
    ObjectNode event =
        ProxyEvents.event(
            request, target, match.get(), identity, authorizerContext, requestId, clock.instant());
    Invocation result = function.invoke(event.toString().getBytes(StandardCharsets.UTF_8));
    if (result.functionError()) {
      if ("Sandbox.Timedout".equals(result.errorType())) {
        return new Answer(
            gatewayResponse(
                "INTEGRATION_TIMEOUT", 504, "{\"message\": \"Endpoint request timed out\"}"),
            principal);
      }
      return new Answer(
          gatewayResponse("DEFAULT_5XX", 502, "{\"message\": \"Internal server error\"}"),
          principal);
    }
    return new Answer(
        ProxyResponses.map(result.payload())
            .orElseGet(
                () ->
                    gatewayResponse(
                        "DEFAULT_5XX", 502, "{\"message\": \"Internal server error\"}")),
        principal);
  }

  /** The authorizer's context for the integration, or the refusal to send back. */
  private Object authorize(
      RestApiModel.Authorizer authorizer, RawRequest request, String resourceArn) {
    String token = ProxyEvents.header(request, authorizer.identityHeader());
    if (token == null || token.isBlank()) {
      return gatewayResponse("UNAUTHORIZED", 401, "{\"message\":\"Unauthorized\"}");
    }
    if (authorizer.validationExpression().isPresent()
        && !matchesValidation(authorizer.validationExpression().get(), token)) {
      return gatewayResponse("UNAUTHORIZED", 401, "{\"message\":\"Unauthorized\"}");
    }
    Instant now = clock.instant();
    CachedPolicy cached = authorizerCache.get(token);
    Policy policy;
    if (cached != null && now.isBefore(cached.until())) {
      policy = cached.policy();
    } else {
      ObjectNode event = MAPPER.createObjectNode();
      event.put("type", "TOKEN");
      event.put("methodArn", resourceArn);
      event.put("authorizationToken", token);
      LocalFunction fn = functions.byLogicalId(authorizer.functionLogicalId()).orElseThrow();
      Invocation result = fn.invoke(event.toString().getBytes(StandardCharsets.UTF_8));
      if (result.functionError()) {
        if ("Unauthorized".equals(result.errorMessage())) {
          return gatewayResponse("UNAUTHORIZED", 401, "{\"message\":\"Unauthorized\"}");
        }
        return gatewayResponse("AUTHORIZER_FAILURE", 500, "{\"message\": null}");
      }
      Optional<Policy> parsed = parsePolicy(result.payload());
      if (parsed.isEmpty()) {
        return gatewayResponse("AUTHORIZER_CONFIGURATION_ERROR", 500, "{\"message\": null}");
      }
      policy = parsed.get();
      if (authorizer.ttlSeconds() > 0) {
        if (authorizerCache.size() >= 10_000) {
          // Expired answers are dropped as the cache grows, so many distinct tokens cannot fill the
          // heap.
          authorizerCache.values().removeIf(c -> !now.isBefore(c.until()));
        }
        authorizerCache.put(
            token, new CachedPolicy(policy, now.plusSeconds(authorizer.ttlSeconds())));
      }
    }
    if (!allows(policy, resourceArn)) {
      return gatewayResponse(
          "ACCESS_DENIED",
          403,
          "{\"Message\":\"User is not authorized to access this resource with an explicit deny\"}");
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("principalId", policy.principalId());
    context.put("integrationLatency", 0);
    context.putAll(policy.context());
    return context;
  }

  private static boolean matchesValidation(String expression, String token) {
    try {
      return Pattern.compile(expression).matcher(token).matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  static Optional<Policy> parsePolicy(byte[] payload) {
    try {
      JsonNode node = MAPPER.readTree(payload);
      if (node == null || !node.isObject() || !node.path("principalId").isTextual()) {
        return Optional.empty();
      }
      JsonNode statements = node.path("policyDocument").path("Statement");
      if (statements.isObject()) {
        statements = MAPPER.createArrayNode().add(statements);
      }
      if (!statements.isArray()) {
        return Optional.empty();
      }
      List<Statement> parsed = new ArrayList<>();
      for (JsonNode s : statements) {
        parsed.add(
            new Statement(
                "Allow".equals(s.path("Effect").asText()),
                strings(s.path("Action")),
                strings(s.path("Resource"))));
      }
      Map<String, Object> context = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.path("context").properties()) {
        JsonNode v = e.getValue();
        if (v.isContainerNode()) {
          // API Gateway accepts only strings, numbers and booleans as context values.
          return Optional.empty();
        }
        context.put(
            e.getKey(),
            v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText());
      }
      return Optional.of(new Policy(node.get("principalId").asText(), parsed, context));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode()) {
      out.add(node.asText());
    }
    return out;
  }

  /** IAM evaluation for one resource: an explicit Deny wins, else some Allow must match. */
  static boolean allows(Policy policy, String resourceArn) {
    boolean allowed = false;
    for (Statement s : policy.statements()) {
      boolean action = s.actions().stream().anyMatch(a -> wildcard(a, "execute-api:Invoke"));
      boolean resource = s.resources().stream().anyMatch(r -> wildcard(r, resourceArn));
      if (action && resource) {
        if (!s.allow()) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }

  static boolean wildcard(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  /**
   * The template's gateway response of this type (or its DEFAULT_4XX/5XX), else API Gateway's
   * default.
   */
  private RawResponse gatewayResponse(String type, int status, String defaultBody) {
    Optional<RestApiModel.GatewayResponse> custom =
        model
            .gatewayResponse(type)
            .or(() -> model.gatewayResponse(status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX"));
    if (custom.isEmpty()) {
      return RawResponse.text(status, "application/json", defaultBody);
    }
    RestApiModel.GatewayResponse g = custom.get();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean hasType = false;
    for (Map.Entry<String, String> h : g.headers().entrySet()) {
      headers.add(h);
      hasType |= h.getKey().equalsIgnoreCase("Content-Type");
    }
    if (!hasType) {
      headers.add(Map.entry("Content-Type", "application/json"));
    }
    return new RawResponse(
        g.statusCode().orElse(status),
        headers,
        g.body().orElse(defaultBody).getBytes(StandardCharsets.UTF_8));
  }
}
