package io.stagecoach.local.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a target receives for a matched event: the whole event, a constant {@code Input}, the part
 * at {@code InputPath}, or an {@code InputTransformer}'s template filled from the event.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
public sealed interface TargetInput {

  /**
   * What the target gets for this event, as text (JSON unless a transformer's template makes plain
   * text).
   */
  String render(JsonNode event, String eventText, Rule rule);

  /** The rule a target belongs to, for the predefined {@code aws.events.*} variables. */
  record Rule(String name, String arn) {}

  ObjectMapper MAPPER = new ObjectMapper();

  record WholeEvent() implements TargetInput {
    @Override
    public String render(JsonNode event, String eventText, Rule rule) {
      return eventText;
    }
  }

  /** {@code Input}: constant JSON text, sent as it is. */
  record Constant(String json) implements TargetInput {
    @Override
    public String render(JsonNode event, String eventText, Rule rule) {
      return json;
    }
  }

  record Path(JsonPath path) implements TargetInput {
    @Override
    public String render(JsonNode event, String eventText, Rule rule) {
      JsonNode value = path.read(event);
      return value.isMissingNode() ? "null" : value.toString();
    }
  }

  /**
   * {@code InputTransformer}: {@code <name>} placeholders in the template take the values of the
   * paths map or the predefined variables. Inside a JSON string a value goes in as text (escaped);
   * elsewhere it goes in as JSON (a string value keeps its quotes). A path the event does not have
   * gives {@code null} (or nothing inside a string).
   */
  record Transformer(Map<String, JsonPath> paths, String template) implements TargetInput {

    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_.\\-]+)>");

    /** EventBridge's limit on the paths map. */
    static final int MAX_VARIABLES = 100;

    public Transformer {
      paths = Map.copyOf(new LinkedHashMap<>(paths));
      if (paths.size() > MAX_VARIABLES) {
        throw new IllegalArgumentException(
            "InputPathsMap has "
                + paths.size()
                + " variables; at most "
                + MAX_VARIABLES
                + " are allowed");
      }
      for (String name : paths.keySet()) {
        if (name.startsWith("aws.events.")) {
          throw new IllegalArgumentException(
              "InputPathsMap variable " + name + " uses the reserved aws.events prefix");
        }
      }
    }

    @Override
    public String render(JsonNode event, String eventText, Rule rule) {
      Map<String, JsonNode> values = new LinkedHashMap<>();
      paths.forEach((name, path) -> values.put(name, path.read(event)));
      values.put("aws.events.rule-arn", MAPPER.getNodeFactory().textNode(rule.arn()));
      values.put("aws.events.rule-name", MAPPER.getNodeFactory().textNode(rule.name()));
      values.put("aws.events.event.ingestion-time", event.path("time"));
      values.put("aws.events.event", event);
      values.put("aws.events.event.json", event);

      StringBuilder out = new StringBuilder();
      Matcher m = PLACEHOLDER.matcher(template);
      int copied = 0;
      boolean inString = false;
      while (m.find()) {
        inString = insideString(template, copied, m.start(), inString);
        out.append(template, copied, m.start());
        copied = m.end();
        if (!values.containsKey(m.group(1))) {
          // Not a variable: EventBridge leaves the text alone.
          out.append(m.group());
          continue;
        }
        JsonNode value = values.get(m.group(1));
        out.append(inString ? asText(value) : asJson(value));
      }
      out.append(template, copied, template.length());
      return out.toString();
    }

    /** Whether the template is inside a JSON string at {@code to}, scanning from {@code from}. */
    private static boolean insideString(String template, int from, int to, boolean inString) {
      boolean in = inString;
      for (int i = from; i < to; i++) {
        char c = template.charAt(i);
        if (c == '\\' && in) {
          i++;
        } else if (c == '"') {
          in = !in;
        }
      }
      return in;
    }

    private static String asText(JsonNode value) {
      if (value.isMissingNode() || value.isNull()) {
        return "";
      }
      String text = value.isValueNode() ? value.asText() : value.toString();
      return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private static String asJson(JsonNode value) {
      if (value.isMissingNode()) {
        return "null";
      }
      try {
        return MAPPER.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
