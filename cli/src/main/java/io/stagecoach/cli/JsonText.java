package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the fields of an API answer as the text commands print. */
final class JsonText {

  private JsonText() {}

  /** The field as text, or empty when absent or null. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "" : value.asText();
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(
        v ->
            values.add(v.isTextual() || v.isNumber() || v.isBoolean() ? v.asText() : v.toString()));
    return values;
  }

  static Map<String, String> map(JsonNode object) {
    Map<String, String> values = new LinkedHashMap<>();
    object.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
    return values;
  }
}
