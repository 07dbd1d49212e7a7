package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DriftChecks;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.DriftJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.TokenSource;
import java.time.Clock;
import java.util.List;

/** The drift route: a check of an environment now, run by its tier's provisioner. */
final class DriftRoutes {

  private final DeploymentService deployments;
  private final Clock clock;
  private final TokenSource ids;

  DriftRoutes(DeploymentService deployments, Clock clock, TokenSource ids) {
    this.deployments = deployments;
    this.clock = clock;
    this.ids = ids;
  }

  List<Route> routes() {
    return List.of(
        Route.of(
            "POST",
            "/v1/apps/{app}/environments/{env}/drift",
            Action.CHECK_DRIFT,
            false,
            this::checkDrift));
  }

  /**
   * 202 with the check under way (the one already running, when there is one: {@code started}
   * false), Location the environment, whose {@code drift} shows what it finds; 200 with drift
   * {@code unknown} and no check for an environment never deployed (nothing to check).
   */
  private ApiResponse checkDrift(ApiRequest req) {
    Outcome<DriftChecks.Requested> asked;
    try {
      asked =
          deployments
              .driftChecks()
              .request(
                  req.caller().name(),
                  req.param("app"),
                  req.param("env"),
                  "k-" + ids.newId(),
                  clock.instant());
    } catch (EventPublisher.EventNotPublishedException e) {
      return ApiResponse.problem(
              503,
              "internal_error",
              "Event not published",
              "the drift check is recorded but its Drift Check Requested event could not be"
                  + " published; ask again once it goes stale ("
                  + DriftCheck.STALE_AFTER.toMinutes()
                  + " minutes)",
              req.path())
          .withHeader("Retry-After", "1");
    }
    return switch (asked) {
      case Outcome.Accepted<DriftChecks.Requested> a -> {
        DriftChecks.Requested r = a.value();
        ObjectNode body = Json.object();
        body.put("app", r.environment().app());
        body.put("environment", r.environment().name());
        r.check().ifPresent(c -> body.set("check", DriftJson.check(c)));
        body.put("started", r.started());
        body.set("drift", DriftJson.drift(r.drift()));
        yield r.check().isPresent()
            ? ApiResponse.json(202, body)
                .withHeader(
                    "Location",
                    "/v1/apps/" + r.environment().app() + "/environments/" + r.environment().name())
                .audited(AuditNote.driftCheck(r))
            : ApiResponse.json(200, body);
      }
      case Outcome.Rejected<DriftChecks.Requested> r ->
          ApiResponse.rejection(r.rejection(), req.path());
    };
  }
}
