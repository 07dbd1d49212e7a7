package io.stagecoach.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every case of ../shared/conformance/eventpatterns: recorded on EventBridge (LocalStack's
 * AWS-validated snapshots), stated in the EventBridge user guide, or asserted by Event Ruler's own
 * tests.
 */
class EventPatternConformanceTest {

  /**
   * Numbers keep their text (300.0 stays 300.0): EventBridge saw the JSON as sent, and Jackson
   * would otherwise turn 300.0 into 300 before the matcher sees it.
   */
  private static final ObjectMapper EXACT =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /**
   * Cases this matcher is known to answer differently from the recording, each with the reason.
   * Empty: every case passes. A new difference fails the test; a listed case that starts passing
   * fails it too, so the list stays honest.
   */
  private static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

  record Outcome(String folder, String name, boolean passed, String reason) {}

  @Test
  void everyRecordedCase_givesTheRecordedAnswer_andEveryInvalidPatternIsRejected()
      throws IOException {
    Path root = Path.of(System.getProperty("stagecoach.conformance"), "eventpatterns");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertEquals(270, files.size(), "the conformance folder holds 270 cases");

    List<Outcome> outcomes = new ArrayList<>();
    for (Path file : files) {
      outcomes.add(run(root.relativize(file.getParent()).toString(), file));
    }

    Map<String, int[]> perFolder = new TreeMap<>();
    int invalidPatterns = 0;
    int invalidPatternsRejected = 0;
    for (Outcome o : outcomes) {
      int[] counts = perFolder.computeIfAbsent(o.folder(), k -> new int[2]);
      counts[1]++;
      if (o.passed()) {
        counts[0]++;
      }
    }
    int invalidEvents = 0;
    int invalidEventsRejected = 0;
    for (Path file : files) {
      JsonNode c = EXACT.readTree(file.toFile());
      if (c.path("invalidPattern").asBoolean()) {
        invalidPatterns++;
        if (EventPattern.problemWith(patternText(c)).isPresent()) {
          invalidPatternsRejected++;
        }
      }
      if (c.path("invalidEvent").asBoolean()) {
        invalidEvents++;
        if (EventPattern.problemWithEvent(c.path("eventText").asText()).isPresent()) {
          invalidEventsRejected++;
        }
      }
    }
    StringBuilder summary = new StringBuilder("event-pattern conformance:\n");
    perFolder.forEach(
        (folder, c) -> summary.append(String.format("  %-32s %3d/%3d%n", folder, c[0], c[1])));
    summary.append(
        String.format(
            "  invalid patterns rejected        %3d/%3d%n",
            invalidPatternsRejected, invalidPatterns));
    summary.append(
        String.format(
            "  invalid events rejected          %3d/%3d%n", invalidEventsRejected, invalidEvents));
    List<String> unexpected = new ArrayList<>();
    for (Outcome o : outcomes) {
      String key = o.folder() + "/" + o.name();
      if (!o.passed()) {
        summary.append("  FAIL ").append(key).append(": ").append(o.reason()).append('\n');
        if (!KNOWN_DIFFERENCES.containsKey(key)) {
          unexpected.add(key + ": " + o.reason());
        }
      } else if (KNOWN_DIFFERENCES.containsKey(key)) {
        unexpected.add(key + " now passes: take it off KNOWN_DIFFERENCES");
      }
    }
    System.out.print(summary);
    // Kept beside the build's other reports for the conformance page (docs/conformance.md).
    Path report = Path.of("target", "conformance", "eventpatterns.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, summary);
    assertTrue(
        unexpected.isEmpty(), "differences from the recordings:\n" + String.join("\n", unexpected));
  }

  private static Outcome run(String folder, Path file) throws IOException {
    JsonNode c = EXACT.readTree(file.toFile());
    String name = file.getFileName().toString();
    String pattern = patternText(c);
    String event =
        c.has("eventText") ? c.get("eventText").asText() : EXACT.writeValueAsString(c.get("event"));
    Optional<String> patternProblem = EventPattern.problemWith(pattern);
    if (c.path("invalidPattern").asBoolean()) {
      return new Outcome(
          folder,
          name,
          patternProblem.isPresent(),
          "the pattern was accepted; AWS said: "
              + c.path("expectedError").path("message").asText());
    }
    if (patternProblem.isPresent()) {
      return new Outcome(
          folder, name, false, "a valid pattern was refused: " + patternProblem.get());
    }
    if (c.path("invalidEvent").asBoolean()) {
      return new Outcome(
          folder,
          name,
          EventPattern.problemWithEvent(event).isPresent(),
          "the event was accepted; AWS said: " + c.path("expectedError").path("message").asText());
    }
    boolean expected = c.get("matches").asBoolean();
    boolean actual = EventPattern.compile(pattern).matches(event);
    return new Outcome(
        folder, name, actual == expected, "expected matches=" + expected + ", got " + actual);
  }

  private static String patternText(JsonNode c) throws IOException {
    return c.has("patternText")
        ? c.get("patternText").asText()
        : EXACT.writeValueAsString(c.get("pattern"));
  }
}
