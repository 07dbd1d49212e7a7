package io.stagecoach.functions.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentFailed;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentSucceeded;
import io.stagecoach.domain.deployment.EnvironmentDestroyed;
import io.stagecoach.domain.deployment.RollbackCompleted;
import io.stagecoach.domain.drift.DriftCheckRequested;
import io.stagecoach.domain.drift.DriftDetected;
import io.stagecoach.domain.drift.DriftResolved;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.expiry.EnvironmentExpired;
import io.stagecoach.domain.expiry.EnvironmentExpiring;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.domain.override.BreakGlassRequested;
import io.stagecoach.domain.promotion.ApprovalExpired;
import io.stagecoach.domain.promotion.ApprovalGranted;
import io.stagecoach.domain.promotion.ApprovalRejected;
import io.stagecoach.domain.promotion.ApprovalRequested;
import io.stagecoach.domain.promotion.PromotionFailed;
import io.stagecoach.domain.promotion.PromotionStarted;
import io.stagecoach.domain.promotion.PromotionSucceeded;
import io.stagecoach.domain.promotion.StagePromoted;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.ReleaseRegistered;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.DriftJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.PromotionJson;

/**
 * The {@code detail} of each event on the bus, as its JSON Schema in {@code events/schemas}
 * describes it.
 */
public final class EventDetails {

  public static final String SOURCE = "stagecoach";

  private EventDetails() {}

  public static ObjectNode detail(StagecoachEvent event) {
    return switch (event) {
      case ReleaseRegistered r -> {
        ObjectNode o = Json.object();
        o.put("app", r.release().app());
        o.put("version", r.release().version());
        o.put("artifactUri", r.release().artifactUri());
        o.put("digest", r.release().digest());
        r.release().commit().ifPresent(c -> o.put("commit", c));
        r.release().templateRevision().ifPresent(n -> o.put("templateRevision", n));
        o.put("registeredBy", r.release().createdBy());
        o.put("registeredAt", r.release().createdAt().toString());
        yield o;
      }
      case DeploymentRequested r -> deploymentDetail(r.deployment());
      case DeploymentSucceeded r -> deploymentDetail(r.deployment());
      case DeploymentFailed r -> deploymentDetail(r.deployment());
      case RollbackCompleted r -> deploymentDetail(r.deployment());
      // As recorded when it happened: requested (pending) or confirmed.
      case BreakGlassRequested b ->
          DeploymentJson.breakGlass(b.breakGlass(), b.breakGlass().requestedAt());
      case BreakGlassConfirmed b ->
          DeploymentJson.breakGlass(b.breakGlass(), b.breakGlass().confirmedAt().orElseThrow());
      case PromotionStarted p -> PromotionJson.promotion(p.promotion());
      case PromotionSucceeded p -> PromotionJson.promotion(p.promotion());
      case PromotionFailed p -> PromotionJson.promotion(p.promotion());
      case StagePromoted p -> {
        ObjectNode o = PromotionJson.promotion(p.promotion());
        o.put("environment", p.environment());
        yield o;
      }
      case ApprovalRequested a -> PromotionJson.approvalRequested(a.approval());
      case ApprovalGranted a -> PromotionJson.approval(a.approval());
      case ApprovalRejected a -> PromotionJson.approval(a.approval());
      case ApprovalExpired a -> PromotionJson.approval(a.approval());
      case EnvironmentExpiring e -> {
        ObjectNode o = environmentDetail(e.environment());
        o.put("leadTimeMinutes", e.leadTime().toMinutes());
        o.put("warnedAt", e.warnedAt().toString());
        yield o;
      }
      case EnvironmentExpired e -> {
        ObjectNode o = environmentDetail(e.environment());
        o.put("destroyDeploymentId", e.destroy().id());
        o.put("foundAt", e.foundAt().toString());
        yield o;
      }
      case EnvironmentDestroyed e -> {
        Deployment d = e.destroy();
        ObjectNode o = Json.object();
        o.put("app", d.app());
        o.put("environment", d.environment());
        o.put("tier", d.tier().wireName());
        o.put("deploymentId", d.id());
        o.put("requestedBy", d.requestedBy());
        o.put("origin", d.origin());
        o.put("destroyedAt", d.finishedAt().orElse(d.requestedAt()).toString());
        yield o;
      }
      case DriftCheckRequested c -> {
        ObjectNode o = Json.object();
        o.put("app", c.app());
        o.put("environment", c.environment());
        o.put("tier", c.tier());
        o.put("checkId", c.check().id());
        o.put("requestedBy", c.check().requestedBy());
        o.put("startedAt", c.check().startedAt().toString());
        yield o;
      }
      case DriftDetected d -> {
        ObjectNode o = driftDetail(d.app(), d.environment(), d.tier(), d.checkId());
        o.setAll(DriftJson.finding(d.drift()));
        yield o;
      }
      case DriftResolved r -> {
        ObjectNode o = driftDetail(r.app(), r.environment(), r.tier(), r.checkId());
        o.setAll(DriftJson.finding(r.drift()));
        o.set("previous", DriftJson.finding(r.previous()));
        yield o;
      }
      // Events are records of their capability's package, so the interface is not sealed; the
      // contract tests publish every detail type through this switch.
      default ->
          throw new IllegalArgumentException(
              "no event detail is defined for " + event.detailType());
    };
  }

  private static ObjectNode driftDetail(
      String app, String environment, String tier, String checkId) {
    ObjectNode o = Json.object();
    o.put("app", app);
    o.put("environment", environment);
    o.put("tier", tier);
    o.put("checkId", checkId);
    return o;
  }

  /** What the expiry events say about an ephemeral environment. */
  private static ObjectNode environmentDetail(Environment env) {
    ObjectNode o = Json.object();
    o.put("app", env.app());
    o.put("environment", env.name());
    o.put("owner", env.owner());
    o.put("createdAt", env.createdAt().toString());
    o.put("expiresAt", env.expiresAt().orElseThrow().toString());
    return o;
  }

  /**
   * A deployment's detail: its JSON as the API shows it, with {@code deploymentId} for rules and
   * targets.
   */
  private static ObjectNode deploymentDetail(Deployment d) {
    ObjectNode o = Json.object();
    o.put("deploymentId", d.id());
    o.setAll(DeploymentJson.deployment(d));
    o.remove("id");
    return o;
  }
}
