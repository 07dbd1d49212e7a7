package io.stagecoach.local.eventbridge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.MachineComplexityEvaluator;

/**
 * An EventBridge event pattern, compiled by AWS's Event Ruler (the matcher EventBridge itself is
 * built on), with the checks EventBridge makes on top of Event Ruler's when a rule is put.
 */
public final class EventPattern {

  /**
   * EventBridge refuses wildcard patterns that make the matcher's state machine too complex ("Rule
   * is too complex - try using fewer wildcard characters ..."). It does not publish the limit; the
   * AWS-recorded conformance cases accept complexity 7 and reject 11, and Event Ruler's README
   * suggests guarding with its evaluator, so we refuse above 10.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-wildcard-matching
   */
  static final int MAX_COMPLEXITY = 10;

  private static final String RULE = "rule";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The envelope fields TestEventPattern insists on. */
  private static final List<String> REQUIRED_EVENT_FIELDS =
      List.of("id", "account", "source", "time", "region", "detail-type");

  private final String text;
  private final Machine machine;

  private EventPattern(String text, Machine machine) {
    this.text = text;
    this.machine = machine;
  }

  /**
   * Compiles a pattern given as JSON text.
   *
   * @throws InvalidEventPatternException naming the problem, with EventBridge's wording where known
   */
  public static EventPattern compile(String patternJson) {
    JsonNode root;
    try {
      // Event Ruler reads duplicate keys (EventBridge accepts them too); this only checks the
      // shape.
      root = MAPPER.readTree(patternJson);
    } catch (JsonProcessingException e) {
      throw new InvalidEventPatternException(
          "Event pattern is not valid. Reason: the pattern is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventPatternException(
          "Event pattern is not valid. Reason: the pattern must be a JSON object");
    }
    Machine machine = Machine.builder().build();
    try {
      machine.addRule(RULE, patternJson);
    } catch (Exception e) {
      throw new InvalidEventPatternException(
          "Event pattern is not valid. Reason: " + e.getMessage());
    }
    int complexity = machine.evaluateComplexity(new MachineComplexityEvaluator(MAX_COMPLEXITY + 1));
    if (complexity > MAX_COMPLEXITY) {
      throw new InvalidEventPatternException(
          "Event pattern is not valid. Reason: Rule is too complex - try using"
              + " fewer wildcard characters or fewer repeating character sequences after a wildcard character");
    }
    return new EventPattern(patternJson, machine);
  }

  /** Compiles a pattern given as a JSON object. */
  public static EventPattern compile(JsonNode pattern) {
    try {
      return compile(MAPPER.writeValueAsString(pattern));
    } catch (JsonProcessingException e) {
      throw new InvalidEventPatternException(
          "Event pattern is not valid. Reason: " + e.getOriginalMessage());
    }
  }

  /** Why a pattern would be refused, or empty when EventBridge would accept it. */
  public static Optional<String> problemWith(String patternJson) {
    try {
      compile(patternJson);
      return Optional.empty();
    } catch (InvalidEventPatternException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Why {@code TestEventPattern} would refuse an event (it must be a JSON object with the
   * envelope's id, account, source, time, region and detail-type), or empty when it is acceptable.
   */
  public static Optional<String> problemWithEvent(String eventJson) {
    JsonNode event;
    try (JsonParser parser = MAPPER.createParser(eventJson)) {
      event = MAPPER.readTree(parser);
    } catch (java.io.IOException e) {
      return Optional.of("Parameter Event is not valid: not JSON");
    }
    if (event == null || !event.isObject()) {
      return Optional.of("Parameter Event is not valid: not a JSON object");
    }
    for (String field : REQUIRED_EVENT_FIELDS) {
      if (!event.hasNonNull(field)) {
        return Optional.of("Parameter Event is not valid: it has no " + field);
      }
    }
    return Optional.empty();
  }

  /** Whether the event (a JSON object's text) matches. */
  public boolean matches(String eventJson) {
    try {
      return !machine.rulesForJSONEvent(eventJson).isEmpty();
    } catch (Exception e) {
      throw new IllegalArgumentException("the event is not a JSON object: " + e.getMessage(), e);
    }
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
