package io.stagecoach.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Choice rules: comparison operators (literal and {@code ...Path}), type tests, And/Or/Not. A
 * comparison between values of the wrong type is false, as on AWS, not an error.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
final class Choices {

  /** RFC 3339 as Step Functions accepts it: a 'T' and an offset or 'Z' are required. */
  static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

  private Choices() {}

  static boolean matches(JsonNode rule, JsonNode input, JsonNode context) {
    if (rule.has("And")) {
      for (JsonNode r : rule.get("And")) {
        if (!matches(r, input, context)) {
          return false;
        }
      }
      return true;
    }
    if (rule.has("Or")) {
      for (JsonNode r : rule.get("Or")) {
        if (matches(r, input, context)) {
          return true;
        }
      }
      return false;
    }
    if (rule.has("Not")) {
      return !matches(rule.get("Not"), input, context);
    }
    String variable = rule.get("Variable").asText();
    Optional<JsonNode> found = resolve(variable, input, context);
    if (rule.has("IsPresent")) {
      return found.isPresent() == rule.get("IsPresent").asBoolean();
    }
    if (found.isEmpty()) {
      throw new StatesError(
          StatesError.RUNTIME,
          "Invalid path '"
              + variable
              + "': The choice state's condition path references an invalid value.");
    }
    JsonNode value = found.get();
    for (var e : rule.properties()) {
      String op = e.getKey();
      if ("Variable".equals(op) || "Next".equals(op) || "Comment".equals(op)) {
        continue;
      }
      JsonNode expected = e.getValue();
      if (op.endsWith("Path")) {
        String path = expected.asText();
        Optional<JsonNode> other = resolve(path, input, context);
        if (other.isEmpty()) {
          throw new StatesError(
              StatesError.RUNTIME,
              "Invalid path '"
                  + path
                  + "': The choice state's condition path references an invalid value.");
        }
        return compare(op.substring(0, op.length() - 4), value, other.get());
      }
      return compare(op, value, expected);
    }
    throw new StatesError(StatesError.RUNTIME, "a choice rule has no comparison operator");
  }

  private static Optional<JsonNode> resolve(String path, JsonNode input, JsonNode context) {
    boolean ctx = path.startsWith("$$");
    return JsonPath.parse(ctx ? path.substring(1) : path).find(ctx ? context : input);
  }

  private static boolean compare(String op, JsonNode v, JsonNode e) {
    return switch (op) {
      case "IsNull" -> v.isNull() == e.asBoolean();
      case "IsNumeric" -> v.isNumber() == e.asBoolean();
      case "IsString" -> v.isTextual() == e.asBoolean();
      case "IsBoolean" -> v.isBoolean() == e.asBoolean();
      case "IsTimestamp" -> (timestamp(v) != null) == e.asBoolean();
      case "BooleanEquals" ->
          v.isBoolean() && e.isBoolean() && v.booleanValue() == e.booleanValue();
      case "StringMatches" ->
          v.isTextual()
              && e.isTextual()
              && wildcard(e.textValue()).matcher(v.textValue()).matches();
      default -> {
        Integer cmp = null;
        if (op.startsWith("String") && v.isTextual() && e.isTextual()) {
          cmp = v.textValue().compareTo(e.textValue());
        } else if (op.startsWith("Numeric") && v.isNumber() && e.isNumber()) {
          cmp = v.decimalValue().compareTo(e.decimalValue());
        } else if (op.startsWith("Timestamp")) {
          OffsetDateTime a = timestamp(v);
          OffsetDateTime b = timestamp(e);
          if (a != null && b != null) {
            cmp = a.toInstant().compareTo(b.toInstant());
          }
        }
        if (cmp == null) {
          yield false;
        }
        String relation = op.replaceFirst("^(String|Numeric|Timestamp)", "");
        yield switch (relation) {
          case "Equals" -> cmp == 0;
          case "LessThan" -> cmp < 0;
          case "GreaterThan" -> cmp > 0;
          case "LessThanEquals" -> cmp <= 0;
          case "GreaterThanEquals" -> cmp >= 0;
          default -> throw new StatesError(StatesError.RUNTIME, "unknown choice operator " + op);
        };
      }
    };
  }

  static OffsetDateTime timestamp(JsonNode v) {
    if (!v.isTextual() || !TIMESTAMP.matcher(v.textValue()).matches()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v.textValue());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** StringMatches: '*' matches any run of characters, '\*' a literal star, '\\' a backslash. */
  private static Pattern wildcard(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '*') {
        regex.append(".*");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
