package io.stagecoach.functions.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Eligibility;
import io.stagecoach.domain.promotion.Gate;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.json.PlanJson;
import java.util.List;

/**
 * The JSON of promotions and approvals, the same in API answers and events. Task tokens never
 * appear.
 */
public final class PromotionJson {

  private PromotionJson() {}

  public static ObjectNode promotion(Promotion p) {
    ObjectNode o = Json.object();
    o.put("promotionId", p.id());
    o.put("app", p.app());
    o.put("version", p.version());
    o.put("digest", p.digest());
    o.put("status", p.status().wireName());
    o.put("requestedBy", p.requestedBy());
    p.breakGlassId().ifPresent(v -> o.put("breakGlassId", v));
    o.put("startedAt", p.startedAt().toString());
    p.current()
        .filter(s -> !p.status().isTerminal() || s.status() != Promotion.StageStatus.PENDING)
        .ifPresent(s -> o.put("stage", s.environment()));
    ArrayNode stages = o.putArray("stages");
    for (Promotion.StageProgress s : p.stages()) {
      ObjectNode st =
          stages
              .addObject()
              .put("environment", s.environment())
              .put("status", s.status().wireName());
      s.approvalId().ifPresent(v -> st.put("approvalId", v));
      s.deploymentId().ifPresent(v -> st.put("deploymentId", v));
      s.startedAt().ifPresent(v -> st.put("startedAt", v.toString()));
      s.finishedAt().ifPresent(v -> st.put("finishedAt", v.toString()));
      s.reason().ifPresent(v -> st.put("reason", v));
    }
    p.failure().ifPresent(v -> o.put("failure", v));
    p.reason().ifPresent(v -> o.put("reason", v));
    p.finishedAt().ifPresent(v -> o.put("finishedAt", v.toString()));
    return o;
  }

  /**
   * An approval as the API shows it: {@link #approval} and, while it is pending, what it still
   * needs per group ({@code missing}). Events carry the approval without it (their schemas fix
   * their fields).
   */
  public static ObjectNode approvalView(Approval a) {
    ObjectNode o = approval(a);
    ArrayNode missing = o.putArray("missing");
    if (a.isPending()) {
      a.missing()
          .forEach((group, count) -> missing.addObject().put("group", group).put("count", count));
    }
    withPlan(o, a, Integer.MAX_VALUE);
    return o;
  }

  /**
   * The detail of {@code Approval Requested}: the approval with the plan its reviewers decide on
   * (values left out past {@link DeploymentJson#MAX_PLAN_CHARS}), or why there is none.
   */
  public static ObjectNode approvalRequested(Approval a) {
    return withPlan(approval(a), a, DeploymentJson.MAX_PLAN_CHARS);
  }

  private static ObjectNode withPlan(ObjectNode o, Approval a, int maxChars) {
    a.plan().ifPresent(p -> o.set("plan", PlanJson.write(p, maxChars)));
    a.planUnavailable().ifPresent(why -> o.put("planUnavailable", why));
    return o;
  }

  /**
   * A stage's gates as the API shows them: {@code [{"gate", "state", "reason", "until"?,
   * "missing"?: [{"group", "count"}], "decisions"?: [...]}]}.
   */
  public static ArrayNode gates(List<Gate> gates) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Gate g : gates) {
      ObjectNode o =
          out.addObject()
              .put("gate", g.kind().wireName())
              .put("state", g.state().wireName())
              .put("reason", g.reason());
      g.until().ifPresent(u -> o.put("until", u.toString()));
      if (!g.missing().isEmpty()) {
        ArrayNode missing = o.putArray("missing");
        g.missing()
            .forEach((group, count) -> missing.addObject().put("group", group).put("count", count));
      }
      if (!g.decisions().isEmpty()) {
        o.set("decisions", decisions(g.decisions()));
      }
    }
    return out;
  }

  /** Whether a release could go to a stage now: every reason, and the gates on the way. */
  public static ObjectNode eligibility(Eligibility e) {
    ObjectNode o = Json.object();
    o.put("app", e.app());
    o.put("version", e.version());
    o.put("to", e.to());
    o.put("eligible", e.eligible());
    ArrayNode reasons = o.putArray("reasons");
    e.reasons().forEach(reasons::add);
    ArrayNode stages = o.putArray("stages");
    for (Gate.OfStage s : e.stages()) {
      stages.addObject().put("environment", s.environment()).set("gates", gates(s.gates()));
    }
    return o;
  }

  public static ObjectNode approval(Approval a) {
    ObjectNode o = Json.object();
    o.put("approvalId", a.id());
    o.put("app", a.app());
    o.put("promotionId", a.promotionId());
    o.put("environment", a.environment());
    o.put("version", a.version());
    o.put("status", a.status().wireName());
    o.put("requestedBy", a.requestedBy());
    o.put("requestedAt", a.requestedAt().toString());
    o.put("expiresAt", a.expiresAt().toString());
    ObjectNode policy = o.putObject("policy");
    ArrayNode groups = policy.putArray("groups");
    a.policy()
        .groups()
        .forEach(q -> groups.addObject().put("group", q.group()).put("min", q.minApprovers()));
    policy.put("timeoutMinutes", a.policy().timeout().toMinutes());
    o.set("decisions", decisions(a.decisions()));
    return o;
  }

  private static ArrayNode decisions(List<Approval.Decision> all) {
    ArrayNode decisions = Json.MAPPER.createArrayNode();
    for (Approval.Decision d : all) {
      ObjectNode dn =
          decisions
              .addObject()
              .put("principal", d.principal())
              .put("decision", d.approve() ? "approve" : "reject")
              .put("comment", d.comment())
              .put("at", d.at().toString());
      ArrayNode g = dn.putArray("groups");
      d.groups().stream().sorted().forEach(g::add);
    }
    return decisions;
  }
}
