package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.PromotionJson;
import io.stagecoach.functions.support.TokenSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Promotions, approvals, rollback and freeze. */
record PromotionRoutes(
    RegistryService registry,
    DeploymentService deployments,
    PromotionService promotions,
    Clock clock,
    TokenSource ids) {

  List<Route> routes() {
    return List.of(
        Route.of("POST", "/v1/apps/{app}/promotions", Action.PROMOTE, true, this::start),
        Route.of("GET", "/v1/apps/{app}/promotions", Action.READ, false, this::list),
        Route.of("GET", "/v1/apps/{app}/promotions/{id}", Action.READ, false, this::get),
        Route.of(
            "GET",
            "/v1/apps/{app}/releases/{version}/eligibility",
            Action.READ,
            false,
            this::eligibility),
        Route.of("POST", "/v1/break-glass/{id}", Action.BREAK_GLASS, true, this::confirmBreakGlass),
        Route.of("GET", "/v1/approvals", Action.READ, false, this::pending),
        Route.of("GET", "/v1/approvals/{id}", Action.READ, false, this::approval),
        Route.of("POST", "/v1/approvals/{id}", Action.DECIDE_APPROVAL, true, this::decide),
        Route.of(
            "POST",
            "/v1/apps/{app}/environments/{env}/rollback",
            Action.ROLLBACK,
            true,
            this::rollback),
        Route.of(
            "PUT", "/v1/apps/{app}/environments/{env}/freeze", Action.FREEZE, true, this::freeze),
        Route.of(
            "DELETE",
            "/v1/apps/{app}/environments/{env}/freeze",
            Action.FREEZE,
            false,
            this::unfreeze));
  }

  private ApiResponse start(ApiRequest req) {
    return RegistryRoutes.body(req)
        .map(
            fields -> {
              String version = fields.requiredString("version");
              Optional<String> to = fields.string("to");
              Optional<String> from = fields.string("from");
              Optional<String> breakGlass = fields.breakGlassReason("breakGlass");
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return RegistryRoutes.invalid(req, errors);
              }
              if (breakGlass.isPresent()) {
                return askBreakGlass(req, version, from, to, breakGlass.get());
              }
              return switch (promotions.start(
                  req.caller(),
                  req.param("app"),
                  version,
                  from,
                  to,
                  "pr-" + ids.newId(),
                  clock.instant())) {
                case Outcome.Accepted<Promotion> a ->
                    ApiResponse.json(202, PromotionJson.promotion(a.value()))
                        .withHeader(
                            "Location",
                            "/v1/apps/" + a.value().app() + "/promotions/" + a.value().id())
                        .audited(AuditNote.promotion(a.value()));
                case Outcome.Rejected<Promotion> r ->
                    ApiResponse.rejection(r.rejection(), req.path());
              };
            })
        .fold();
  }

  /**
   * {@code "breakGlass": {"reason": "..."}} in a promotion: an admin asks to force it past the
   * freezes and closed windows of its stages; nothing starts until a second admin confirms (202,
   * the request, Location /v1/break-glass/{id}).
   */
  private ApiResponse askBreakGlass(
      ApiRequest req, String version, Optional<String> from, Optional<String> to, String reason) {
    try {
      return DeploymentRoutes.breakGlassAnswer(
          req,
          promotions.askBreakGlass(
              req.caller(),
              req.param("app"),
              version,
              from,
              to,
              reason,
              "bg-" + ids.newId(),
              clock.instant()),
          clock.instant());
    } catch (EventPublisher.EventNotPublishedException e) {
      return DeploymentRoutes.notAnnounced(
          req, e, "read it with GET /v1/break-glass and confirm it, or ask again");
    }
  }

  /**
   * A second admin confirms a break-glass: its deploy or destroy is recorded past the gates named,
   * or its promotion starts (200, the break-glass with its deploymentId or promotionId). An empty
   * body or {@code {}}.
   */
  private ApiResponse confirmBreakGlass(ApiRequest req) {
    if (req.body().filter(b -> !b.isBlank()).isPresent()) {
      var parsed = RegistryRoutes.body(req);
      if (parsed.stop() != null) {
        return parsed.stop();
      }
      if (!parsed.value().errors().isEmpty()) {
        return RegistryRoutes.invalid(req, parsed.value().errors());
      }
    }
    try {
      return RegistryRoutes.answer(
          req,
          promotions.confirmBreakGlass(req.caller(), req.param("id"), clock.instant()),
          b -> DeploymentJson.breakGlass(b, clock.instant()),
          // The core confirms only a pending request.
          b ->
              DeploymentRoutes.breakGlassNote(
                  Optional.of(BreakGlass.Status.PENDING.wireName()), b));
    } catch (EventPublisher.EventNotPublishedException e) {
      return DeploymentRoutes.notAnnounced(
          req, e, "what it made is recorded; GET /v1/break-glass/{id} shows it");
    }
  }

  private ApiResponse list(ApiRequest req) {
    return RegistryRoutes.pageRequest(req)
        .map(
            page ->
                RegistryRoutes.answer(
                    req,
                    promotions.list(req.param("app"), page),
                    p -> Views.page(p, PromotionJson::promotion)))
        .fold();
  }

  /**
   * Whether {@code version} could be promoted {@code ?to=} a stage (default: the last) now, and if
   * not, every reason; with the gates of each stage it would go through. Changes nothing.
   */
  private ApiResponse eligibility(ApiRequest req) {
    return RegistryRoutes.answer(
        req,
        promotions.eligibility(
            req.param("app"),
            req.param("version"),
            req.queryParam("to").filter(t -> !t.isEmpty()),
            clock.instant()),
        PromotionJson::eligibility);
  }

  /**
   * The promotion with its stages, each with its gates as they stand, and the approvals it waits
   * for (with their ids, never their tokens).
   */
  private ApiResponse get(ApiRequest req) {
    return switch (promotions.get(req.param("app"), req.param("id"))) {
      case Outcome.Rejected<Promotion> r -> ApiResponse.rejection(r.rejection(), req.path());
      case Outcome.Accepted<Promotion> a -> {
        ObjectNode view = PromotionJson.promotion(a.value());
        List<io.stagecoach.domain.promotion.Gate.OfStage> gates =
            promotions.gates(a.value(), clock.instant());
        for (int i = 0; i < gates.size() && i < view.path("stages").size(); i++) {
          ((ObjectNode) view.path("stages").get(i))
              .set("gates", PromotionJson.gates(gates.get(i).gates()));
        }
        ArrayNode pending = view.putArray("pendingApprovals");
        for (Promotion.StageProgress s : a.value().stages()) {
          s.approvalId()
              .flatMap(
                  id ->
                      promotions.approval(id) instanceof Outcome.Accepted<Approval> ap
                          ? Optional.of(ap.value())
                          : Optional.empty())
              .filter(Approval::isPending)
              .ifPresent(ap -> pending.add(PromotionJson.approvalView(ap)));
        }
        // Followed by polling (the console, the CLI): an unchanged promotion answers 304.
        yield ApiResponse.json(200, view).taggedByContent(req.header("If-None-Match"));
      }
    };
  }

  private ApiResponse pending(ApiRequest req) {
    Optional<String> flag = req.queryParam("pending");
    if (flag.isPresent() && !flag.get().equals("true")) {
      return RegistryRoutes.invalid(
          req,
          List.of(
              new FieldError(
                  "pending",
                  "only pending approvals are listed (pending=true); read a decided one at /v1/approvals/{id}")));
    }
    return RegistryRoutes.pageRequest(req)
        .map(
            page ->
                RegistryRoutes.answer(
                    req,
                    promotions.pendingApprovals(page),
                    p -> Views.page(p, PromotionJson::approvalView)))
        .fold();
  }

  private ApiResponse approval(ApiRequest req) {
    return RegistryRoutes.answer(
        req, promotions.approval(req.param("id")), PromotionJson::approvalView);
  }

  private ApiResponse decide(ApiRequest req) {
    return RegistryRoutes.body(req)
        .map(
            fields -> {
              String decision = fields.requiredString("decision");
              String comment = fields.string("comment").orElse("");
              List<FieldError> errors = new java.util.ArrayList<>(fields.errors());
              if (decision != null && !decision.equals("approve") && !decision.equals("reject")) {
                errors.add(new FieldError("decision", "must be approve or reject"));
              }
              if (!errors.isEmpty()) {
                return RegistryRoutes.invalid(req, errors);
              }
              return RegistryRoutes.answer(
                  req,
                  promotions.decide(
                      req.caller(),
                      req.param("id"),
                      decision.equals("approve"),
                      comment,
                      clock.instant()),
                  PromotionJson::approvalView,
                  approval -> AuditNote.approval(approval, decision.equals("approve")));
            })
        .fold();
  }

  /**
   * Back to the environment's last good release (or {@code {"version"}}): 202 and the deployment.
   */
  private ApiResponse rollback(ApiRequest req) {
    Optional<String> version = Optional.empty();
    if (req.body().filter(b -> !b.isBlank()).isPresent()) {
      var parsed = RegistryRoutes.body(req);
      if (parsed.stop() != null) {
        return parsed.stop();
      }
      version = parsed.value().string("version");
      List<FieldError> errors = parsed.value().errors();
      if (!errors.isEmpty()) {
        return RegistryRoutes.invalid(req, errors);
      }
    }
    return switch (deployments.rollback(
        req.caller(),
        req.param("app"),
        req.param("env"),
        version,
        Deployment.ORIGIN_ROLLBACK,
        "d-" + ids.newId(),
        clock.instant())) {
      case Outcome.Accepted<Saved<Deployment>> a ->
          ApiResponse.json(202, Views.deployment(a.value().value()))
              .withHeader(
                  "Location",
                  "/v1/apps/" + req.param("app") + "/deployments/" + a.value().value().id())
              .audited(
                  AuditNote.deployment(
                      a.value(), a.value().value().version(), a.value().value().id()));
      case Outcome.Rejected<Saved<Deployment>> r ->
          ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  private ApiResponse freeze(ApiRequest req) {
    return RegistryRoutes.body(req)
        .map(
            fields -> {
              String reason = fields.requiredString("reason");
              List<FieldError> errors = fields.errors();
              if (!errors.isEmpty()) {
                return RegistryRoutes.invalid(req, errors);
              }
              return RegistryRoutes.answer(
                  req,
                  registry.freeze(
                      req.caller(), req.param("app"), req.param("env"), reason, clock.instant()),
                  Views::environment,
                  AuditNote::freeze);
            })
        .fold();
  }

  private ApiResponse unfreeze(ApiRequest req) {
    return RegistryRoutes.answer(
        req,
        registry.unfreeze(req.param("app"), req.param("env")),
        Views::environment,
        AuditNote::freeze);
  }
}
