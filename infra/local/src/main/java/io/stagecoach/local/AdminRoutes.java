package io.stagecoach.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.local.apigateway.ProxyEvents;
import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.eventbridge.LocalEventBridge;
import io.stagecoach.local.faults.FaultInjector;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.secretsmanager.LocalSecretsManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local cloud's own operations, under {@code /_stagecoach/}, for an admin token: list the rules
 * and their next scheduled time, fire a rule now, read the dead letters, set the local secrets
 * ({@code PUT /_stagecoach/secrets/{name}} with {@code {"value": "..."}}; listed by name, never
 * shown), read and change the fault plan when fault injection is on ({@code /_stagecoach/faults}),
 * read and move the clock forward ({@code /_stagecoach/clock}). None of them exists on AWS: they
 * are the local cloud's, outside the template's API.
 */
final class AdminRoutes {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RegistryService registry;
  private final LocalEventBridge eventBridge;
  private final LocalSecretsManager secrets;
  private final Optional<FaultInjector> faults;
  private final LocalClock clock;

  AdminRoutes(
      RegistryService registry,
      LocalEventBridge eventBridge,
      LocalSecretsManager secrets,
      Optional<FaultInjector> faults,
      LocalClock clock) {
    this.clock = clock;
    this.registry = registry;
    this.eventBridge = eventBridge;
    this.secrets = secrets;
    this.faults = faults;
  }

  RawResponse handle(RawRequest request) {
    Optional<Principal> caller =
        Optional.ofNullable(ProxyEvents.header(request, "Authorization"))
            .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
            .flatMap(h -> registry.authenticate(h.substring(7).trim(), clock.instant()));
    if (caller.isEmpty()) {
      return problem(401, "unauthorized", "an admin bearer token is required");
    }
    if (!caller.get().may(Role.ADMIN)) {
      return problem(403, "forbidden", "the local cloud's operations need the admin role");
    }
    String path = request.target().replaceFirst("\\?.*$", "");
    List<String> parts = List.of(path.substring(LocalCloud.ADMIN_PREFIX.length()).split("/"));
    if (request.method().equals("GET") && parts.equals(List.of("rules"))) {
      ArrayNode rules = MAPPER.createArrayNode();
      for (String rule : eventBridge.ruleNames()) {
        ObjectNode o = rules.addObject().put("name", rule);
        eventBridge.nextFireTime(rule).ifPresent(t -> o.put("nextFireTime", t.toString()));
      }
      return json(200, MAPPER.createObjectNode().set("rules", rules));
    }
    if (request.method().equals("POST")
        && parts.size() >= 3
        && parts.get(0).equals("rules")
        && parts.get(parts.size() - 1).equals("fire")) {
      String rule = String.join("/", parts.subList(1, parts.size() - 1));
      try {
        return json(
            202,
            MAPPER.createObjectNode().put("rule", rule).put("eventId", eventBridge.fireNow(rule)));
      } catch (IllegalArgumentException e) {
        return problem(404, "not_found", "no rule named " + rule);
      }
    }
    if (request.method().equals("GET") && parts.equals(List.of("dead-letters"))) {
      ArrayNode letters = MAPPER.createArrayNode();
      eventBridge
          .deadLetters()
          .forEach(
              d ->
                  letters
                      .addObject()
                      .put("time", d.time().toString())
                      .put("eventId", d.eventId())
                      .put("rule", d.ruleName())
                      .put("target", d.targetArn())
                      .put("attempts", d.attempts())
                      .put("errorCode", d.errorCode())
                      .put("errorMessage", d.errorMessage()));
      return json(200, MAPPER.createObjectNode().set("deadLetters", letters));
    }
    if (parts.get(0).equals("secrets")) {
      return secrets(request, path);
    }
    if (parts.equals(List.of("faults"))) {
      return faults(request);
    }
    if (parts.equals(List.of("clock"))) {
      return clock(request);
    }
    return problem(404, "not_found", "no local cloud operation " + request.method() + " " + path);
  }

  /**
   * {@code GET /_stagecoach/faults}: the plan and the faults injected so far; {@code PUT} with
   * {@code {"plan": "dynamodb-throttle=0.2,..."}} replaces the plan ({@code ""} stops injecting).
   */
  private RawResponse faults(RawRequest request) {
    if (faults.isEmpty()) {
      return problem(
          409,
          "conflict",
          "fault injection is off; start the local cloud with 'stagecoach serve --faults PLAN'");
    }
    FaultInjector injector = faults.get();
    if (request.method().equals("PUT")) {
      JsonNode body;
      try {
        body = MAPPER.readTree(request.body());
      } catch (IOException e) {
        body = null;
      }
      if (body == null || !body.path("plan").isTextual()) {
        return problem(
            400,
            "validation_failed",
            "the body is {\"plan\": \"kind=rate[@duration],...\"}, e.g. dynamodb-throttle=0.1");
      }
      try {
        injector.plan(FaultPlan.parse(body.path("plan").textValue()));
      } catch (IllegalArgumentException e) {
        return problem(400, "validation_failed", e.getMessage());
      }
    } else if (!request.method().equals("GET")) {
      return problem(405, "validation_failed", "the fault plan is read with GET and set with PUT");
    }
    ObjectNode out = MAPPER.createObjectNode().put("plan", injector.plan().toString());
    ObjectNode injected = out.putObject("injected");
    injector.injected().forEach((kind, count) -> injected.put(kind.key(), count));
    return json(200, out);
  }

  /**
   * {@code GET /_stagecoach/clock}: the time the local cloud reads and how far ahead of this
   * machine's it is; {@code POST} with {@code {"by": "25h"}} (s, m, h or d) or {@code {"to":
   * "2030-01-01T00:00:00Z"}} moves it forward. It never moves back: a negative or zero amount, a
   * time before its own, or more than a year at once is refused (400) and nothing moves.
   */
  private RawResponse clock(RawRequest request) {
    if (request.method().equals("POST")) {
      JsonNode body;
      try {
        body = MAPPER.readTree(request.body());
      } catch (IOException e) {
        body = null;
      }
      String usage =
          "the body is {\"by\": \"25h\"} (s, m, h or d) or {\"to\": \"<ISO-8601 instant>\"}";
      if (body == null
          || !body.isObject()
          || body.size() != 1
          || !(body.path("by").isTextual() || body.path("to").isTextual())) {
        return problem(400, "validation_failed", usage);
      }
      Instant before = clock.instant();
      try {
        if (body.has("by")) {
          String text = body.get("by").asText();
          Optional<java.time.Duration> by = LocalClock.parseAmount(text);
          if (by.isEmpty()) {
            return invalid(
                "by",
                "'"
                    + text
                    + "' is not an amount of time such as 90s, 30m, 25h or 3d (the clock only"
                    + " moves forward)");
          }
          clock.advance(by.get());
        } else {
          Instant to;
          try {
            to = Instant.parse(body.get("to").asText());
          } catch (DateTimeParseException e) {
            return invalid("to", "must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
          }
          clock.advanceTo(to);
        }
      } catch (LocalClock.Refused e) {
        return invalid(e.field(), e.getMessage());
      } catch (UncheckedIOException e) {
        return problem(500, "internal_error", e.getMessage() + "; the clock has not moved");
      }
      ObjectNode moved = clockView();
      moved.put("movedFrom", before.toString());
      return json(200, moved);
    }
    if (!request.method().equals("GET")) {
      return problem(405, "validation_failed", "the clock is read with GET and moved with POST");
    }
    return json(200, clockView());
  }

  private ObjectNode clockView() {
    Instant wall = clock.wallInstant();
    java.time.Duration offset = clock.offset();
    return MAPPER
        .createObjectNode()
        .put("now", wall.plus(offset).toString())
        .put("wallClock", wall.toString())
        .put("offset", offset.toString())
        .put("offsetSeconds", offset.toSeconds());
  }

  private static RawResponse invalid(String field, String message) {
    ObjectNode body =
        MAPPER
            .createObjectNode()
            .put("type", "urn:stagecoach:problem:validation_failed")
            .put("status", 400)
            .put("code", "validation_failed")
            .put("detail", field + ": " + message);
    body.putArray("errors").addObject().put("field", field).put("message", message);
    return new RawResponse(
        400,
        List.of(Map.entry("Content-Type", "application/problem+json")),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private RawResponse secrets(RawRequest request, String path) {
    String prefix = LocalCloud.ADMIN_PREFIX + "secrets";
    if (request.method().equals("GET") && path.equals(prefix)) {
      ArrayNode list = MAPPER.createArrayNode();
      secrets
          .names()
          .forEach(
              (name, set) ->
                  list.addObject().put("name", name).put("set", set).put("arn", secrets.arn(name)));
      return json(200, MAPPER.createObjectNode().set("secrets", list));
    }
    if (!path.startsWith(prefix + "/")) {
      return problem(404, "not_found", "no local cloud operation " + request.method() + " " + path);
    }
    // A name may hold '/', written as it is or percent-encoded.
    String name =
        URLDecoder.decode(
            path.substring(prefix.length() + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    if (!LocalSecretsManager.isValidName(name)) {
      return problem(
          400, "validation_failed", "a secret name has 1-512 letters, digits and /_+=.@-");
    }
    if (request.method().equals("DELETE")) {
      return secrets.delete(name)
          ? new RawResponse(204, List.of(), new byte[0])
          : problem(404, "not_found", "no local secret " + name);
    }
    if (!request.method().equals("PUT")) {
      return problem(405, "validation_failed", "a secret is set with PUT and removed with DELETE");
    }
    if (request.body().length > LocalSecretsManager.MAX_VALUE_BYTES + 1024) {
      return problem(
          413,
          "validation_failed",
          "a secret value has at most " + LocalSecretsManager.MAX_VALUE_BYTES + " bytes");
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(request.body());
    } catch (IOException e) {
      return problem(400, "validation_failed", "the body must be JSON: {\"value\": \"...\"}");
    }
    if (body == null
        || !body.isObject()
        || !body.path("value").isTextual()
        || body.path("value").asText().isEmpty()
        || body.size() != 1) {
      return problem(
          400, "validation_failed", "the body must be {\"value\": \"...\"} with a non-empty value");
    }
    secrets.put(name, body.get("value").asText());
    // The value is never echoed.
    return new RawResponse(204, List.of(), new byte[0]);
  }

  private static RawResponse json(int status, ObjectNode body) {
    return new RawResponse(
        status,
        List.of(Map.entry("Content-Type", "application/json")),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static RawResponse problem(int status, String code, String detail) {
    ObjectNode body =
        MAPPER
            .createObjectNode()
            .put("type", "urn:stagecoach:problem:" + code)
            .put("status", status)
            .put("code", code)
            .put("detail", detail);
    return new RawResponse(
        status,
        List.of(Map.entry("Content-Type", "application/problem+json")),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }
}
