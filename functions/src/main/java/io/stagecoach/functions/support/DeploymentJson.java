package io.stagecoach.functions.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanSummary;
import io.stagecoach.json.PlanJson;

/**
 * The JSON of a deployment and of a plan: the same in API answers, events and the provisioner's
 * replies.
 */
public final class DeploymentJson {

  /**
   * A deployment's plan is written within this many characters (its values are left out past it):
   * the deployment events carry it, and EventBridge takes at most 256 KB per entry.
   */
  public static final int MAX_PLAN_CHARS = 200_000;

  private DeploymentJson() {}

  public static ObjectNode deployment(Deployment d) {
    ObjectNode o = Json.object();
    o.put("id", d.id());
    o.put("app", d.app());
    o.put("environment", d.environment());
    o.put("tier", d.tier().wireName());
    o.put("action", d.action().wireName());
    d.version().ifPresent(v -> o.put("version", v));
    d.digest().ifPresent(v -> o.put("digest", v));
    d.templateRevision().ifPresent(v -> o.put("templateRevision", v));
    o.put("status", d.status().wireName());
    d.reason().ifPresent(v -> o.put("reason", v));
    d.plan().ifPresent(p -> o.set("plan", PlanJson.write(p, MAX_PLAN_CHARS)));
    ObjectNode outputs = o.putObject("outputs");
    d.outputs().forEach(outputs::put);
    o.put("requestedBy", d.requestedBy());
    o.put("origin", d.origin());
    o.put("attempts", d.attempts());
    o.put("requestedAt", d.requestedAt().toString());
    d.startedAt().ifPresent(v -> o.put("startedAt", v.toString()));
    d.finishedAt().ifPresent(v -> o.put("finishedAt", v.toString()));
    d.startedAt()
        .flatMap(s -> d.finishedAt().map(f -> java.time.Duration.between(s, f).toMillis()))
        .ifPresent(ms -> o.put("durationMillis", ms));
    if (!d.overrides().isEmpty()) {
      ArrayNode overrides = o.putArray("overrides");
      d.overrides()
          .forEach(
              g ->
                  overrides
                      .addObject()
                      .put("gate", g.gate())
                      .put("basis", g.basis())
                      .put("detail", g.detail()));
    }
    return o;
  }

  /**
   * A break-glass request as the API shows it and its events carry, as it stands at {@code now}.
   */
  public static ObjectNode breakGlass(BreakGlass b, java.time.Instant now) {
    ObjectNode o = Json.object();
    o.put("breakGlassId", b.id());
    o.put("app", b.app());
    o.put("environment", b.environment());
    o.put("action", b.action().wireName());
    b.version().ifPresent(v -> o.put("version", v));
    ArrayNode gates = o.putArray("gates");
    b.gates().forEach(gates::add);
    ArrayNode refusals = o.putArray("refusals");
    b.refusals().forEach(refusals::add);
    if (!b.stages().isEmpty()) {
      ArrayNode stages = o.putArray("stages");
      for (BreakGlass.StageGates st : b.stages()) {
        ObjectNode stage = stages.addObject();
        stage.put("environment", st.environment());
        ArrayNode stageGates = stage.putArray("gates");
        st.gates().forEach(stageGates::add);
      }
    }
    o.put("reason", b.reason());
    o.put("status", b.statusAt(now).wireName());
    o.put("requestedBy", b.requestedBy());
    o.put("requestedAt", b.requestedAt().toString());
    o.put("expiresAt", b.expiresAt().toString());
    b.confirmedBy().ifPresent(v -> o.put("confirmedBy", v));
    b.confirmedAt().ifPresent(v -> o.put("confirmedAt", v.toString()));
    b.deploymentId().ifPresent(v -> o.put("deploymentId", v));
    b.promotionId().ifPresent(v -> o.put("promotionId", v));
    return o;
  }

  /** A plan in full, as the diff and the provisioner's replies carry it. */
  public static ObjectNode plan(Plan plan) {
    return PlanJson.write(plan);
  }

  public static ObjectNode summary(PlanSummary s) {
    return PlanJson.summary(s);
  }

  public static Plan plan(com.fasterxml.jackson.databind.JsonNode node) {
    return PlanJson.read(node);
  }
}
