package io.stagecoach.local.eventbridge;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's {@code ScheduleExpression}: {@code rate(...)} or {@code cron(...)}, evaluated in UTC as
 * EventBridge does.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
public sealed interface Schedule permits Schedule.Rate, CronSchedule {

  /**
   * The first time strictly after {@code after} at which the rule fires, or null if it never will
   * again.
   */
  Instant nextAfter(Instant after);

  String expression();

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming what is wrong, as EventBridge refuses it
   */
  static Schedule parse(String expression) {
    String e = expression == null ? "" : expression.strip();
    if (e.startsWith("rate(") && e.endsWith(")")) {
      return Rate.parse(e);
    }
    if (e.startsWith("cron(") && e.endsWith(")")) {
      return CronSchedule.parse(e);
    }
    throw new IllegalArgumentException(
        "Parameter ScheduleExpression is not valid: '"
            + expression
            + "' is neither rate(...) nor cron(...)");
  }

  /**
   * {@code rate(value unit)}: a positive whole number, the unit singular for 1 and plural
   * otherwise. EventBridge counts from when the rule was created; locally, from {@code anchor}.
   */
  record Rate(String expression, Duration period, Instant anchor) implements Schedule {

    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+([a-z]+)\\s*\\)");

    static Rate parse(String e) {
      Matcher m = RATE.matcher(e);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "Parameter ScheduleExpression is not valid: '"
                + e
                + "' must be rate(value unit) with a whole number and minute(s), hour(s) or day(s)");
      }
      long value;
      try {
        value = Long.parseLong(m.group(1));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            "Parameter ScheduleExpression is not valid: '" + e + "' value is too large");
      }
      if (value <= 0) {
        throw new IllegalArgumentException(
            "Parameter ScheduleExpression is not valid: '" + e + "' value must be positive");
      }
      String unit = m.group(2);
      String singular = unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
      if (value == 1 && !unit.equals(singular) || value > 1 && unit.equals(singular)) {
        throw new IllegalArgumentException(
            "Parameter ScheduleExpression is not valid: '"
                + e
                + "' must use "
                + (value == 1 ? "the singular unit for 1" : "a plural unit for values above 1"));
      }
      Duration unitLength =
          switch (singular.toLowerCase(Locale.ROOT)) {
            case "minute" -> Duration.ofMinutes(1);
            case "hour" -> Duration.ofHours(1);
            case "day" -> Duration.ofDays(1);
            default ->
                throw new IllegalArgumentException(
                    "Parameter ScheduleExpression is not valid: '"
                        + e
                        + "' unit must be minute(s), hour(s) or day(s)");
          };
      return new Rate(e, unitLength.multipliedBy(value), Instant.EPOCH);
    }

    public Rate anchoredAt(Instant start) {
      return new Rate(expression, period, start);
    }

    @Override
    public Instant nextAfter(Instant after) {
      if (after.isBefore(anchor)) {
        return anchor.plus(period);
      }
      long periods = Duration.between(anchor, after).toMillis() / period.toMillis() + 1;
      return anchor.plus(period.multipliedBy(periods));
    }
  }
}
