package io.stagecoach.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.cost.PricedResource;
import io.stagecoach.domain.plan.PropertyChange;
import io.stagecoach.domain.plan.ReplacementRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A resource's properties (a template's {@code Properties} object) as plans show and price them:
 * flattened to paths, shown as text, and compared property by property.
 */
public final class ResourceProperties {

  private ResourceProperties() {}

  /**
   * Every scalar of {@code properties} by its path ({@code KeySchema.0.AttributeName}). An
   * intrinsic function left unresolved ({@code {"Ref": ...}}, {@code {"Fn::...": ...}}) is kept
   * whole, as its JSON, at its path: it is not a plain value, and a price read from it fails
   * instead of taking a default.
   */
  public static Map<String, String> flatten(JsonNode properties) {
    Map<String, String> flat = new TreeMap<>();
    flatten("", properties, flat);
    return flat;
  }

  private static void flatten(String path, JsonNode node, Map<String, String> flat) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject() && !isIntrinsic(node)) {
      node.properties().forEach(e -> flatten(join(path, e.getKey()), e.getValue(), flat));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(join(path, Integer.toString(i)), node.get(i), flat);
      }
    } else if (!path.isEmpty()) {
      flat.put(path, display(node));
    }
  }

  private static boolean isIntrinsic(JsonNode node) {
    if (node.size() != 1) {
      return false;
    }
    String key = node.fieldNames().next();
    return key.equals("Ref") || key.startsWith("Fn::");
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A value as a plan shows it: a scalar as it is, a list or an object as compact JSON. */
  public static String display(JsonNode value) {
    return value.isValueNode() ? value.asText() : PlanJson.text(value);
  }

  /** The resource as the cost estimate reads it. */
  public static PricedResource resource(String logicalId, String type, JsonNode properties) {
    return new PricedResource(logicalId, type, flatten(properties));
  }

  /**
   * The top-level properties whose values differ between {@code before} and {@code after}, in name
   * order, each with whether its change recreates a resource of {@code type} ({@link
   * ReplacementRules}).
   */
  public static List<PropertyChange> changes(String type, JsonNode before, JsonNode after) {
    TreeSet<String> names = new TreeSet<>();
    before.fieldNames().forEachRemaining(names::add);
    after.fieldNames().forEachRemaining(names::add);
    Map<String, String> flatBefore = flatten(before);
    Map<String, String> flatAfter = flatten(after);
    List<PropertyChange> changes = new ArrayList<>();
    for (String name : names) {
      JsonNode was = before.get(name);
      JsonNode will = after.get(name);
      if (was != null && was.equals(will)) {
        continue;
      }
      changes.add(
          new PropertyChange(
              name,
              Optional.ofNullable(was).filter(v -> !v.isNull()).map(ResourceProperties::display),
              Optional.ofNullable(will).filter(v -> !v.isNull()).map(ResourceProperties::display),
              ReplacementRules.recreation(type, name, flatBefore, flatAfter)));
    }
    return changes;
  }
}
