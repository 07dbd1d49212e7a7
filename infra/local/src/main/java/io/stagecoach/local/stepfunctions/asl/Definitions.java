package io.stagecoach.local.stepfunctions.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates ASL definitions the way CreateStateMachine does, so a bad definition is
 * refused up front with a message naming the state and the problem instead of failing an execution
 * later.
 */
public final class Definitions {

  private static final Set<String> TYPES =
      Set.of("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map");
  private static final Set<String> COMPARISONS =
      Set.of(
          "StringEquals",
          "StringEqualsPath",
          "StringLessThan",
          "StringLessThanPath",
          "StringGreaterThan",
          "StringGreaterThanPath",
          "StringLessThanEquals",
          "StringLessThanEqualsPath",
          "StringGreaterThanEquals",
          "StringGreaterThanEqualsPath",
          "StringMatches",
          "NumericEquals",
          "NumericEqualsPath",
          "NumericLessThan",
          "NumericLessThanPath",
          "NumericGreaterThan",
          "NumericGreaterThanPath",
          "NumericLessThanEquals",
          "NumericLessThanEqualsPath",
          "NumericGreaterThanEquals",
          "NumericGreaterThanEqualsPath",
          "BooleanEquals",
          "BooleanEqualsPath",
          "TimestampEquals",
          "TimestampEqualsPath",
          "TimestampLessThan",
          "TimestampLessThanPath",
          "TimestampGreaterThan",
          "TimestampGreaterThanPath",
          "TimestampLessThanEquals",
          "TimestampLessThanEqualsPath",
          "TimestampGreaterThanEquals",
          "TimestampGreaterThanEqualsPath",
          "IsNull",
          "IsPresent",
          "IsNumeric",
          "IsString",
          "IsBoolean",
          "IsTimestamp");

  private Definitions() {}

  /** Parses definition text and validates it. */
  public static JsonNode parse(String text) throws InvalidDefinition {
    JsonNode root;
    try {
      root = Json.parse(text);
    } catch (JsonProcessingException e) {
      throw new InvalidDefinition(
          "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
              + e.getOriginalMessage()
              + "'");
    }
    validate(root);
    return root;
  }

  public static void validate(JsonNode root) throws InvalidDefinition {
    if (root == null || !root.isObject()) {
      throw invalid("SCHEMA_VALIDATION_FAILED", "the definition must be a JSON object", "");
    }
    if (root.has("QueryLanguage") && !"JSONPath".equals(root.path("QueryLanguage").asText())) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED",
          "only the JSONPath query language is supported",
          "/QueryLanguage");
    }
    if (root.has("TimeoutSeconds") && !isPositiveInt(root.get("TimeoutSeconds"))) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED",
          "TimeoutSeconds must be a positive integer",
          "/TimeoutSeconds");
    }
    machine(root, "");
  }

  private static void machine(JsonNode m, String at) throws InvalidDefinition {
    JsonNode states = m.get("States");
    if (states == null || !states.isObject() || states.isEmpty()) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED", "'States' must be a non-empty object", at + "/States");
    }
    JsonNode startAt = m.get("StartAt");
    if (startAt == null || !startAt.isTextual()) {
      throw invalid("SCHEMA_VALIDATION_FAILED", "'StartAt' is required", at + "/StartAt");
    }
    if (!states.has(startAt.textValue())) {
      throw invalid(
          "MISSING_TRANSITION_TARGET",
          "Missing 'Next' target: " + startAt.textValue(),
          at + "/StartAt");
    }
    for (Map.Entry<String, JsonNode> e : states.properties()) {
      state(e.getKey(), e.getValue(), states, at + "/States/" + e.getKey());
    }
  }

  private static void state(String name, JsonNode s, JsonNode states, String at)
      throws InvalidDefinition {
    if (name.length() > 80) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED", "state name '" + name + "' is longer than 80 characters", at);
    }
    if (!s.isObject()) {
      throw invalid("SCHEMA_VALIDATION_FAILED", "state '" + name + "' must be an object", at);
    }
    String type = s.path("Type").asText(null);
    if (type == null || !TYPES.contains(type)) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED",
          "state '" + name + "' has an unknown Type: " + s.get("Type"),
          at + "/Type");
    }
    boolean terminal = List.of("Choice", "Succeed", "Fail").contains(type);
    if (!terminal) {
      boolean hasNext = s.has("Next");
      boolean end = s.path("End").asBoolean(false);
      if (hasNext == end) {
        throw invalid(
            "SCHEMA_VALIDATION_FAILED",
            "state '" + name + "' must have exactly one of 'Next' or 'End': true",
            at);
      }
      if (hasNext) {
        target(s.get("Next"), states, at + "/Next");
      }
    } else if (s.has("Next") || s.has("End")) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED",
          type + " state '" + name + "' cannot have 'Next' or 'End'",
          at);
    }
    for (String field : List.of("InputPath", "OutputPath")) {
      if (s.has(field) && !s.get(field).isNull()) {
        path(s.get(field), name, at + "/" + field, false);
      }
    }
    if (s.has("ResultPath") && !s.get("ResultPath").isNull()) {
      path(s.get("ResultPath"), name, at + "/ResultPath", true);
    }
    for (String field : List.of("Parameters", "ResultSelector", "ItemSelector")) {
      if (s.has(field)) {
        template(s.get(field), name, at + "/" + field);
      }
    }
    retryAndCatch(name, s, states, at);
    switch (type) {
      case "Task" -> {
        if (!s.path("Resource").isTextual()) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Task state '" + name + "' needs a 'Resource' ARN",
              at + "/Resource");
        }
        if (s.has("TimeoutSeconds") && s.has("TimeoutSecondsPath")) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Task state '" + name + "' cannot have both TimeoutSeconds and TimeoutSecondsPath",
              at);
        }
        if (s.has("TimeoutSeconds") && !isPositiveInt(s.get("TimeoutSeconds"))) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "TimeoutSeconds of '" + name + "' must be a positive integer",
              at + "/TimeoutSeconds");
        }
        if (s.has("HeartbeatSeconds") && !isPositiveInt(s.get("HeartbeatSeconds"))) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "HeartbeatSeconds of '" + name + "' must be a positive integer",
              at + "/HeartbeatSeconds");
        }
        if (s.has("HeartbeatSeconds")
            && s.has("TimeoutSeconds")
            && s.get("HeartbeatSeconds").asLong() >= s.get("TimeoutSeconds").asLong()) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "HeartbeatSeconds of '" + name + "' must be smaller than TimeoutSeconds",
              at + "/HeartbeatSeconds");
        }
      }
      case "Choice" -> {
        JsonNode choices = s.get("Choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Choice state '" + name + "' needs a non-empty 'Choices'",
              at + "/Choices");
        }
        for (int i = 0; i < choices.size(); i++) {
          JsonNode rule = choices.get(i);
          if (!rule.has("Next")) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "choice rule " + i + " of '" + name + "' has no 'Next'",
                at + "/Choices/" + i);
          }
          target(rule.get("Next"), states, at + "/Choices/" + i + "/Next");
          rule(rule, name, at + "/Choices/" + i);
        }
        if (s.has("Default")) {
          target(s.get("Default"), states, at + "/Default");
        }
      }
      case "Wait" -> {
        long given =
            List.of("Seconds", "Timestamp", "SecondsPath", "TimestampPath").stream()
                .filter(s::has)
                .count();
        if (given != 1) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Wait state '"
                  + name
                  + "' needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath",
              at);
        }
        if (s.has("Seconds")
            && !(s.get("Seconds").canConvertToLong() && s.get("Seconds").asLong() >= 0)) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Seconds of '" + name + "' must be a non-negative integer",
              at + "/Seconds");
        }
      }
      case "Fail" -> {
        if (s.has("Error") && s.has("ErrorPath") || s.has("Cause") && s.has("CausePath")) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Fail state '" + name + "' cannot have both a value and a path for Error or Cause",
              at);
        }
      }
      case "Parallel" -> {
        JsonNode branches = s.get("Branches");
        if (branches == null || !branches.isArray() || branches.isEmpty()) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              "Parallel state '" + name + "' needs 'Branches'",
              at + "/Branches");
        }
        for (int i = 0; i < branches.size(); i++) {
          machine(branches.get(i), at + "/Branches/" + i);
        }
      }
      case "Map" -> {
        JsonNode processor = s.has("ItemProcessor") ? s.get("ItemProcessor") : s.get("Iterator");
        if (processor == null) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED", "Map state '" + name + "' needs an 'ItemProcessor'", at);
        }
        machine(processor, at + (s.has("ItemProcessor") ? "/ItemProcessor" : "/Iterator"));
        if (s.has("ItemsPath")) {
          path(s.get("ItemsPath"), name, at + "/ItemsPath", false);
        }
      }
      default -> {}
    }
  }

  private static void rule(JsonNode rule, String name, String at) throws InvalidDefinition {
    for (String combinator : List.of("And", "Or")) {
      if (rule.has(combinator)) {
        JsonNode list = rule.get(combinator);
        if (!list.isArray() || list.isEmpty()) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              combinator + " in '" + name + "' needs a non-empty array",
              at + "/" + combinator);
        }
        for (int i = 0; i < list.size(); i++) {
          rule(list.get(i), name, at + "/" + combinator + "/" + i);
        }
        return;
      }
    }
    if (rule.has("Not")) {
      rule(rule.get("Not"), name, at + "/Not");
      return;
    }
    if (!rule.has("Variable")) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED", "a choice rule of '" + name + "' has no 'Variable'", at);
    }
    long operators = COMPARISONS.stream().filter(rule::has).count();
    if (operators != 1) {
      throw invalid(
          "SCHEMA_VALIDATION_FAILED",
          "a choice rule of '" + name + "' needs exactly one comparison operator",
          at);
    }
    path(rule.get("Variable"), name, at + "/Variable", false);
    for (String op : COMPARISONS) {
      if (op.endsWith("Path") && rule.has(op)) {
        path(rule.get(op), name, at + "/" + op, false);
      }
    }
  }

  private static void retryAndCatch(String name, JsonNode s, JsonNode states, String at)
      throws InvalidDefinition {
    for (String field : List.of("Retry", "Catch")) {
      JsonNode list = s.get(field);
      if (list == null) {
        continue;
      }
      if (!list.isArray()) {
        throw invalid(
            "SCHEMA_VALIDATION_FAILED",
            field + " of '" + name + "' must be an array",
            at + "/" + field);
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode r = list.get(i);
        JsonNode errors = r.get("ErrorEquals");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
          throw invalid(
              "SCHEMA_VALIDATION_FAILED",
              field + " " + i + " of '" + name + "' needs 'ErrorEquals'",
              at + "/" + field + "/" + i);
        }
        for (JsonNode e : errors) {
          if (StatesError.ALL.equals(e.asText()) && (errors.size() > 1 || i != list.size() - 1)) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "States.ALL must appear alone and in the last " + field + " of '" + name + "'",
                at + "/" + field + "/" + i);
          }
        }
        if ("Catch".equals(field)) {
          target(r.get("Next"), states, at + "/Catch/" + i + "/Next");
          if (r.has("ResultPath") && !r.get("ResultPath").isNull()) {
            path(r.get("ResultPath"), name, at + "/Catch/" + i + "/ResultPath", true);
          }
        } else {
          if (r.has("MaxAttempts")
              && !(r.get("MaxAttempts").canConvertToInt() && r.get("MaxAttempts").asInt() >= 0)) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "MaxAttempts of '" + name + "' must be >= 0",
                at + "/Retry/" + i + "/MaxAttempts");
          }
          if (r.has("BackoffRate") && r.get("BackoffRate").asDouble() < 1) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "BackoffRate of '" + name + "' must be >= 1.0",
                at + "/Retry/" + i + "/BackoffRate");
          }
          // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#retrier-field-maxdelayseconds
          if (r.has("MaxDelaySeconds")
              && !(r.get("MaxDelaySeconds").canConvertToInt()
                  && r.get("MaxDelaySeconds").asInt() > 0
                  && r.get("MaxDelaySeconds").asInt() < 31_622_401)) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "MaxDelaySeconds of '" + name + "' must be an integer from 1 to 31622400",
                at + "/Retry/" + i + "/MaxDelaySeconds");
          }
          if (r.has("JitterStrategy")
              && !List.of("FULL", "NONE").contains(r.get("JitterStrategy").asText())) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "JitterStrategy of '" + name + "' must be FULL or NONE",
                at + "/Retry/" + i + "/JitterStrategy");
          }
        }
      }
    }
  }

  private static void template(JsonNode t, String name, String at) throws InvalidDefinition {
    if (t.isObject()) {
      for (Map.Entry<String, JsonNode> e : t.properties()) {
        if (e.getKey().endsWith(".$")) {
          if (!e.getValue().isTextual()) {
            throw invalid(
                "SCHEMA_VALIDATION_FAILED",
                "field '"
                    + e.getKey()
                    + "' of '"
                    + name
                    + "' must be a path or intrinsic function string",
                at + "/" + e.getKey());
          }
          String v = e.getValue().textValue();
          try {
            if (Intrinsics.looksLikeCall(v)) {
              Intrinsics.parse(v);
            } else {
              JsonPath.parse(v.startsWith("$$") ? v.substring(1) : v);
            }
          } catch (IllegalArgumentException ex) {
            throw invalid(
                "INVALID_JSON_PATH",
                "'" + v + "' in '" + name + "': " + ex.getMessage(),
                at + "/" + e.getKey());
          }
        } else {
          template(e.getValue(), name, at + "/" + e.getKey());
        }
      }
    } else if (t.isArray()) {
      for (int i = 0; i < t.size(); i++) {
        template(t.get(i), name, at + "/" + i);
      }
    }
  }

  private static void path(JsonNode p, String name, String at, boolean reference)
      throws InvalidDefinition {
    if (!p.isTextual()) {
      throw invalid("SCHEMA_VALIDATION_FAILED", "path of '" + name + "' must be a string", at);
    }
    String text = p.textValue();
    try {
      JsonPath path = JsonPath.parse(text.startsWith("$$") ? text.substring(1) : text);
      if (reference && (!path.isReferencePath() || text.startsWith("$$"))) {
        throw invalid(
            "INVALID_REFERENCE_PATH",
            "'" + text + "' in '" + name + "' is not a reference path",
            at);
      }
    } catch (IllegalArgumentException e) {
      throw invalid("INVALID_JSON_PATH", "'" + text + "' in '" + name + "': " + e.getMessage(), at);
    }
  }

  private static void target(JsonNode next, JsonNode states, String at) throws InvalidDefinition {
    if (next == null || !next.isTextual() || !states.has(next.textValue())) {
      throw invalid(
          "MISSING_TRANSITION_TARGET",
          "Missing 'Next' target: " + (next == null ? null : next.asText()),
          at);
    }
  }

  private static boolean isPositiveInt(JsonNode n) {
    return n.canConvertToLong() && n.isIntegralNumber() && n.asLong() > 0;
  }

  private static InvalidDefinition invalid(String code, String message, String at) {
    return new InvalidDefinition(
        "Invalid State Machine Definition: '"
            + code
            + ": "
            + message
            + " at "
            + (at.isEmpty() ? "/" : at)
            + "'");
  }
}
