package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * How the text output shows what people read at a glance: times as local time to the second (or "3
 * min ago" within the hour), commit versions shortened, counts with the right plural. {@code
 * --json} prints the API's values untouched.
 */
record Display(Clock clock, ZoneId zone) {

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** As git shows a commit in one line; a release named after a full commit id reads as this. */
  static final int SHORT_COMMIT = 7;

  /**
   * {@code 42 s ago}, {@code 3 min ago}, {@code in 20 s} or {@code in 5 min} within the hour, else
   * {@code 2025-06-01 12:00:00} in the local time zone; text that is not an ISO-8601 instant as it
   * came.
   */
  String time(String iso) {
    if (iso == null || iso.isEmpty()) {
      return "";
    }
    Instant at;
    try {
      at = Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return iso;
    }
    long millis = Duration.between(at, clock.instant()).toMillis();
    // Within a second ahead is "now": the server's clock and this one never agree exactly.
    if (millis > -1000 && millis < 60_000) {
      return Math.max(0, millis) / 1000 + " s ago";
    }
    if (millis >= 60_000 && millis < 3_600_000) {
      return millis / 60_000 + " min ago";
    }
    if (millis <= -1000 && millis > -60_000) {
      return "in " + -millis / 1000 + " s";
    }
    if (millis <= -60_000 && millis > -3_600_000) {
      return "in " + (-millis + 59_999) / 60_000 + " min";
    }
    return LOCAL.format(at.atZone(zone));
  }

  /** {@link #time} of a field of an answer, or empty when absent. */
  String time(JsonNode node, String field) {
    return time(JsonText.text(node, field));
  }

  /** {@code 3 min ago by alice}, or whichever half is known. */
  String when(JsonNode node, String atField, String byField) {
    String at = time(node, atField);
    String by = JsonText.text(node, byField);
    return by.isEmpty() ? at : at.isEmpty() ? "by " + by : at + " by " + by;
  }

  /** A full commit id shortened as git does; other versions as they are. */
  static String version(String version) {
    return version != null && COMMIT.matcher(version).matches()
        ? version.substring(0, SHORT_COMMIT)
        : version;
  }

  /** {@code 1 resource}, {@code 2 resources}. */
  static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
