package io.stagecoach.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.cost.CostEstimate;
import io.stagecoach.domain.plan.BlastRadius;
import io.stagecoach.domain.plan.ParameterChange;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanSummary;
import io.stagecoach.domain.plan.PropertyChange;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Tier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON form of a plan: in API answers, events, the provisioner's replies and the registry's
 * items alike. It reads back what it writes, and the shape plans had before they listed properties
 * ({@code "action": "modify", "replacement": true} is a replacement).
 *
 * <p>A plan may be written within a size ({@link #write(Plan, int)}): events and registry items
 * have limits (EventBridge takes 256 KB per entry, DynamoDB 400 KB per item). Past it the property
 * and parameter values are left out first, then the property lists; {@code "valuesOmitted": true}
 * says so, and the counts, blast radius and cost are always kept.
 */
public final class PlanJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PlanJson() {}

  public static ObjectNode write(Plan plan) {
    return write(plan, Detail.FULL);
  }

  /** The plan in at most {@code maxChars} characters of JSON, leaving out detail as needed. */
  public static ObjectNode write(Plan plan, int maxChars) {
    for (Detail detail : Detail.values()) {
      ObjectNode o = write(plan, detail);
      if (text(o).length() <= maxChars || detail == Detail.COUNTS) {
        return o;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  public static Plan parse(String text) {
    try {
      return read(MAPPER.readTree(text));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a plan: " + e.getOriginalMessage(), e);
    }
  }

  /** How much of a plan is written: everything, without values, or without property lists. */
  private enum Detail {
    FULL,
    NO_VALUES,
    COUNTS
  }

  private static ObjectNode write(Plan plan, Detail detail) {
    ObjectNode o = NODES.objectNode();
    o.set("summary", summary(plan.summary()));
    ArrayNode changes = o.putArray("changes");
    for (ResourceChange c : plan.changes()) {
      ObjectNode change =
          changes
              .addObject()
              .put("logicalId", c.logicalId())
              .put("type", c.type())
              .put("action", c.action().wireName())
              .put("replacement", c.replacement())
              .put("supported", c.supported());
      c.replacementReason().ifPresent(r -> change.put("replacementReason", r));
      if (detail != Detail.COUNTS) {
        ArrayNode properties = change.putArray("properties");
        for (PropertyChange p : c.properties()) {
          ObjectNode property = properties.addObject().put("path", p.path());
          if (detail == Detail.FULL) {
            p.before().ifPresent(v -> property.put("before", v));
            p.after().ifPresent(v -> property.put("after", v));
          }
          property.put("requiresRecreation", p.recreation().wireName());
        }
      }
    }
    ArrayNode parameters = o.putArray("parameters");
    if (detail != Detail.COUNTS) {
      for (ParameterChange p : plan.parameters()) {
        ObjectNode parameter = parameters.addObject().put("name", p.name());
        if (detail == Detail.FULL) {
          p.before().ifPresent(v -> parameter.put("before", v));
          p.after().ifPresent(v -> parameter.put("after", v));
        }
        parameter.put("source", p.source().wireName());
      }
    }
    if (detail != Detail.FULL) {
      o.put("valuesOmitted", true);
    }
    plan.blastRadius().ifPresent(b -> o.set("blastRadius", blastRadius(b)));
    plan.cost().ifPresent(c -> o.set("cost", cost(c)));
    return o;
  }

  public static ObjectNode summary(PlanSummary s) {
    return NODES
        .objectNode()
        .put("adds", s.adds())
        .put("modifies", s.modifies())
        .put("removes", s.removes())
        .put("replacements", s.replacements())
        .put("unsupported", s.unsupported());
  }

  public static ObjectNode blastRadius(BlastRadius b) {
    ObjectNode o = NODES.objectNode().put("level", b.level().wireName());
    ArrayNode reasons = o.putArray("reasons");
    b.reasons().forEach(reasons::add);
    ArrayNode touched = o.putArray("touched");
    for (BlastRadius.Touched t : b.touched()) {
      touched
          .addObject()
          .put("logicalId", t.logicalId())
          .put("type", t.type())
          .put("action", t.action().wireName())
          .put("dataLossPossible", t.dataLossPossible());
    }
    o.set("counts", summary(b.counts()));
    o.put("tier", b.tier().wireName());
    o.put("protected", b.isProtected());
    ArrayNode later = o.putArray("laterStages");
    b.laterStages().forEach(later::add);
    return o;
  }

  public static ObjectNode cost(CostEstimate c) {
    ObjectNode o =
        NODES
            .objectNode()
            .put("currency", c.currency())
            .put("monthlyBefore", c.monthlyBefore())
            .put("monthlyAfter", c.monthlyAfter())
            .put("delta", c.delta());
    ArrayNode lines = o.putArray("lines");
    for (CostEstimate.Line l : c.lines()) {
      ObjectNode line = lines.addObject().put("logicalId", l.logicalId()).put("type", l.type());
      l.before().ifPresent(v -> line.put("before", v));
      l.after().ifPresent(v -> line.put("after", v));
      line.put("basis", l.basis());
    }
    ArrayNode notEstimated = o.putArray("notEstimated");
    for (CostEstimate.NotEstimated n : c.notEstimated()) {
      notEstimated
          .addObject()
          .put("logicalId", n.logicalId())
          .put("type", n.type())
          .put("reason", n.reason());
    }
    ObjectNode assumptions = o.putObject("assumptions");
    c.assumptions().forEach(assumptions::put);
    o.putObject("prices")
        .put("source", c.prices().source())
        .put("date", c.prices().date())
        .put("region", c.prices().region());
    ArrayNode caveats = o.putArray("caveats");
    c.caveats().forEach(caveats::add);
    return o;
  }

  // ------------------------------------------------------------ reading

  public static Plan read(JsonNode node) {
    List<ResourceChange> changes = new ArrayList<>();
    for (JsonNode c : node.path("changes")) {
      String wire = c.path("action").asText();
      ResourceChange.Action action =
          ResourceChange.Action.fromWire(wire)
              .orElseThrow(() -> new IllegalArgumentException("unknown action " + wire));
      if (action == ResourceChange.Action.MODIFY && c.path("replacement").asBoolean(false)) {
        action = ResourceChange.Action.REPLACE;
      }
      List<PropertyChange> properties = new ArrayList<>();
      for (JsonNode p : c.path("properties")) {
        properties.add(
            new PropertyChange(
                p.path("path").asText(),
                text(p, "before"),
                text(p, "after"),
                PropertyChange.Recreation.fromWire(p.path("requiresRecreation").asText("never"))
                    .orElse(PropertyChange.Recreation.NEVER)));
      }
      changes.add(
          new ResourceChange(
              c.path("logicalId").asText(),
              c.path("type").asText(),
              action,
              c.path("supported").asBoolean(true),
              properties,
              text(c, "replacementReason")));
    }
    List<ParameterChange> parameters = new ArrayList<>();
    for (JsonNode p : node.path("parameters")) {
      parameters.add(
          new ParameterChange(
              p.path("name").asText(),
              text(p, "before"),
              text(p, "after"),
              ParameterChange.Source.fromWire(p.path("source").asText())
                  .orElse(ParameterChange.Source.DEFAULT)));
    }
    return new Plan(
        changes,
        parameters,
        List.of(),
        List.of(),
        node.hasNonNull("blastRadius")
            ? Optional.of(readBlastRadius(node.get("blastRadius")))
            : Optional.empty(),
        node.hasNonNull("cost") ? Optional.of(readCost(node.get("cost"))) : Optional.empty());
  }

  private static BlastRadius readBlastRadius(JsonNode b) {
    List<String> reasons = new ArrayList<>();
    b.path("reasons").forEach(r -> reasons.add(r.asText()));
    List<BlastRadius.Touched> touched = new ArrayList<>();
    for (JsonNode t : b.path("touched")) {
      touched.add(
          new BlastRadius.Touched(
              t.path("logicalId").asText(),
              t.path("type").asText(),
              ResourceChange.Action.fromWire(t.path("action").asText())
                  .orElse(ResourceChange.Action.REMOVE),
              t.path("dataLossPossible").asBoolean()));
    }
    List<String> later = new ArrayList<>();
    b.path("laterStages").forEach(s -> later.add(s.asText()));
    JsonNode counts = b.path("counts");
    return new BlastRadius(
        BlastRadius.Level.fromWire(b.path("level").asText())
            .orElseThrow(() -> new IllegalArgumentException("unknown blast radius level")),
        reasons,
        touched,
        new PlanSummary(
            counts.path("adds").asInt(),
            counts.path("modifies").asInt(),
            counts.path("removes").asInt(),
            counts.path("replacements").asInt(),
            counts.path("unsupported").asInt()),
        Tier.fromWire(b.path("tier").asText())
            .orElseThrow(() -> new IllegalArgumentException("unknown tier")),
        b.path("protected").asBoolean(),
        later);
  }

  private static CostEstimate readCost(JsonNode c) {
    List<CostEstimate.Line> lines = new ArrayList<>();
    for (JsonNode l : c.path("lines")) {
      lines.add(
          new CostEstimate.Line(
              l.path("logicalId").asText(),
              l.path("type").asText(),
              money(l, "before"),
              money(l, "after"),
              l.path("basis").asText()));
    }
    List<CostEstimate.NotEstimated> notEstimated = new ArrayList<>();
    for (JsonNode n : c.path("notEstimated")) {
      notEstimated.add(
          new CostEstimate.NotEstimated(
              n.path("logicalId").asText(), n.path("type").asText(), n.path("reason").asText()));
    }
    Map<String, BigDecimal> assumptions = new LinkedHashMap<>();
    c.path("assumptions")
        .properties()
        .forEach(e -> assumptions.put(e.getKey(), e.getValue().decimalValue()));
    List<String> caveats = new ArrayList<>();
    c.path("caveats").forEach(x -> caveats.add(x.asText()));
    JsonNode prices = c.path("prices");
    return new CostEstimate(
        c.path("currency").asText(),
        money(c, "monthlyBefore").orElse(BigDecimal.ZERO.setScale(2)),
        money(c, "monthlyAfter").orElse(BigDecimal.ZERO.setScale(2)),
        lines,
        notEstimated,
        assumptions,
        new CostEstimate.PriceSource(
            prices.path("source").asText(),
            prices.path("date").asText(),
            prices.path("region").asText()),
        caveats);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  /** An amount in cents, whatever the number's scale became in the JSON reader. */
  private static Optional<BigDecimal> money(JsonNode node, String field) {
    return decimal(node, field).map(v -> v.setScale(2, java.math.RoundingMode.HALF_UP));
  }

  private static Optional<BigDecimal> decimal(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    return Optional.of(value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText()));
  }
}
