package io.stagecoach.local.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The small JSONPath subset EventBridge targets use in {@code InputPath} and {@code InputPathsMap}:
 * the root {@code $}, {@code .name}, {@code ['name']} and {@code [index]} steps. Anything else is
 * refused when the rule is loaded, not when an event arrives.
 */
public record JsonPath(String text, List<Object> steps) {

  public static JsonPath parse(String text) {
    if (text == null || !text.startsWith("$")) {
      throw new IllegalArgumentException("JSONPath '" + text + "' must start with $");
    }
    List<Object> steps = new ArrayList<>();
    int i = 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
          end++;
        }
        String name = text.substring(i + 1, end);
        if (name.isEmpty() || name.equals("*")) {
          throw new IllegalArgumentException(
              "JSONPath '" + text + "' has an empty or wildcard step");
        }
        steps.add(name);
        i = end;
      } else if (c == '[') {
        int close = text.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("JSONPath '" + text + "' has an unclosed [");
        }
        String inside = text.substring(i + 1, close).strip();
        if (inside.length() >= 2
            && (inside.startsWith("'") && inside.endsWith("'")
                || inside.startsWith("\"") && inside.endsWith("\""))) {
          steps.add(inside.substring(1, inside.length() - 1));
        } else if (!inside.isEmpty() && inside.chars().allMatch(Character::isDigit)) {
          steps.add(Integer.parseInt(inside));
        } else {
          throw new IllegalArgumentException(
              "JSONPath '" + text + "': [" + inside + "] is not supported locally");
        }
        i = close + 1;
      } else {
        throw new IllegalArgumentException(
            "JSONPath '" + text + "': unexpected '" + c + "' at " + i);
      }
    }
    return new JsonPath(text, List.copyOf(steps));
  }

  /** The value at this path, or {@code MissingNode} when the event has none. */
  public JsonNode read(JsonNode root) {
    JsonNode node = root;
    for (Object step : steps) {
      node = step instanceof Integer index ? node.path(index) : node.path((String) step);
      if (node.isMissingNode()) {
        return MissingNode.getInstance();
      }
    }
    return node;
  }
}
