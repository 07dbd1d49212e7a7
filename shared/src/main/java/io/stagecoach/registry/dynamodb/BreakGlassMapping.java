package io.stagecoach.registry.dynamodb;

import static io.stagecoach.registry.dynamodb.ItemMapping.n;
import static io.stagecoach.registry.dynamodb.ItemMapping.optStr;
import static io.stagecoach.registry.dynamodb.ItemMapping.s;
import static io.stagecoach.registry.dynamodb.ItemMapping.str;
import static io.stagecoach.registry.dynamodb.RegistryKeys.*;

import io.stagecoach.domain.override.BreakGlass;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Break-glass items: {@code BG#{id}} / {@code #BG}, listed newest first in the index partition
 * {@code BREAKGLASS} (sort key: when it was asked for, and its id). A promotion's has {@code
 * stages} (a list of maps: {@code environment}, {@code gates}) and, confirmed, {@code promotionId}.
 */
final class BreakGlassMapping {

  private BreakGlassMapping() {}

  static Map<String, AttributeValue> item(BreakGlass b) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(breakGlassPk(b.id())));
    item.put(SK, s(BREAK_GLASS_SK));
    item.put(GSI1PK, s(ALL_BREAK_GLASSES));
    item.put(GSI1SK, s(b.requestedAt() + "#" + b.id()));
    item.put("type", s("breakGlass"));
    item.put("id", s(b.id()));
    item.put("app", s(b.app()));
    item.put("environment", s(b.environment()));
    item.put("action", s(b.action().wireName()));
    b.version().ifPresent(v -> item.put("version", s(v)));
    item.put("gates", AttributeValue.fromL(b.gates().stream().map(ItemMapping::s).toList()));
    item.put("refusals", AttributeValue.fromL(b.refusals().stream().map(ItemMapping::s).toList()));
    if (!b.stages().isEmpty()) {
      item.put(
          "stages",
          AttributeValue.fromL(
              b.stages().stream()
                  .map(
                      st ->
                          AttributeValue.fromM(
                              Map.of(
                                  "environment",
                                  s(st.environment()),
                                  "gates",
                                  AttributeValue.fromL(
                                      st.gates().stream().map(ItemMapping::s).toList()))))
                  .toList()));
    }
    item.put("reason", s(b.reason()));
    item.put("requestedBy", s(b.requestedBy()));
    item.put("requestedAt", s(b.requestedAt().toString()));
    item.put("expiresAt", s(b.expiresAt().toString()));
    item.put("status", s(b.status().wireName()));
    b.confirmedBy().ifPresent(v -> item.put("confirmedBy", s(v)));
    b.confirmedAt().ifPresent(v -> item.put("confirmedAt", s(v.toString())));
    b.deploymentId().ifPresent(v -> item.put("deploymentId", s(v)));
    b.promotionId().ifPresent(v -> item.put("promotionId", s(v)));
    item.put(REVISION, n(b.revision()));
    return item;
  }

  static BreakGlass breakGlass(Map<String, AttributeValue> item) {
    return new BreakGlass(
        str(item, "id"),
        str(item, "app"),
        str(item, "environment"),
        BreakGlass.Action.fromWire(str(item, "action")).orElseThrow(),
        optStr(item, "version"),
        strings(item.get("gates")),
        strings(item.get("refusals")),
        stages(item.get("stages")),
        str(item, "reason"),
        str(item, "requestedBy"),
        Instant.parse(str(item, "requestedAt")),
        Instant.parse(str(item, "expiresAt")),
        BreakGlass.Status.valueOf(str(item, "status").toUpperCase(java.util.Locale.ROOT)),
        optStr(item, "confirmedBy"),
        optStr(item, "confirmedAt").map(Instant::parse),
        optStr(item, "deploymentId"),
        optStr(item, "promotionId"),
        ItemMapping.num(item, REVISION));
  }

  private static List<BreakGlass.StageGates> stages(AttributeValue list) {
    return list == null || !list.hasL()
        ? List.of()
        : list.l().stream()
            .map(
                v ->
                    new BreakGlass.StageGates(
                        v.m().get("environment").s(), strings(v.m().get("gates"))))
            .toList();
  }

  private static List<String> strings(AttributeValue list) {
    return list == null || !list.hasL()
        ? List.of()
        : list.l().stream().map(AttributeValue::s).toList();
  }
}
