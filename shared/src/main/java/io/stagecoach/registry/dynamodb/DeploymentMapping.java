package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.ItemMapping.n;
import static io.stagecoach.registry.dynamodb.ItemMapping.optStr;
import static io.stagecoach.registry.dynamodb.ItemMapping.s;
import static io.stagecoach.registry.dynamodb.ItemMapping.str;
import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.json.PlanJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Deployment items: {@code APP#{app}} / {@code DEP#{id}}, in the environment's history index. */
final class DeploymentMapping {

  private DeploymentMapping() {}

  static Map<String, AttributeValue> deploymentItem(Deployment d) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(appPk(d.app())));
    item.put(SK, s(deploymentSk(d.id())));
    item.put(GSI1PK, s(environmentHistory(d.app(), d.environment())));
    item.put(GSI1SK, s(d.order()));
    if (!d.isTerminal()) {
      // Sparse: only unfinished deployments are in it, oldest first, for the sweeper.
      item.put(GSI2PK, s(UNFINISHED));
      item.put(GSI2SK, s(d.order()));
    }
    item.put("type", s("deployment"));
    item.put("id", s(d.id()));
    item.put("app", s(d.app()));
    item.put("environment", s(d.environment()));
    item.put("tier", s(d.tier().wireName()));
    item.put("action", s(d.action().wireName()));
    d.version().ifPresent(v -> item.put("version", s(v)));
    d.digest().ifPresent(v -> item.put("digest", s(v)));
    item.put("status", s(d.status().wireName()));
    d.reason().ifPresent(v -> item.put("reason", s(v)));
    d.plan().ifPresent(p -> item.put("plan", planValue(p)));
    Map<String, AttributeValue> outputs = new HashMap<>();
    d.outputs().forEach((k, v) -> outputs.put(k, s(v)));
    item.put("outputs", AttributeValue.fromM(outputs));
    item.put("requestedBy", s(d.requestedBy()));
    item.put("origin", s(d.origin()));
    item.put("requestHash", s(d.requestHash()));
    item.put("attempts", n(d.attempts()));
    item.put("requestedAt", s(d.requestedAt().toString()));
    d.startedAt().ifPresent(v -> item.put("startedAt", s(v.toString())));
    d.finishedAt().ifPresent(v -> item.put("finishedAt", s(v.toString())));
    d.callbackToken().ifPresent(v -> item.put("callbackToken", s(v)));
    if (!d.overrides().isEmpty()) {
      item.put(
          "overrides",
          AttributeValue.fromL(
              d.overrides().stream()
                  .map(
                      o ->
                          AttributeValue.fromM(
                              Map.of(
                                  "gate", s(o.gate()),
                                  "basis", s(o.basis()),
                                  "detail", s(o.detail()))))
                  .toList()));
    }
    d.templateRevision().ifPresent(v -> item.put("templateRevision", n(v)));
    return item;
  }

  static Deployment deployment(Map<String, AttributeValue> item) {
    Optional<Plan> plan = Optional.ofNullable(item.get("plan")).map(DeploymentMapping::plan);
    Map<String, String> outputs = new HashMap<>();
    if (item.get("outputs") != null) {
      item.get("outputs").m().forEach((k, v) -> outputs.put(k, v.s()));
    }
    return new Deployment(
        str(item, "id"),
        str(item, "app"),
        str(item, "environment"),
        Tier.fromWire(str(item, "tier")).orElseThrow(),
        DeploymentAction.fromWire(str(item, "action")).orElseThrow(),
        optStr(item, "version"),
        optStr(item, "digest"),
        DeploymentStatus.fromWire(str(item, "status")).orElseThrow(),
        optStr(item, "reason"),
        plan,
        outputs,
        str(item, "requestedBy"),
        str(item, "origin"),
        str(item, "requestHash"),
        (int) ItemMapping.num(item, "attempts"),
        Instant.parse(str(item, "requestedAt")),
        optStr(item, "startedAt").map(Instant::parse),
        optStr(item, "finishedAt").map(Instant::parse),
        optStr(item, "callbackToken"),
        item.get("overrides") == null
            ? List.of()
            : item.get("overrides").l().stream()
                .map(
                    v ->
                        new GateOverride(
                            v.m().get("gate").s(), v.m().get("basis").s(), v.m().get("detail").s()))
                .toList(),
        Optional.ofNullable(item.get("templateRevision")).map(v -> Integer.parseInt(v.n())));
  }

  /**
   * Plans far below the item limit of 400 KB: the rest of the item is small, and past {@value
   * #MAX_PLAN_CHARS} characters the plan's values are left out ({@link PlanJson#write(Plan, int)}).
   */
  static final int MAX_PLAN_CHARS = 300_000;

  /** A plan as its JSON text, the form the API and the events show. */
  static AttributeValue planValue(Plan plan) {
    return s(PlanJson.text(PlanJson.write(plan, MAX_PLAN_CHARS)));
  }

  /** A plan as stored: its JSON text, or the list of resource changes items held before that. */
  static Plan plan(AttributeValue value) {
    if (value.s() != null) {
      return PlanJson.parse(value.s());
    }
    return new Plan(value.l().stream().map(DeploymentMapping::change).toList());
  }

  private static ResourceChange change(AttributeValue v) {
    Map<String, AttributeValue> m = v.m();
    return new ResourceChange(
        m.get("logicalId").s(),
        m.get("type").s(),
        ResourceChange.Action.valueOf(m.get("action").s().toUpperCase(java.util.Locale.ROOT)),
        m.get("replacement").bool(),
        m.get("supported").bool());
  }

  static List<String> strings(AttributeValue set) {
    return set == null || !set.hasSs() ? List.of() : new ArrayList<>(set.ss());
  }
}
