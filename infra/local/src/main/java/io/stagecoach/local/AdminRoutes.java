package io.stagecoach.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.local.apigateway.ProxyEvents;
import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.eventbridge.EventFeed;
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
import java.time.Duration;
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
 * read and move the clock forward ({@code /_stagecoach/clock}), and follow the buses live ({@code
 * GET /_stagecoach/events}, a long poll). None of them exists on AWS: they are the local cloud's,
 * outside the template's API.
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
    if (parts.equals(List.of("events"))) {
      return events(request);
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

  /** The longest a read of the events waits for one, and the most events one read answers. */
  static final int MAX_WAIT_SECONDS = 20;

  static final int MAX_EVENTS = 500;
  static final int DEFAULT_EVENTS = 100;

  /**
   * {@code GET /_stagecoach/events?after=N&wait=S&limit=L} (or {@code since=INSTANT} instead of
   * {@code after}): the events the buses received after the cursor {@code N}, oldest first, each
   * with its number ({@code seq}), when it was received, its bus and the whole event; with none
   * yet, waits up to {@code S} seconds (0-20) for one. Without {@code after} or {@code since} it
   * starts from now. The answer's {@code next} is the cursor to read on from; {@code missed} counts
   * the events the feed no longer kept.
   */
  private RawResponse events(RawRequest request) {
    if (!request.method().equals("GET")) {
      return problem(405, "validation_failed", "the events are read with GET");
    }
    Map<String, String> query = query(request.target());
    EventFeed feed = eventBridge.feed();
    ArrayNode errors = MAPPER.createArrayNode();
    for (String name : query.keySet()) {
      if (!List.of("after", "since", "wait", "limit").contains(name)) {
        errors.addObject().put("field", name).put("message", "is not a parameter of this route");
      }
    }
    long after = feed.last();
    if (query.containsKey("after") && query.containsKey("since")) {
      errors.addObject().put("field", "since").put("message", "give after or since, not both");
    } else if (query.containsKey("after")) {
      long last = feed.last();
      Long parsed = number(query.get("after"), 0, Long.MAX_VALUE);
      if (parsed == null) {
        errors
            .addObject()
            .put("field", "after")
            .put("message", "must be a cursor (a whole number >= 0)");
      } else if (parsed > last) {
        errors
            .addObject()
            .put("field", "after")
            .put(
                "message",
                "is ahead of the newest event ("
                    + last
                    + "); the local cloud has restarted since that cursor was read");
      } else {
        after = parsed;
      }
    } else if (query.containsKey("since")) {
      try {
        after = feed.before(Instant.parse(query.get("since")));
      } catch (DateTimeParseException e) {
        errors
            .addObject()
            .put("field", "since")
            .put("message", "must be an instant, e.g. 2025-06-01T12:00:00Z");
      }
    }
    Long wait =
        query.containsKey("wait")
            ? number(query.get("wait"), 0, MAX_WAIT_SECONDS)
            : Long.valueOf(0);
    if (wait == null) {
      errors
          .addObject()
          .put("field", "wait")
          .put("message", "must be a number of seconds from 0 to " + MAX_WAIT_SECONDS);
    }
    Long limit =
        query.containsKey("limit")
            ? number(query.get("limit"), 1, MAX_EVENTS)
            : Long.valueOf(DEFAULT_EVENTS);
    if (limit == null) {
      errors
          .addObject()
          .put("field", "limit")
          .put("message", "must be a number from 1 to " + MAX_EVENTS);
    }
    if (!errors.isEmpty()) {
      String detail =
          errors.size() == 1
              ? errors.get(0).path("field").asText() + ": " + errors.get(0).path("message").asText()
              : errors.size() + " fields are invalid";
      ObjectNode body = problemBody(400, "validation_failed", detail);
      body.set("errors", errors);
      return new RawResponse(
          400,
          List.of(Map.entry("Content-Type", "application/problem+json")),
          body.toString().getBytes(StandardCharsets.UTF_8));
    }
    EventFeed.Page page;
    try {
      page = feed.read(after, limit.intValue(), Duration.ofSeconds(wait));
    } catch (InterruptedException e) {
      // The local cloud is stopping: nothing more to wait for.
      Thread.currentThread().interrupt();
      page = new EventFeed.Page(List.of(), after, 0);
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode events = out.putArray("events");
    for (EventFeed.Item item : page.items()) {
      ObjectNode o = events.addObject();
      o.put("seq", item.seq());
      o.put("received", item.received().toString());
      o.put("bus", item.bus());
      // The event as the bus has it, numbers and all.
      o.putRawValue("event", new RawValue(item.event()));
    }
    out.put("next", page.next());
    out.put("missed", page.missed());
    return json(200, out);
  }

  /** A whole number from {@code min} to {@code max}, or null when {@code text} is not one. */
  private static Long number(String text, long min, long max) {
    if (text == null || !text.matches("[0-9]{1,18}")) {
      return null;
    }
    long n = Long.parseLong(text);
    return n < min || n > max ? null : n;
  }

  /** The query string's parameters (the first of each name), decoded. */
  private static Map<String, String> query(String target) {
    Map<String, String> params = new java.util.LinkedHashMap<>();
    int q = target.indexOf('?');
    if (q < 0) {
      return params;
    }
    for (String pair : target.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
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

  private static ObjectNode problemBody(int status, String code, String detail) {
    return MAPPER
        .createObjectNode()
        .put("type", "urn:stagecoach:problem:" + code)
        .put("status", status)
        .put("code", code)
        .put("detail", detail);
  }

  private static RawResponse problem(int status, String code, String detail) {
    ObjectNode body = problemBody(status, code, detail);
    return new RawResponse(
        status,
        List.of(Map.entry("Content-Type", "application/problem+json")),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }
}
