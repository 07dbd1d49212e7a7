package io.stagecoach.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.audit.AuditService;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.deployment.DeploymentPlanning;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.ReleaseRegistration;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.TokenSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The v1 REST API behind API Gateway's Lambda proxy integration: finds the route, checks the
 * caller's role (the token authorizer has already authenticated it), guards the body, and runs the
 * route. Paths under {@code /console} are the web console's static files ({@link ConsolePage}).
 */
public final class Api {

  private static final Log LOG = Log.of(Api.class);

  /** Request bodies above this are refused before parsing; no resource description needs more. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final List<Route> routes;
  private final ObjectNode openApiDocument;
  private final ConsolePage console = new ConsolePage();
  private final AuditLog audit;
  private final Clock clock;
  private final TokenSource auditIds = new TokenSource();

  /** An API without Slack links: its Slack routes answer 503. */
  public Api(
      RegistryService registry,
      DeploymentService deployments,
      PromotionService promotions,
      TierPlanner planner,
      EventPublisher events,
      Clock clock) {
    this(registry, deployments, promotions, planner, events, Optional.empty(), clock);
  }

  public Api(
      RegistryService registry,
      DeploymentService deployments,
      PromotionService promotions,
      TierPlanner planner,
      EventPublisher events,
      Optional<SlackDirectoryService> slack,
      Clock clock) {
    this(registry, deployments, promotions, planner, events, slack, AuditLog.NONE, clock);
  }

  /** The API, recording every state-changing request and every refusal in {@code audit}. */
  public Api(
      RegistryService registry,
      DeploymentService deployments,
      PromotionService promotions,
      TierPlanner planner,
      EventPublisher events,
      Optional<SlackDirectoryService> slack,
      AuditLog audit,
      Clock clock) {
    this.audit = audit;
    this.clock = clock;
    TokenSource ids = new TokenSource();
    List<Route> all =
        new ArrayList<>(
            new RegistryRoutes(registry, clock, ids, new ReleaseRegistration(registry, events))
                .routes());
    all.addAll(
        new DeploymentRoutes(
                registry, deployments, new DeploymentPlanning(registry, planner), clock, ids)
            .routes());
    all.addAll(new PromotionRoutes(registry, deployments, promotions, clock, ids).routes());
    all.addAll(new DriftRoutes(deployments, clock, ids).routes());
    all.addAll(new SlackRoutes(slack, clock).routes());
    all.add(
        Route.of(
            "GET",
            "/v1/audit",
            io.stagecoach.domain.access.Action.READ,
            false,
            new AuditRoutes(new AuditService(audit))::read));
    all.add(
        Route.of(
            "GET",
            "/v1/apps/{app}/compare",
            io.stagecoach.domain.access.Action.READ,
            false,
            new ParityRoutes(
                    new io.stagecoach.domain.parity.ParityService(
                        registry, new io.stagecoach.json.TemplateResourceShapes()))
                ::compare));
    all.add(new Route("GET", "/v1/openapi.json", Optional.empty(), false, this::openApi));
    this.routes = List.copyOf(all);
    try {
      this.openApiDocument = (ObjectNode) Json.parse(readResource("/openapi.json"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("openapi.json in the functions jar is not JSON", e);
    }
  }

  /** Method and path template of every route, for the OpenAPI check and the local cloud's tests. */
  public List<String> routeKeys() {
    return routes.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event) {
    String requestId =
        event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
            ? event.getRequestContext().getRequestId()
            : "local";
    String path = event.getPath() == null ? "/" : event.getPath();
    try {
      return toEvent(dispatch(event, path, requestId));
    } catch (RuntimeException e) {
      // Nothing of the exception reaches the caller; the request id ties the log line to the
      // answer.
      LOG.error(e, "API request failed", "requestId", requestId, "method", event.getHttpMethod());
      return toEvent(
          ApiResponse.problem(
              500,
              "internal_error",
              "Internal error",
              "the request failed inside Stagecoach; quote request id " + requestId,
              path));
    }
  }

  private ApiResponse dispatch(APIGatewayProxyRequestEvent event, String path, String requestId) {
    String method =
        event.getHttpMethod() == null
            ? ""
            : event.getHttpMethod().toUpperCase(java.util.Locale.ROOT);
    if (ConsolePage.serves(path)) {
      return console.answer(method, path);
    }
    Optional<List<String>> segments = segments(path);
    if (segments.isEmpty()) {
      return ApiResponse.rejection(
          Rejection.invalid("path", "has a malformed percent-encoding"), path);
    }
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Optional<Map<String, String>> params = route.match(segments.get());
      if (params.isEmpty()) {
        continue;
      }
      if (!route.method().equals(method)) {
        allowed.add(route.method());
        continue;
      }
      return run(route, params.get(), event, path, requestId);
    }
    if (!allowed.isEmpty()) {
      return ApiResponse.problem(
              405,
              "validation_failed",
              "Method not allowed",
              method + " is not allowed here; use " + String.join(", ", allowed),
              path)
          .withHeader("Allow", String.join(", ", allowed));
    }
    return ApiResponse.rejection(Rejection.notFound("no route for " + method + " " + path), path);
  }

  private ApiResponse run(
      Route route,
      Map<String, String> params,
      APIGatewayProxyRequestEvent event,
      String path,
      String requestId) {
    ApiResponse response = runRoute(route, params, event, path, requestId);
    audit(route, params, event, path, requestId, response);
    return response;
  }

  /**
   * Records a state-changing request however it ended, and any request refused for who asked (401,
   * 403) or, reading the audit log, for what it asked: who, from which surface, what, when, and the
   * outcome; for an accepted change, the before and after its route noted on the answer ({@link
   * ApiResponse#audited}), taken from what the core did (no entry reads anything again). A failure
   * to record is logged; the caller has its answer.
   */
  private void audit(
      Route route,
      Map<String, String> params,
      APIGatewayProxyRequestEvent event,
      String path,
      String requestId,
      ApiResponse response) {
    int status = response.status();
    boolean changes = !route.method().equals("GET");
    boolean refusedCaller = status == 401 || status == 403;
    boolean auditQuery = route.template().equals("/v1/audit") && status >= 400;
    if (!changes && !refusedCaller && !auditQuery) {
      return;
    }
    String outcome = AuditEntry.ACCEPTED;
    if (status >= 400) {
      try {
        outcome = Json.parse(response.body()).path("code").asText("error");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        outcome = "error";
      }
    }
    // What the route noted it changed, from what the core returned; a refusal changed nothing,
    // so it keeps at most what the route knew was there before.
    AuditNote note = response.audit();
    if (status >= 400) {
      note = new AuditNote(note.before(), Optional.empty(), Optional.empty());
    }
    String agent =
        headers(event).entrySet().stream()
            .filter(h -> h.getKey().equalsIgnoreCase("User-Agent"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse("");
    try {
      audit.record(
          new AuditEntry(
              "au-" + auditIds.newId(),
              clock.instant(),
              principal(event).map(Principal::name).orElse("anonymous"),
              agent.startsWith("stagecoach-cli/") ? "cli" : "api",
              route.method() + " " + route.template(),
              path,
              Optional.ofNullable(params.get("app")),
              Optional.ofNullable(params.get("env")),
              outcome,
              status,
              requestId,
              note.before(),
              note.after(),
              note.detail()));
    } catch (RuntimeException e) {
      LOG.error(e, "audit entry not recorded", "requestId", requestId, "path", path);
    }
  }

  private ApiResponse runRoute(
      Route route,
      Map<String, String> params,
      APIGatewayProxyRequestEvent event,
      String path,
      String requestId) {
    Optional<Principal> caller = principal(event);
    if (route.action().isPresent()) {
      if (caller.isEmpty()) {
        return ApiResponse.rejection(
                Rejection.of(Rejection.Code.UNAUTHORIZED, "a valid bearer token is required"), path)
            .withHeader("WWW-Authenticate", "Bearer");
      }
      Role needed = route.action().get().requiredRole();
      if (!caller.get().may(needed)) {
        return ApiResponse.rejection(
            Rejection.of(
                Rejection.Code.FORBIDDEN,
                "this route needs the "
                    + needed.wireName()
                    + " role; "
                    + caller.get().name()
                    + " has "
                    + caller.get().roles().stream().map(Role::wireName).sorted().toList()),
            path);
      }
    }
    Map<String, String> query = query(event);
    List<FieldError> parameterErrors =
        ParameterRules.problems(route.parameterKinds(), params, query);
    if (!parameterErrors.isEmpty()) {
      return ApiResponse.rejection(Rejection.invalid(parameterErrors), path);
    }

    Optional<String> body = Optional.empty();
    if (route.takesBody()) {
      Map<String, String> headers = headers(event);
      String contentType =
          headers.entrySet().stream()
              .filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse("");
      boolean patch = route.method().equals("PATCH");
      if (!contentType.isEmpty()
          && !isJson(contentType)
          && !(patch && isMediaType(contentType, MergePatch.MEDIA_TYPE))) {
        return ApiResponse.problem(
            415,
            "validation_failed",
            "Unsupported media type",
            patch
                ? "send the body as " + MergePatch.MEDIA_TYPE + " (a JSON Merge Patch, RFC 7396)"
                : "send the body as application/json",
            path);
      }
      byte[] raw = rawBody(event);
      if (raw.length > MAX_BODY_BYTES) {
        return ApiResponse.problem(
            413,
            "validation_failed",
            "Request body too large",
            "the body has " + raw.length + " bytes; at most " + MAX_BODY_BYTES + " are accepted",
            path);
      }
      Optional<String> text = utf8(raw);
      if (text.isEmpty()) {
        return ApiResponse.rejection(Rejection.invalid("body", "is not UTF-8 text"), path);
      }
      body = text;
    }
    ApiRequest request =
        new ApiRequest(
            route.method(),
            path,
            params,
            query,
            headers(event),
            body,
            caller,
            requestId,
            baseUrl(event, path));
    return route.handler().apply(request);
  }

  /**
   * Whether a {@code Content-Type} names JSON: {@code application/json}, with or without parameters
   * such as {@code charset}. Look-alikes ({@code application/jsonx}, {@code json}, {@code
   * application/json-patch+json}) are other media types.
   */
  static boolean isJson(String contentType) {
    return isMediaType(contentType, "application/json");
  }

  /** Whether a {@code Content-Type} is {@code mediaType}, with or without parameters. */
  static boolean isMediaType(String contentType, String mediaType) {
    int parameters = contentType.indexOf(';');
    String named = parameters < 0 ? contentType : contentType.substring(0, parameters);
    return named.trim().equalsIgnoreCase(mediaType);
  }

  /**
   * The principal the token authorizer put into the request context; none means unauthenticated.
   */
  static Optional<Principal> principal(APIGatewayProxyRequestEvent event) {
    if (event.getRequestContext() == null || event.getRequestContext().getAuthorizer() == null) {
      return Optional.empty();
    }
    Map<String, Object> authorizer = event.getRequestContext().getAuthorizer();
    Object name = authorizer.get("principal");
    Object roles = authorizer.get("roles");
    if (!(name instanceof String n) || n.isEmpty() || roles == null) {
      return Optional.empty();
    }
    Set<Role> held = EnumSet.noneOf(Role.class);
    for (String r : roles.toString().split(",")) {
      Role.fromWire(r.trim()).ifPresent(held::add);
    }
    Set<String> groups = new java.util.TreeSet<>();
    Object groupText = authorizer.get("groups");
    if (groupText != null) {
      for (String g : groupText.toString().split(",")) {
        if (!g.isBlank()) {
          groups.add(g.trim());
        }
      }
    }
    return Optional.of(new Principal(n, held, groups));
  }

  /** Decoded path segments; a trailing slash is tolerated, an empty inner segment never matches. */
  static Optional<List<String>> segments(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    List<String> out = new ArrayList<>();
    for (String raw : trimmed.split("/", -1)) {
      Optional<String> decoded = percentDecode(raw);
      if (decoded.isEmpty()) {
        return Optional.empty();
      }
      out.add(decoded.get());
    }
    return Optional.of(out);
  }

  /**
   * RFC 3986 percent-decoding of a path segment: unlike form decoding, {@code +} stays {@code +}.
   */
  static Optional<String> percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return Optional.of(raw);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    return utf8(bytes.toByteArray());
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static byte[] rawBody(APIGatewayProxyRequestEvent event) {
    String body = event.getBody();
    if (body == null) {
      return new byte[0];
    }
    if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
      try {
        return Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        return body.getBytes(StandardCharsets.UTF_8);
      }
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(APIGatewayProxyRequestEvent event) {
    return event.getHeaders() == null ? Map.of() : event.getHeaders();
  }

  private static Map<String, String> query(APIGatewayProxyRequestEvent event) {
    return event.getQueryStringParameters() == null
        ? Map.of()
        : new HashMap<>(event.getQueryStringParameters());
  }

  /**
   * The document with one server: the address it was requested at, so a client generated from it
   * calls the same API (the local cloud on its own port, the stage URL on AWS).
   */
  private ApiResponse openApi(ApiRequest req) {
    ObjectNode document = openApiDocument.deepCopy();
    ArrayNode servers = document.putArray("servers");
    servers
        .addObject()
        .put("url", req.baseUrl())
        .put("description", "where this document was served");
    return new ApiResponse(
        200,
        Map.of("Content-Type", "application/json", "Cache-Control", "no-store"),
        Json.write(document));
  }

  /**
   * The URL the caller used, up to the API's routes: API Gateway's {@code requestContext.path} is
   * the path as called ({@code /live/v1/openapi.json} on the execute-api domain, with the stage),
   * {@code path} the path within the API; the scheme is the {@code X-Forwarded-Proto} API Gateway
   * sets, else http for a loopback host (the local cloud) and https otherwise.
   */
  static String baseUrl(APIGatewayProxyRequestEvent event, String path) {
    Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(headers(event));
    var context = event.getRequestContext();
    String host =
        context != null && context.getDomainName() != null && !context.getDomainName().isBlank()
            ? context.getDomainName()
            : headers.getOrDefault("Host", "127.0.0.1");
    String hostName = host.startsWith("[") ? host : host.replaceFirst(":\\d+$", "");
    boolean loopback =
        hostName.equals("127.0.0.1") || hostName.equals("localhost") || hostName.equals("[::1]");
    String scheme =
        Optional.ofNullable(headers.get("X-Forwarded-Proto"))
            .map(p -> p.split(",")[0].trim().toLowerCase(java.util.Locale.ROOT))
            .filter(p -> p.equals("http") || p.equals("https"))
            .orElse(loopback ? "http" : "https");
    String calledPath = context == null ? null : context.getPath();
    String prefix =
        calledPath != null && calledPath.endsWith(path)
            ? calledPath.substring(0, calledPath.length() - path.length())
            : "";
    return scheme + "://" + host + prefix;
  }

  private static APIGatewayProxyResponseEvent toEvent(ApiResponse response) {
    Map<String, String> headers = new HashMap<>(response.headers());
    headers.putIfAbsent("Cache-Control", "no-store");
    headers.put("X-Content-Type-Options", "nosniff");
    return new APIGatewayProxyResponseEvent()
        .withStatusCode(response.status())
        .withHeaders(headers)
        .withBody(response.body())
        .withIsBase64Encoded(false);
  }

  private static String readResource(String name) {
    try (InputStream in = Api.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the functions jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
