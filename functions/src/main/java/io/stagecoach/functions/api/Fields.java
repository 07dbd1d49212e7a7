package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.EnvironmentTemplate;
import io.stagecoach.domain.FieldError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads from a JSON request body that collect every type error instead of stopping at the first,
 * and report the fields the route does not know (a typo like {@code "teir"} is refused, not ignored).
 */
final class Fields {

  private final ObjectNode body;
  private final Set<String> known = new HashSet<>();
  private final List<FieldError> errors = new ArrayList<>();

  Fields(ObjectNode body) {
    this.body = body;
  }

  Optional<String> string(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      wrongType(name, "a string", node);
      return Optional.empty();
    }
    return Optional.of(node.textValue());
  }

  /** A required string; an absent one is reported as {@code is required} and read as {@code null}. */
  String requiredString(String name) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      known.add(name);
      errors.add(new FieldError(name, "is required"));
      return null;
    }
    return string(name).orElse(null);
  }

  Optional<Boolean> bool(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isBoolean()) {
      wrongType(name, "true or false", node);
      return Optional.empty();
    }
    return Optional.of(node.booleanValue());
  }

  Optional<Integer> integer(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      wrongType(name, "a whole number", node);
      return Optional.empty();
    }
    return Optional.of(node.intValue());
  }

  Optional<Instant> instant(String name) {
    Optional<String> text = string(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text.get()));
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-12-01T18:00:00Z"));
      return Optional.empty();
    }
  }

  List<String> strings(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      wrongType(name, "an array of strings", node);
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (item.isTextual()) {
        values.add(item.textValue());
      } else {
        wrongType(name + "[" + i + "]", "a string", item);
      }
    }
    return values;
  }

  /** An array of names, each given either as a string or as an object with a {@code key} string. */
  List<String> namesOrObjects(String name, String key) {
    JsonNode node = field(name);
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      wrongType(name, "an array", node);
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String at = name + "[" + i + "]";
      if (item.isTextual()) {
        values.add(item.textValue());
      } else if (item.isObject()) {
        JsonNode value = item.get(key);
        if (value == null || !value.isTextual()) {
          errors.add(new FieldError(at + "." + key, "is required and must be a string"));
        } else {
          values.add(value.textValue());
        }
        for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!f.equals(key)) {
            errors.add(new FieldError(at + "." + f, "is not a known field"));
          }
        }
      } else {
        wrongType(at, "a string or an object", item);
      }
    }
    return values;
  }

  Map<String, String> stringMap(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Map.of();
    }
    if (!node.isObject()) {
      wrongType(name, "an object of strings", node);
      return Map.of();
    }
    Map<String, String> values = new LinkedHashMap<>();
    node.properties().forEach(e -> {
      if (e.getValue().isTextual()) {
        values.put(e.getKey(), e.getValue().textValue());
      } else {
        wrongType(name + "." + e.getKey(), "a string", e.getValue());
      }
    });
    return values;
  }

  /**
   * An environment template: {@code {"body": <template as a JSON object or string>}} or {@code {"url": "s3://..."}}.
   * A body given as an object is kept as its JSON text.
   */
  Optional<EnvironmentTemplate> template(String name) {
    JsonNode node = field(name);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      wrongType(name, "an object with body or url", node);
      return Optional.empty();
    }
    Optional<String> bodyText = Optional.empty();
    Optional<String> url = Optional.empty();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      switch (e.getKey()) {
        case "body" -> {
          if (e.getValue().isObject()) {
            bodyText = Optional.of(e.getValue().toString());
          } else if (e.getValue().isTextual()) {
            bodyText = Optional.of(e.getValue().textValue());
          } else {
            wrongType(name + ".body", "a JSON object or a string", e.getValue());
          }
        }
        case "url" -> {
          if (e.getValue().isTextual()) {
            url = Optional.of(e.getValue().textValue());
          } else {
            wrongType(name + ".url", "a string", e.getValue());
          }
        }
        default -> errors.add(new FieldError(name + "." + e.getKey(), "is not a known field"));
      }
    }
    if (bodyText.isEmpty() && url.isEmpty()) {
      errors.add(new FieldError(name, "give body (an inline CloudFormation template) or url (its S3 location)"));
      return Optional.empty();
    }
    return Optional.of(new EnvironmentTemplate(bodyText, url));
  }

  /** All errors so far, with every field the route never asked for reported as unknown. */
  List<FieldError> errors() {
    List<FieldError> all = new ArrayList<>(errors);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        all.add(new FieldError(name, "is not a known field"));
      }
    }
    return all;
  }

  private JsonNode field(String name) {
    known.add(name);
    JsonNode node = body.get(name);
    return node == null || node.isNull() ? null : node;
  }

  private void wrongType(String name, String expected, JsonNode actual) {
    errors.add(new FieldError(name, "must be " + expected + ", not " + describe(actual.getNodeType())));
  }

  private static String describe(JsonNodeType type) {
    return switch (type) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> "null";
    };
  }
}
