package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.access.TokenSpec;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.ReleaseRegistration;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.TokenSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The v1 registry routes: each parses its input, calls the core and maps the outcome. */
final class RegistryRoutes {

  private static final Log LOG = Log.of(RegistryRoutes.class);

  private final RegistryService registry;
  private final Clock clock;
  private final TokenSource tokens;
  private final ReleaseRegistration releases;

  RegistryRoutes(
      RegistryService registry, Clock clock, TokenSource tokens, ReleaseRegistration releases) {
    this.registry = registry;
    this.clock = clock;
    this.tokens = tokens;
    this.releases = releases;
  }

  List<Route> routes() {
    return List.of(
        Route.of("GET", "/v1/apps", Action.READ, false, this::listApps),
        Route.of("POST", "/v1/apps", Action.MANAGE_APPS, true, this::createApp),
        Route.of("GET", "/v1/apps/{app}", Action.READ, false, this::getApp),
        Route.of("PUT", "/v1/apps/{app}", Action.MANAGE_APPS, true, this::putApp),
        Route.of("PATCH", "/v1/apps/{app}", Action.MANAGE_APPS, true, this::patchApp),
        Route.of("DELETE", "/v1/apps/{app}", Action.MANAGE_APPS, false, this::deleteApp),
        Route.of("GET", "/v1/apps/{app}/templates", Action.READ, false, this::listTemplates),
        Route.of(
            "GET", "/v1/apps/{app}/templates/{revision}", Action.READ, false, this::getTemplate),
        Route.of("GET", "/v1/apps/{app}/environments", Action.READ, false, this::listEnvironments),
        Route.of(
            "GET", "/v1/apps/{app}/environments/{env}", Action.READ, false, this::getEnvironment),
        Route.of(
            "PUT",
            "/v1/apps/{app}/environments/{env}",
            Action.MANAGE_ENVIRONMENTS,
            true,
            this::putEnvironment),
        Route.of(
            "PATCH",
            "/v1/apps/{app}/environments/{env}",
            Action.MANAGE_ENVIRONMENTS,
            true,
            this::patchEnvironment),
        Route.of(
            "POST",
            "/v1/apps/{app}/environments",
            Action.MANAGE_ENVIRONMENTS,
            true,
            this::createEnvironment),
        Route.of(
            "POST",
            "/v1/apps/{app}/environments/{env}/extend",
            Action.MANAGE_ENVIRONMENTS,
            true,
            this::extendEnvironment),
        Route.of(
            "PUT",
            "/v1/apps/{app}/environments/{env}/pin",
            Action.MANAGE_ENVIRONMENTS,
            true,
            this::pinEnvironment),
        Route.of(
            "DELETE",
            "/v1/apps/{app}/environments/{env}/pin",
            Action.MANAGE_ENVIRONMENTS,
            false,
            this::unpinEnvironment),
        Route.of("GET", "/v1/environments/expiring", Action.READ, false, this::listExpiring),
        Route.of("GET", "/v1/apps/{app}/releases", Action.READ, false, this::listReleases),
        Route.of(
            "POST",
            "/v1/apps/{app}/releases",
            Action.REGISTER_RELEASE,
            true,
            this::registerRelease),
        Route.of("GET", "/v1/apps/{app}/releases/{version}", Action.READ, false, this::getRelease),
        Route.of("GET", "/v1/tokens", Action.MANAGE_ACCESS, false, this::listTokens),
        Route.of("POST", "/v1/tokens", Action.MANAGE_ACCESS, true, this::issueToken),
        Route.of("DELETE", "/v1/tokens/{id}", Action.MANAGE_ACCESS, false, this::revokeToken),
        Route.of("GET", "/v1/me", Action.READ, false, this::whoAmI));
  }

  // ------------------------------------------------------------ apps

  private ApiResponse listApps(ApiRequest req) {
    return pageRequest(req)
        .map(page -> answer(req, registry.listApps(page), p -> Views.page(p, Views::app)))
        .fold();
  }

  private ApiResponse createApp(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              AppSpec spec = appSpec(fields, fields.requiredString("name"));
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              return switch (registry.createApp(req.caller(), spec, clock.instant())) {
                case Outcome.Accepted<io.stagecoach.domain.registry.App> a ->
                    ApiResponse.json(201, Views.app(a.value()))
                        .withHeader("Location", "/v1/apps/" + a.value().name())
                        .withHeader("ETag", etag(a.value().revision()))
                        .audited(
                            AuditNote.of(Optional.empty(), Saved.revision(a.value().revision())));
                case Outcome.Rejected<io.stagecoach.domain.registry.App> r ->
                    ApiResponse.rejection(r.rejection(), req.path());
              };
            })
        .fold();
  }

  private ApiResponse getApp(ApiRequest req) {
    return switch (registry.getApp(req.param("app"))) {
      case Outcome.Accepted<io.stagecoach.domain.registry.App> a ->
          ApiResponse.json(200, Views.app(a.value()))
              .withHeader("ETag", etag(a.value().revision()));
      case Outcome.Rejected<io.stagecoach.domain.registry.App> r ->
          ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  private ApiResponse putApp(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              Optional<String> named = fields.string("name");
              AppSpec spec = appSpec(fields, req.param("app"));
              List<FieldError> readOnly = readOnlyChanges(fields, req.param("app"));
              List<FieldError> errors = new java.util.ArrayList<>(fields.errors());
              named
                  .filter(n -> !n.equals(req.param("app")))
                  .ifPresent(
                      n ->
                          errors.add(
                              new FieldError(
                                  "name",
                                  "must match the app in the path ('" + req.param("app") + "')")));
              errors.addAll(readOnly);
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              return ifMatch(req)
                  .map(
                      expected ->
                          saved(
                              req,
                              registry.putApp(req.caller(), spec, expected, clock.instant()),
                              Views::app,
                              app -> app.revision(),
                              Optional.empty()))
                  .fold();
            })
        .fold();
  }

  private ApiResponse deleteApp(ApiRequest req) {
    return ifMatch(req)
        .map(
            expected ->
                switch (registry.deleteApp(req.param("app"), expected)) {
                  case Outcome.Accepted<io.stagecoach.domain.registry.App> a ->
                      ApiResponse.noContent().audited(AuditNote.deleted(a.value().revision()));
                  case Outcome.Rejected<io.stagecoach.domain.registry.App> r ->
                      ApiResponse.rejection(r.rejection(), req.path());
                })
        .fold();
  }

  // ------------------------------------------------------------ template revisions

  private ApiResponse listTemplates(ApiRequest req) {
    return pageRequest(req)
        .map(
            page ->
                answer(
                    req,
                    registry.listTemplateRevisions(req.param("app"), page),
                    p -> Views.page(p, r -> Views.templateRevision(r, false))))
        .fold();
  }

  private ApiResponse getTemplate(ApiRequest req) {
    // The path rule (ParameterRules) admits nine digits at most: always an int.
    int number = Integer.parseInt(req.param("revision"));
    return answer(
        req,
        registry.getTemplateRevision(req.param("app"), number),
        r -> Views.templateRevision(r, true));
  }

  /**
   * What GET returns that a writer cannot set ({@code createdAt}, {@code createdBy}, {@code
   * updatedAt}, {@code revision}, {@code templateRevision}): a PUT body may carry them, so what was
   * read can be written back, but only as the app has them; a changed one (or one for an app that
   * does not exist yet) is an error naming the field. The write itself is guarded by If-Match, not
   * by {@code revision}; a changed template makes its own next revision.
   */
  private List<FieldError> readOnlyChanges(Fields fields, String name) {
    Optional<String> createdAt = fields.string("createdAt");
    Optional<String> createdBy = fields.string("createdBy");
    Optional<String> updatedAt = fields.string("updatedAt");
    Optional<Long> revision = fields.longValue("revision");
    Optional<Long> templateRevision = fields.longValue("templateRevision");
    List<FieldError> errors = new java.util.ArrayList<>();
    if (createdAt.isEmpty()
        && createdBy.isEmpty()
        && updatedAt.isEmpty()
        && revision.isEmpty()
        && templateRevision.isEmpty()) {
      return errors;
    }
    Optional<io.stagecoach.domain.registry.App> current =
        switch (registry.getApp(name)) {
          case Outcome.Accepted<io.stagecoach.domain.registry.App> a -> Optional.of(a.value());
          case Outcome.Rejected<io.stagecoach.domain.registry.App> r -> Optional.empty();
        };
    String readOnly = "is read-only: leave it out or send it as GET returned it";
    createdAt
        .filter(v -> current.isEmpty() || !sameInstant(v, current.get().createdAt()))
        .ifPresent(v -> errors.add(new FieldError("createdAt", readOnly)));
    createdBy
        .filter(v -> current.isEmpty() || !v.equals(current.get().createdBy()))
        .ifPresent(v -> errors.add(new FieldError("createdBy", readOnly)));
    updatedAt
        .filter(v -> current.isEmpty() || !sameInstant(v, current.get().updatedAt()))
        .ifPresent(v -> errors.add(new FieldError("updatedAt", readOnly)));
    revision
        .filter(v -> current.isEmpty() || v != current.get().revision())
        .ifPresent(
            v ->
                errors.add(
                    new FieldError(
                        "revision",
                        readOnly
                            + " (the app is at revision "
                            + current.map(a -> String.valueOf(a.revision())).orElse("none")
                            + "; to guard the write, send If-Match)")));
    templateRevision
        .filter(
            v ->
                current.isEmpty()
                    || current.get().templateRevision().map(r -> (long) r.number()).orElse(-1L)
                        != v)
        .ifPresent(
            v ->
                errors.add(
                    new FieldError(
                        "templateRevision",
                        readOnly
                            + " (a new template makes its own revision; the app's template is at "
                            + current
                                .flatMap(io.stagecoach.domain.registry.App::templateRevision)
                                .map(r -> "revision " + r.number())
                                .orElse("no revision")
                            + ")")));
    return errors;
  }

  private static boolean sameInstant(String text, java.time.Instant instant) {
    try {
      return java.time.Instant.parse(text).equals(instant);
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private static AppSpec appSpec(Fields fields, String name) {
    List<io.stagecoach.domain.pipeline.Stage> stages = fields.stages("pipeline");
    Optional<String> concurrency = fields.string("concurrency");
    Optional<io.stagecoach.domain.pipeline.PromotionConcurrency> parsed =
        concurrency.flatMap(io.stagecoach.domain.pipeline.PromotionConcurrency::fromWire);
    if (concurrency.isPresent() && parsed.isEmpty()) {
      fields.reject("concurrency", "must be supersede or queue");
    }
    return new AppSpec(
        name,
        fields.string("description"),
        stages,
        fields.strings("allowedEnvironments"),
        fields.template("template"),
        parsed.orElse(io.stagecoach.domain.pipeline.PromotionConcurrency.SUPERSEDE),
        fields.repository("repository", name),
        fields.ephemeral("ephemeral"),
        fields.freeze("freeze"),
        fields.strings("perEnvironmentConfig"),
        fields.integer("driftCheckHours"));
  }

  // ------------------------------------------------------------ environments

  private ApiResponse listEnvironments(ApiRequest req) {
    return pageRequest(req)
        .map(
            page ->
                answer(
                    req,
                    registry.listEnvironments(req.param("app"), page),
                    p -> Views.page(p, e -> Views.environment(e, clock.instant()))))
        .fold();
  }

  private ApiResponse getEnvironment(ApiRequest req) {
    return switch (registry.getEnvironment(req.param("app"), req.param("env"))) {
      case Outcome.Accepted<io.stagecoach.domain.registry.Environment> a ->
          ApiResponse.json(200, Views.environment(a.value(), clock.instant()))
              .withHeader("ETag", etag(a.value().revision()));
      case Outcome.Rejected<io.stagecoach.domain.registry.Environment> r ->
          ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  /**
   * Creates a personal or ephemeral environment; a personal one is named after the caller unless
   * the body names it. An existing environment of that name is a conflict (PUT replaces, POST only
   * creates).
   */
  private ApiResponse createEnvironment(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              Optional<String> named = fields.string("name");
              EnvironmentSpec spec = environmentSpec(fields);
              List<FieldError> errors = new java.util.ArrayList<>(fields.errors());
              String kind = spec.kind().orElse("");
              String name =
                  named.orElse(
                      kind.equals("personal")
                          ? Naming.personalEnvironmentName(req.caller().name())
                          : null);
              if (!kind.equals("personal") && !kind.equals("ephemeral")) {
                errors.add(
                    new FieldError(
                        "kind",
                        "must be personal or ephemeral here; shared environments are PUT by name"));
              } else if (name == null) {
                errors.add(new FieldError("name", "is required for ephemeral environments"));
              } else {
                Naming.environmentNameProblem(name)
                    .ifPresent(p -> errors.add(new FieldError("name", p)));
              }
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              if (registry.getEnvironment(req.param("app"), name) instanceof Outcome.Accepted<?>) {
                return ApiResponse.rejection(
                    Rejection.conflict(
                        "environment '" + req.param("app") + "/" + name + "' already exists"),
                    req.path());
              }
              return switch (registry.putEnvironment(
                  req.caller(), req.param("app"), name, spec, Optional.empty(), clock.instant())) {
                case Outcome.Accepted<Saved<io.stagecoach.domain.registry.Environment>> a
                    when !a.value().created() ->
                    ApiResponse.rejection(
                        Rejection.conflict(
                            "environment '"
                                + req.param("app")
                                + "/"
                                + name
                                + "' was created by another request at the same time"),
                        req.path());
                case Outcome.Accepted<Saved<io.stagecoach.domain.registry.Environment>> a ->
                    ApiResponse.json(201, Views.environment(a.value().value()))
                        .withHeader(
                            "Location", "/v1/apps/" + req.param("app") + "/environments/" + name)
                        .withHeader("ETag", etag(a.value().value().revision()))
                        .audited(AuditNote.revisions(a.value(), a.value().value().revision()));
                case Outcome.Rejected<Saved<io.stagecoach.domain.registry.Environment>> r ->
                    ApiResponse.rejection(r.rejection(), req.path());
              };
            })
        .fold();
  }

  /**
   * {@code {"expiresAt": "..."}} or {@code {"by": "12h"}} (minutes m, hours h, days d) for an
   * ephemeral environment.
   */
  private ApiResponse extendEnvironment(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              Optional<java.time.Instant> at = fields.instant("expiresAt");
              Optional<String> by = fields.string("by");
              List<FieldError> errors = new java.util.ArrayList<>(fields.errors());
              Optional<java.time.Duration> duration = by.flatMap(RegistryRoutes::duration);
              if (by.isPresent() && duration.isEmpty()) {
                errors.add(new FieldError("by", "must be a duration such as 30m, 12h or 3d"));
              }
              if (at.isPresent() == by.isPresent()) {
                errors.add(new FieldError("body", "give exactly one of expiresAt and by"));
              }
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              return answer(
                  req,
                  registry.extendEnvironment(
                      req.caller(),
                      req.param("app"),
                      req.param("env"),
                      at,
                      duration,
                      clock.instant()),
                  Views::environment,
                  AuditNote::extended);
            })
        .fold();
  }

  /** {@code {"reason": "..."}}: keeps an ephemeral environment past its expiry (admins). */
  private ApiResponse pinEnvironment(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              String reason = fields.string("reason").orElse("");
              if (!fields.errors().isEmpty()) {
                return invalid(req, fields.errors());
              }
              return answer(
                  req,
                  registry.pin(
                      req.caller(), req.param("app"), req.param("env"), reason, clock.instant()),
                  e -> Views.environment(e, clock.instant()),
                  e -> AuditNote.updated(e.revision(), Optional.of("pinned")));
            })
        .fold();
  }

  private ApiResponse unpinEnvironment(ApiRequest req) {
    return answer(
        req,
        registry.unpin(req.caller(), req.param("app"), req.param("env")),
        e -> Views.environment(e, clock.instant()),
        e -> AuditNote.updated(e.revision(), Optional.of("unpinned")));
  }

  /**
   * {@code ?within=24h} (default: already expired) and optionally {@code &app=}: ephemeral
   * environments expiring soonest first, across apps. With {@code app}, a page may hold fewer items
   * than its limit; follow {@code nextCursor}.
   */
  private ApiResponse listExpiring(ApiRequest req) {
    Optional<String> within = req.queryParam("within");
    Optional<java.time.Duration> ahead = within.flatMap(RegistryRoutes::duration);
    if (within.isPresent() && ahead.isEmpty()) {
      return invalid(
          req, List.of(new FieldError("within", "must be a duration such as 30m, 12h or 3d")));
    }
    Optional<String> app = req.queryParam("app");
    java.time.Instant now = clock.instant();
    java.time.Instant upTo = now.plus(ahead.orElse(java.time.Duration.ZERO));
    return pageRequest(req)
        .map(
            page ->
                answer(
                    req,
                    registry.listExpiring(upTo, page),
                    p ->
                        Views.page(
                            new io.stagecoach.domain.common.Page<>(
                                p.items().stream()
                                    .filter(e -> app.isEmpty() || app.get().equals(e.app()))
                                    .toList(),
                                p.nextCursor()),
                            e -> Views.environment(e, now))))
        .fold();
  }

  static Optional<java.time.Duration> duration(String text) {
    var m = java.util.regex.Pattern.compile("([1-9][0-9]{0,4})([mhd])").matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "m" -> java.time.Duration.ofMinutes(n);
          case "h" -> java.time.Duration.ofHours(n);
          default -> java.time.Duration.ofDays(n);
        });
  }

  /**
   * The environment a body describes. Its expiry is {@code expiresAt}, or {@code expiresIn} (30m,
   * 12h, 3d) from now as the API's clock reads it: a client that says how long need not agree with
   * the server on the time (the local cloud's clock may have been moved).
   */
  private EnvironmentSpec environmentSpec(Fields fields) {
    Optional<java.time.Instant> expiresAt = fields.instant("expiresAt");
    Optional<String> expiresIn = fields.string("expiresIn");
    if (expiresIn.isPresent()) {
      Optional<java.time.Duration> ttl = duration(expiresIn.get());
      if (ttl.isEmpty()) {
        fields.reject("expiresIn", "must be a duration such as 30m, 12h or 3d");
      } else if (expiresAt.isPresent()) {
        fields.reject("expiresIn", "give expiresAt or expiresIn, not both");
      } else {
        expiresAt =
            Optional.of(
                clock.instant().plus(ttl.get()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      }
    }
    java.util.Set<String> leftOut = new java.util.HashSet<>();
    for (String map : List.of(EnvironmentSpec.CONFIG, EnvironmentSpec.SECRETS)) {
      if (!fields.has(map)) {
        leftOut.add(map);
      }
    }
    return new EnvironmentSpec(
        fields.string("kind"),
        fields.string("tier"),
        fields.string("account"),
        fields.string("region"),
        fields.stringMap("config"),
        fields.stringMap("secrets"),
        fields.numberMap("usage"),
        fields.bool("protected"),
        fields.string("owner"),
        expiresAt,
        leftOut,
        fields.dns("dns"));
  }

  /**
   * What a writer may set of an environment, as PUT takes it: the document a merge patch applies
   * to.
   */
  static ObjectNode writable(io.stagecoach.domain.registry.Environment env) {
    ObjectNode o = Json.object();
    o.put("kind", env.kind().wireName());
    o.put("tier", env.tier().wireName());
    o.put("account", env.account());
    o.put("region", env.region());
    ObjectNode config = o.putObject("config");
    env.config().forEach(config::put);
    ObjectNode secrets = o.putObject("secrets");
    env.secrets().forEach((k, v) -> secrets.put(k, v.reference()));
    o.put("protected", env.isProtected());
    o.put("owner", env.owner());
    env.expiresAt().ifPresent(at -> o.put("expiresAt", at.toString()));
    return o;
  }

  /**
   * A JSON Merge Patch (RFC 7396) of an environment: what the body names changes, the rest stays as
   * it is; the result is checked as a PUT of it would be (protection needs the admin role), at the
   * revision read (or If-Match's).
   */
  private ApiResponse patchEnvironment(ApiRequest req) {
    return mergePatch(req)
        .map(
            patch ->
                switch (registry.getEnvironment(req.param("app"), req.param("env"))) {
                  case Outcome.Rejected<io.stagecoach.domain.registry.Environment> r ->
                      ApiResponse.rejection(r.rejection(), req.path());
                  case Outcome.Accepted<io.stagecoach.domain.registry.Environment> a ->
                      ifMatch(req)
                          .map(
                              expected -> {
                                ObjectNode merged =
                                    (ObjectNode) MergePatch.apply(writable(a.value()), patch);
                                // A patch that removes config or secrets (null) says so: nothing
                                // goes unsaid.
                                merged.putIfAbsent(EnvironmentSpec.CONFIG, Json.object());
                                merged.putIfAbsent(EnvironmentSpec.SECRETS, Json.object());
                                Fields fields = new Fields(merged);
                                EnvironmentSpec spec = environmentSpec(fields);
                                List<FieldError> errors = fields.errors();
                                if (!errors.isEmpty()) {
                                  return invalid(req, errors);
                                }
                                return saved(
                                    req,
                                    registry.putEnvironment(
                                        req.caller(),
                                        req.param("app"),
                                        req.param("env"),
                                        spec,
                                        Optional.of(expected.orElse(a.value().revision())),
                                        clock.instant()),
                                    Views::environment,
                                    env -> env.revision(),
                                    protection(
                                        Optional.ofNullable(patch.get("protected"))
                                            .filter(p -> p.isBoolean())
                                            .map(p -> p.asBoolean())));
                              })
                          .fold();
                })
        .fold();
  }

  /**
   * A JSON Merge Patch (RFC 7396) of an app: what the body names changes (an array, such as the
   * pipeline, is replaced whole), the rest stays; checked as a PUT of the result, at the revision
   * read (or If-Match's).
   */
  private ApiResponse patchApp(ApiRequest req) {
    return mergePatch(req)
        .map(
            patch ->
                switch (registry.getApp(req.param("app"))) {
                  case Outcome.Rejected<io.stagecoach.domain.registry.App> r ->
                      ApiResponse.rejection(r.rejection(), req.path());
                  case Outcome.Accepted<io.stagecoach.domain.registry.App> a ->
                      ifMatch(req)
                          .map(
                              expected -> {
                                ObjectNode current = Views.app(a.value());
                                List.of(
                                        "name",
                                        "createdAt",
                                        "createdBy",
                                        "updatedAt",
                                        "revision",
                                        "templateRevision")
                                    .forEach(current::remove);
                                ObjectNode merged = (ObjectNode) MergePatch.apply(current, patch);
                                Fields fields = new Fields(merged);
                                List<FieldError> errors = new java.util.ArrayList<>();
                                fields
                                    .string("name")
                                    .filter(n -> !n.equals(req.param("app")))
                                    .ifPresent(
                                        n ->
                                            errors.add(
                                                new FieldError(
                                                    "name", "an app cannot be renamed")));
                                AppSpec spec = appSpec(fields, req.param("app"));
                                errors.addAll(fields.errors());
                                if (!errors.isEmpty()) {
                                  return invalid(req, errors);
                                }
                                return saved(
                                    req,
                                    registry.putApp(
                                        req.caller(),
                                        spec,
                                        Optional.of(expected.orElse(a.value().revision())),
                                        clock.instant()),
                                    Views::app,
                                    app -> app.revision(),
                                    Optional.empty());
                              })
                          .fold();
                })
        .fold();
  }

  /** A merge patch body: a JSON object (a patch of a whole resource by another value is not). */
  private static Step<com.fasterxml.jackson.databind.JsonNode> mergePatch(ApiRequest req) {
    String text = req.body().orElse("");
    if (text.isBlank()) {
      return Step.stop(
          invalid(
              req,
              List.of(
                  new FieldError(
                      "body", "a JSON Merge Patch (RFC 7396) object is required, such as {}"))));
    }
    com.fasterxml.jackson.databind.JsonNode patch;
    try {
      patch = Json.parse(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Step.stop(invalid(req, List.of(new FieldError("body", "is not well-formed JSON"))));
    }
    if (!patch.isObject()) {
      return Step.stop(
          invalid(
              req,
              List.of(
                  new FieldError(
                      "body",
                      "a merge patch of an app or environment is a JSON object naming the fields"
                          + " to change (null removes one)"))));
    }
    return Step.go(patch);
  }

  private ApiResponse putEnvironment(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              EnvironmentSpec spec = environmentSpec(fields);
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              return ifMatch(req)
                  .map(
                      expected ->
                          saved(
                              req,
                              registry.putEnvironment(
                                  req.caller(),
                                  req.param("app"),
                                  req.param("env"),
                                  spec,
                                  expected,
                                  clock.instant()),
                              Views::environment,
                              env -> env.revision(),
                              protection(spec.isProtected())))
                  .fold();
            })
        .fold();
  }

  // ------------------------------------------------------------ releases

  private ApiResponse listReleases(ApiRequest req) {
    return pageRequest(req)
        .map(
            page ->
                answer(
                    req,
                    registry.listReleases(req.param("app"), page),
                    p -> Views.page(p, Views::release)))
        .fold();
  }

  private ApiResponse registerRelease(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              ReleaseSpec spec =
                  new ReleaseSpec(
                      fields.requiredString("version"),
                      fields.requiredString("artifactUri"),
                      fields.requiredString("digest"),
                      fields.string("commit"),
                      fields.integer("templateRevision"));
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              try {
                return switch (releases.register(
                    req.caller(), req.param("app"), spec, clock.instant())) {
                  case Outcome.Accepted<Saved<io.stagecoach.domain.registry.Release>> a ->
                      ApiResponse.json(
                              a.value().created() ? 201 : 200, Views.release(a.value().value()))
                          .withHeader(
                              "Location",
                              "/v1/apps/"
                                  + req.param("app")
                                  + "/releases/"
                                  + a.value().value().version())
                          .audited(
                              a.value().created()
                                  ? AuditNote.of(
                                      Optional.empty(), Saved.release(a.value().value().version()))
                                  : AuditNote.of(
                                          Optional.empty(),
                                          Saved.release(a.value().value().version()))
                                      .withDetail("registered already: nothing changed"));
                  case Outcome.Rejected<Saved<io.stagecoach.domain.registry.Release>> r ->
                      ApiResponse.rejection(r.rejection(), req.path());
                };
              } catch (EventPublisher.EventNotPublishedException e) {
                LOG.error(
                    e,
                    "event not published",
                    "requestId",
                    req.requestId(),
                    "event",
                    "Release Registered",
                    "app",
                    req.param("app"));
                return ApiResponse.problem(
                        503,
                        "internal_error",
                        "Event not published",
                        "release "
                            + spec.version()
                            + " is recorded but its Release Registered event could not be published;"
                            + " repeat the same request",
                        req.path())
                    .withHeader("Retry-After", "1");
              }
            })
        .fold();
  }

  private ApiResponse getRelease(ApiRequest req) {
    return answer(req, registry.getRelease(req.param("app"), req.param("version")), Views::release);
  }

  // ------------------------------------------------------------ tokens

  private ApiResponse listTokens(ApiRequest req) {
    return pageRequest(req)
        .map(page -> answer(req, registry.listTokens(page), p -> Views.page(p, Views::token)))
        .fold();
  }

  private ApiResponse issueToken(ApiRequest req) {
    return body(req)
        .map(
            fields -> {
              TokenSpec spec =
                  new TokenSpec(
                      fields.requiredString("principal"),
                      fields.strings("roles"),
                      fields.string("description"),
                      fields.integer("expiresInDays"),
                      fields.strings("groups"));
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return invalid(req, errors);
              }
              return switch (registry.issueToken(
                  req.caller(), spec, tokens.newId(), tokens.newSecret(), clock.instant())) {
                case Outcome.Accepted<io.stagecoach.domain.access.IssuedToken> a -> {
                  ObjectNode view = Views.token(a.value().token());
                  view.put("token", a.value().secret());
                  yield ApiResponse.json(201, view)
                      .withHeader("Location", "/v1/tokens/" + a.value().token().id())
                      .withHeader("Cache-Control", "no-store")
                      .audited(AuditNote.of(Optional.empty(), "token " + a.value().token().id()));
                }
                case Outcome.Rejected<io.stagecoach.domain.access.IssuedToken> r ->
                    ApiResponse.rejection(r.rejection(), req.path());
              };
            })
        .fold();
  }

  private ApiResponse revokeToken(ApiRequest req) {
    return switch (registry.revokeToken(req.param("id"))) {
      case Outcome.Accepted<io.stagecoach.domain.access.ApiToken> a ->
          ApiResponse.noContent()
              .audited(
                  AuditNote.of(Optional.empty(), "revoked").withDetail("token " + a.value().id()));
      case Outcome.Rejected<io.stagecoach.domain.access.ApiToken> r ->
          ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  private ApiResponse whoAmI(ApiRequest req) {
    ObjectNode o = Json.object();
    o.put("principal", req.caller().name());
    var roles = o.putArray("roles");
    req.caller().roles().stream().sorted().map(Role::wireName).forEach(roles::add);
    var groups = o.putArray("groups");
    req.caller().groups().stream().sorted().forEach(groups::add);
    // The one name every surface uses for the caller's personal environment, in every app.
    o.put("personalEnvironment", Naming.personalEnvironmentName(req.caller().name()));
    return ApiResponse.json(200, o);
  }

  // ------------------------------------------------------------ request plumbing

  /** Either a value to go on with, or the response that already answers the request. */
  record Step<T>(T value, ApiResponse stop) {
    static <T> Step<T> go(T value) {
      return new Step<>(value, null);
    }

    static <T> Step<T> stop(ApiResponse response) {
      return new Step<>(null, response);
    }

    <R> Step<R> map(Function<T, ApiResponse> next) {
      return stop != null ? Step.stop(stop) : Step.stop(next.apply(value));
    }

    ApiResponse fold() {
      return stop;
    }
  }

  static Step<Fields> body(ApiRequest req) {
    String text = req.body().orElse("");
    if (text.isBlank()) {
      return Step.stop(invalid(req, List.of(new FieldError("body", "a JSON object is required"))));
    }
    try {
      var node = Json.parse(text);
      if (!node.isObject()) {
        return Step.stop(invalid(req, List.of(new FieldError("body", "must be a JSON object"))));
      }
      return Step.go(new Fields((ObjectNode) node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // The parser's own message may quote the input; a fixed message with the position is enough.
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      return Step.stop(
          invalid(req, List.of(new FieldError("body", "is not well-formed JSON" + where))));
    }
  }

  static Step<PageRequest> pageRequest(ApiRequest req) {
    int limit = PageRequest.DEFAULT_LIMIT;
    Optional<String> limitText = req.queryParam("limit");
    if (limitText.isPresent()) {
      try {
        limit = Integer.parseInt(limitText.get());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
        return Step.stop(
            invalid(
                req,
                List.of(
                    new FieldError(
                        "limit", "must be a whole number from 1 to " + PageRequest.MAX_LIMIT))));
      }
    }
    return Step.go(new PageRequest(req.queryParam("cursor").filter(c -> !c.isEmpty()), limit));
  }

  /**
   * {@code If-Match: "3"} (or {@code 3}) pins a write to revision 3; {@code *} or absent pins
   * nothing.
   */
  static Step<Optional<Long>> ifMatch(ApiRequest req) {
    Optional<String> header = req.header("If-Match").map(String::trim);
    if (header.isEmpty() || header.get().equals("*")) {
      return Step.go(Optional.empty());
    }
    String value = header.get();
    if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
      value = value.substring(1, value.length() - 1);
    }
    try {
      long revision = Long.parseLong(value);
      if (revision < 1) {
        throw new NumberFormatException();
      }
      return Step.go(Optional.of(revision));
    } catch (NumberFormatException e) {
      return Step.stop(
          invalid(
              req,
              List.of(
                  new FieldError("If-Match", "must be an ETag this API issued, such as \"3\""))));
    }
  }

  static String etag(long revision) {
    return "\"" + revision + "\"";
  }

  static ApiResponse invalid(ApiRequest req, List<FieldError> errors) {
    return ApiResponse.rejection(Rejection.invalid(errors), req.path());
  }

  static <T> ApiResponse answer(ApiRequest req, Outcome<T> outcome, Function<T, ObjectNode> view) {
    return answer(req, outcome, view, t -> AuditNote.NONE);
  }

  /** 200 with the view of what the core answered, noting for the audit log what it changed. */
  static <T> ApiResponse answer(
      ApiRequest req,
      Outcome<T> outcome,
      Function<T, ObjectNode> view,
      Function<T, AuditNote> change) {
    return switch (outcome) {
      case Outcome.Accepted<T> a ->
          ApiResponse.json(200, view.apply(a.value())).audited(change.apply(a.value()));
      case Outcome.Rejected<T> r -> ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  /**
   * A PUT or PATCH of an app or environment: 201 (created) or 200 with its ETag; the audit log gets
   * the revision it replaced (none for a create) and the one it made, and {@code detail}.
   */
  private static <T> ApiResponse saved(
      ApiRequest req,
      Outcome<Saved<T>> outcome,
      Function<T, ObjectNode> view,
      Function<T, Long> revision,
      Optional<String> detail) {
    return switch (outcome) {
      case Outcome.Accepted<Saved<T>> a -> {
        long made = revision.apply(a.value().value());
        AuditNote note = AuditNote.revisions(a.value(), made);
        ApiResponse response =
            ApiResponse.json(a.value().created() ? 201 : 200, view.apply(a.value().value()))
                .withHeader("ETag", etag(made))
                .audited(detail.map(note::withDetail).orElse(note));
        yield a.value().created() ? response.withHeader("Location", req.path()) : response;
      }
      case Outcome.Rejected<Saved<T>> r -> ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  /**
   * What an environment write said of its protection, for the audit log ({@code protected: true}),
   * when the body (or the merge patch) names it: protection is an admin's decision worth reading.
   */
  private static Optional<String> protection(Optional<Boolean> named) {
    return named.map(p -> "protected: " + p);
  }
}
