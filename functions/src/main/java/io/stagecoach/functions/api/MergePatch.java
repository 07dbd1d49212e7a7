package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Json;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7396, https://www.rfc-editor.org/rfc/rfc7396): a patch object names what
 * changes; {@code null} removes a member, an object merges into the member's object, anything else
 * (arrays included) replaces it. The result is then checked by the same rules as a full write.
 */
final class MergePatch {

  /** The media type a PATCH body is sent as. */
  static final String MEDIA_TYPE = "application/merge-patch+json";

  private MergePatch() {}

  /** RFC 7396 section 2, MergePatch(Target, Patch). */
  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
    for (Map.Entry<String, JsonNode> member : patch.properties()) {
      if (member.getValue().isNull()) {
        result.remove(member.getKey());
      } else {
        result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
      }
    }
    return result;
  }
}
