package io.stagecoach.functions.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;

/**
 * The JSON of an environment's drift: the same in API answers (an environment's {@code drift}, a
 * drift check's answer) and in the drift events.
 */
public final class DriftJson {

  private DriftJson() {}

  /**
   * {@code {"status", "checkedAt", "resources": [{"logicalId", "type", "difference", "properties":
   * [{"path", "expected", "actual"}]}], "checking": {"id", "requestedBy", "startedAt"}}}; {@code
   * checkedAt} absent when never checked, {@code checking} when no check is under way.
   */
  public static ObjectNode drift(Drift drift) {
    ObjectNode o = finding(drift);
    drift.checking().ifPresent(c -> o.set("checking", check(c)));
    return o;
  }

  /** What a check found, without the check under way. */
  public static ObjectNode finding(Drift drift) {
    ObjectNode o = Json.object();
    o.put("status", drift.status().wireName());
    drift.checkedAt().ifPresent(at -> o.put("checkedAt", at.toString()));
    ArrayNode resources = o.putArray("resources");
    for (DriftedResource r : drift.resources()) {
      ObjectNode item =
          resources
              .addObject()
              .put("logicalId", r.logicalId())
              .put("type", r.type())
              .put("difference", r.difference().wireName());
      ArrayNode properties = item.putArray("properties");
      for (PropertyDifference p : r.properties()) {
        ObjectNode property = properties.addObject().put("path", p.path());
        p.expected().ifPresent(v -> property.put("expected", v));
        p.actual().ifPresent(v -> property.put("actual", v));
      }
    }
    return o;
  }

  public static ObjectNode check(DriftCheck check) {
    return Json.object()
        .put("id", check.id())
        .put("requestedBy", check.requestedBy())
        .put("startedAt", check.startedAt().toString());
  }
}
