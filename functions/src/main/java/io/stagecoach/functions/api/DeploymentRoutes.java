package io.stagecoach.functions.api;

import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentPlanning;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Secrets;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.TokenSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Deploy requests, deployment history, diff and destroy. */
record DeploymentRoutes(
    RegistryService registry,
    DeploymentService deployments,
    DeploymentPlanning planning,
    Clock clock,
    TokenSource ids) {

  private static final Log LOG = Log.of(DeploymentRoutes.class);

  List<Route> routes() {
    return List.of(
        Route.of("POST", "/v1/apps/{app}/deployments", Action.DEPLOY, true, this::request),
        Route.of("GET", "/v1/apps/{app}/deployments/{id}", Action.READ, false, this::get),
        Route.of(
            "GET",
            "/v1/apps/{app}/environments/{env}/deployments",
            Action.READ,
            false,
            this::history),
        Route.of("GET", "/v1/apps/{app}/environments/{env}/diff", Action.READ, false, this::diff),
        Route.of("DELETE", "/v1/apps/{app}/environments/{env}", Action.DEPLOY, false, this::delete),
        Route.of("GET", "/v1/break-glass", Action.BREAK_GLASS, false, this::listBreakGlasses),
        Route.of("GET", "/v1/break-glass/{id}", Action.BREAK_GLASS, false, this::getBreakGlass));
    // Its confirmation (POST /v1/break-glass/{id}) is a promotion route: confirming a promotion's
    // starts the promotion.
  }

  /**
   * {@code "breakGlass": {"reason": "..."}} in a deploy: an admin asks to force it past the gates
   * that refuse it (freeze, window); nothing is deployed until a second admin confirms (202, the
   * request, Location /v1/break-glass/{id}).
   */
  private ApiResponse askBreakGlass(
      ApiRequest req, DeploymentSpec spec, String reason, Optional<String> key) {
    if (key.isPresent()) {
      return RegistryRoutes.invalid(
          req,
          List.of(
              new FieldError(
                  "Idempotency-Key",
                  "a break-glass request takes none: its confirmation makes the one deployment")));
    }
    try {
      return breakGlassAnswer(
          req,
          deployments.askBreakGlass(
              req.caller(), req.param("app"), spec, reason, "bg-" + ids.newId(), clock.instant()));
    } catch (EventPublisher.EventNotPublishedException e) {
      return notAnnounced(req, e, "read it with GET /v1/break-glass and confirm it, or ask again");
    }
  }

  private ApiResponse breakGlassAnswer(ApiRequest req, Outcome<BreakGlass> outcome) {
    return breakGlassAnswer(req, outcome, clock.instant());
  }

  /** A break-glass asked for: 202 with it, Location /v1/break-glass/{id}; or the refusal. */
  static ApiResponse breakGlassAnswer(
      ApiRequest req, Outcome<BreakGlass> outcome, java.time.Instant now) {
    return switch (outcome) {
      case Outcome.Accepted<BreakGlass> a ->
          ApiResponse.json(202, DeploymentJson.breakGlass(a.value(), now))
              .withHeader("Location", "/v1/break-glass/" + a.value().id())
              .audited(breakGlassNote(Optional.empty(), a.value()));
      case Outcome.Rejected<BreakGlass> r -> ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  private ApiResponse listBreakGlasses(ApiRequest req) {
    return RegistryRoutes.pageRequest(req)
        .map(
            page ->
                RegistryRoutes.answer(
                    req,
                    deployments.breakGlasses(page),
                    p -> Views.page(p, b -> DeploymentJson.breakGlass(b, clock.instant()))))
        .fold();
  }

  private ApiResponse getBreakGlass(ApiRequest req) {
    return RegistryRoutes.answer(
        req,
        deployments.breakGlass(req.param("id")),
        b -> DeploymentJson.breakGlass(b, clock.instant()));
  }

  private ApiResponse request(ApiRequest req) {
    return RegistryRoutes.body(req)
        .map(
            fields -> {
              String environment = fields.requiredString("environment");
              String version = fields.requiredString("version");
              Optional<String> breakGlass = fields.breakGlassReason("breakGlass");
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return RegistryRoutes.invalid(req, errors);
              }
              DeploymentSpec spec = new DeploymentSpec(environment, version);
              if (breakGlass.isPresent()) {
                return askBreakGlass(
                    req, spec, breakGlass.get(), req.header("Idempotency-Key").map(String::trim));
              }
              // What the request asks for, not how it was spelt: the same deploy with reordered
              // fields is the same.
              String requestHash =
                  Secrets.hash(req.param("app") + "\n" + environment + "\n" + version);
              Optional<String> key = req.header("Idempotency-Key").map(String::trim);
              try {
                return switch (deployments.request(
                    req.caller(),
                    req.param("app"),
                    spec,
                    key,
                    requestHash,
                    "d-" + ids.newId(),
                    DeploymentService.Origin.API,
                    clock.instant())) {
                  case Outcome.Accepted<Saved<Deployment>> a -> accepted(req, a.value());
                  case Outcome.Rejected<Saved<Deployment>> r ->
                      ApiResponse.rejection(
                          r.rejection()
                              .withFieldNamed(
                                  DeploymentService.IDEMPOTENCY_KEY_FIELD, "Idempotency-Key"),
                          req.path());
                };
              } catch (EventPublisher.EventNotPublishedException e) {
                return notAnnounced(
                    req,
                    e,
                    key.isPresent()
                        ? "repeat the request with the same Idempotency-Key"
                        : "repeat the request with an Idempotency-Key");
              }
            })
        .fold();
  }

  private ApiResponse get(ApiRequest req) {
    return RegistryRoutes.answer(
        req, deployments.get(req.param("app"), req.param("id")), Views::deployment);
  }

  private ApiResponse history(ApiRequest req) {
    return RegistryRoutes.pageRequest(req)
        .map(
            page -> {
              if (registry.getEnvironment(req.param("app"), req.param("env"))
                  instanceof Outcome.Rejected<Environment> r) {
                // The history of an environment that is gone stays readable for the record.
                if (deployments.history(req.param("app"), req.param("env"), page)
                        instanceof Outcome.Accepted<io.stagecoach.domain.common.Page<Deployment>> a
                    && !a.value().items().isEmpty()) {
                  return ApiResponse.json(200, Views.page(a.value(), Views::deployment));
                }
                return ApiResponse.rejection(r.rejection(), req.path());
              }
              return RegistryRoutes.answer(
                  req,
                  deployments.history(req.param("app"), req.param("env"), page),
                  p -> Views.page(p, Views::deployment));
            })
        .fold();
  }

  /**
   * The plan of deploying {@code ?version=} now, from the environment's own provisioner. Changes
   * nothing.
   */
  private ApiResponse diff(ApiRequest req) {
    Optional<String> version = req.queryParam("version").filter(v -> !v.isBlank());
    if (version.isEmpty()) {
      return RegistryRoutes.invalid(
          req, List.of(new FieldError("version", "is required: ?version=<release version>")));
    }
    return switch (planning.preview(req.param("app"), req.param("env"), version.get())) {
      case DeploymentPlanning.Preview.Planned p -> {
        var body = DeploymentJson.plan(p.plan());
        body.put("app", req.param("app"));
        body.put("environment", req.param("env"));
        body.put("version", p.version());
        p.environment().deployedVersion().ifPresent(v -> body.put("deployedVersion", v));
        yield ApiResponse.json(200, body);
      }
      case DeploymentPlanning.Preview.Refused f -> ApiResponse.rejection(f.rejection(), req.path());
      case DeploymentPlanning.Preview.Unavailable u ->
          ApiResponse.problem(
                  503,
                  "internal_error",
                  "Provisioner unavailable",
                  "the " + u.tier().wireName() + " provisioner could not plan: " + u.reason(),
                  req.path())
              .withHeader("Retry-After", "5");
    };
  }

  /**
   * An environment that never received a release is only unregistered (204). One that did is
   * destroyed through its provisioner (202 with the destroy's deployment); its record goes when the
   * provisioner is done.
   */
  private ApiResponse delete(ApiRequest req) {
    String app = req.param("app");
    String env = req.param("env");
    Optional<String> confirm = req.queryParam("confirm");
    Optional<String> breakGlass = req.queryParam("breakGlass");
    if (breakGlass.isPresent()) {
      try {
        return breakGlassAnswer(
            req,
            deployments.askBreakGlassDestroy(
                req.caller(),
                app,
                env,
                confirm,
                breakGlass.get(),
                "bg-" + ids.newId(),
                clock.instant()));
      } catch (EventPublisher.EventNotPublishedException e) {
        return notAnnounced(
            req, e, "read it with GET /v1/break-glass and confirm it, or ask again");
      }
    }
    return switch (registry.getEnvironment(app, env)) {
      case Outcome.Rejected<Environment> r -> ApiResponse.rejection(r.rejection(), req.path());
      case Outcome.Accepted<Environment> a when !a.value().hasBeenDeployed() ->
          RegistryRoutes.ifMatch(req)
              .map(
                  expected ->
                      switch (registry.deleteEnvironment(app, env, confirm, expected)) {
                        case Outcome.Accepted<Environment> done ->
                            ApiResponse.noContent()
                                .audited(AuditNote.deleted(done.value().revision()));
                        case Outcome.Rejected<Environment> r ->
                            ApiResponse.rejection(r.rejection(), req.path());
                      })
              .fold();
      case Outcome.Accepted<Environment> a -> {
        try {
          yield switch (deployments.destroy(
              req.caller(), app, env, confirm, "d-" + ids.newId(), clock.instant())) {
            case Outcome.Accepted<Saved<Deployment>> d -> accepted(req, d.value());
            case Outcome.Rejected<Saved<Deployment>> r ->
                ApiResponse.rejection(r.rejection(), req.path());
          };
        } catch (EventPublisher.EventNotPublishedException e) {
          yield notAnnounced(req, e, "repeat the DELETE");
        }
      }
    };
  }

  /**
   * A break-glass asked for or confirmed: its status, and the deployment or promotion a
   * confirmation made.
   */
  static AuditNote breakGlassNote(Optional<String> before, BreakGlass glass) {
    return AuditNote.of(
            before,
            glass.status().wireName()
                + glass.deploymentId().map(id -> " (deployment " + id + ")").orElse("")
                + glass.promotionId().map(id -> " (promotion " + id + ")").orElse(""))
        .withDetail(
            "break-glass "
                + glass.id()
                + ": "
                + glass.action().wireName()
                + glass.version().map(v -> " " + v).orElse("")
                + " past "
                + String.join(", ", glass.gates()));
  }

  private static ApiResponse accepted(ApiRequest req, Saved<Deployment> saved) {
    Deployment d = saved.value();
    ApiResponse response =
        ApiResponse.json(202, Views.deployment(d))
            .withHeader("Location", "/v1/apps/" + d.app() + "/deployments/" + d.id())
            .audited(AuditNote.deployment(saved, d.version(), d.id()));
    return saved.created() ? response : response.withHeader("Idempotent-Replayed", "true");
  }

  static ApiResponse notAnnounced(ApiRequest req, RuntimeException e, String advice) {
    LOG.error(
        "event not published",
        "requestId",
        req.requestId(),
        "event",
        "Deployment Requested",
        "app",
        req.param("app"),
        "error",
        String.valueOf(e.getMessage()));
    return ApiResponse.problem(
            503,
            "internal_error",
            "Event not published",
            "the deployment is recorded but its Deployment Requested event could not be published; "
                + advice,
            req.path())
        .withHeader("Retry-After", "1");
  }
}
