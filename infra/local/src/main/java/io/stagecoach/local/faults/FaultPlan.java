package io.stagecoach.local.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the local cloud breaks on purpose, and how often: each fault has a rate between 0 and 1 (the
 * share of calls it hits), and the delays have a length. Written as {@code
 * kind=rate[@duration],...}, e.g. {@code dynamodb-throttle=0.2,event-delay=0.3@500ms}.
 *
 * <ul>
 *   <li>{@code dynamodb-throttle}: a function's DynamoDB call answers {@code ThrottlingException};
 *   <li>{@code dynamodb-latency}: a function's DynamoDB call waits first (default 100 ms);
 *   <li>{@code function-error}: an invocation by EventBridge or Step Functions fails with {@code
 *       Lambda.ServiceException} without running the handler;
 *   <li>{@code function-timeout}: the handler runs, then the caller is told {@code
 *       Sandbox.Timedout} (work done, answer lost);
 *   <li>{@code event-duplicate}: an event is delivered to a target twice;
 *   <li>{@code event-delay}: a delivery waits a random time up to the duration (default 500 ms), so
 *       events overtake each other.
 * </ul>
 */
public record FaultPlan(Map<Kind, Fault> faults) {

  /** The faults there are; {@link #key()} is how they are written. */
  public enum Kind {
    DYNAMODB_THROTTLE("dynamodb-throttle", Duration.ZERO),
    DYNAMODB_LATENCY("dynamodb-latency", Duration.ofMillis(100)),
    FUNCTION_ERROR("function-error", Duration.ZERO),
    FUNCTION_TIMEOUT("function-timeout", Duration.ZERO),
    EVENT_DUPLICATE("event-duplicate", Duration.ZERO),
    EVENT_DELAY("event-delay", Duration.ofMillis(500));

    private final String key;
    private final Duration defaultDuration;

    Kind(String key, Duration defaultDuration) {
      this.key = key;
      this.defaultDuration = defaultDuration;
    }

    public String key() {
      return key;
    }

    boolean takesDuration() {
      return !defaultDuration.isZero();
    }

    static Kind of(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      List<String> known = new ArrayList<>();
      for (Kind k : values()) {
        known.add(k.key);
      }
      throw new IllegalArgumentException(
          "unknown fault '" + key + "'; the faults are " + String.join(", ", known));
    }
  }

  /** One fault: how often, and for the delays how long at most. */
  public record Fault(double rate, Duration duration) {}

  static final Duration MAX_DURATION = Duration.ofSeconds(10);

  public FaultPlan {
    faults = Map.copyOf(faults);
  }

  public static FaultPlan none() {
    return new FaultPlan(Map.of());
  }

  public double rate(Kind kind) {
    Fault f = faults.get(kind);
    return f == null ? 0 : f.rate();
  }

  public Duration duration(Kind kind) {
    Fault f = faults.get(kind);
    return f == null ? Duration.ZERO : f.duration();
  }

  /**
   * Reads {@code kind=rate[@duration],...}; an empty text is no faults.
   *
   * @throws IllegalArgumentException naming the part at fault
   */
  public static FaultPlan parse(String text) {
    Map<Kind, Fault> faults = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String item = part.trim();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "'" + item + "' is not kind=rate[@duration], e.g. dynamodb-throttle=0.1");
      }
      Kind kind = Kind.of(item.substring(0, eq).trim().toLowerCase(Locale.ROOT));
      String value = item.substring(eq + 1).trim();
      String ratePart = value;
      Duration duration = kind.defaultDuration;
      int at = value.indexOf('@');
      if (at >= 0) {
        if (!kind.takesDuration()) {
          throw new IllegalArgumentException(kind.key + " takes a rate only, not a duration");
        }
        ratePart = value.substring(0, at).trim();
        duration = parseDuration(kind, value.substring(at + 1).trim());
      }
      faults.put(kind, new Fault(parseRate(kind, ratePart), duration));
    }
    return new FaultPlan(faults);
  }

  private static double parseRate(Kind kind, String text) {
    double rate;
    try {
      rate = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          kind.key + ": the rate must be a number from 0 to 1, not '" + text + "'");
    }
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(kind.key + ": the rate must be from 0 to 1, not " + text);
    }
    return rate;
  }

  private static Duration parseDuration(Kind kind, String text) {
    Duration d;
    try {
      if (text.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      } else if (text.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      } else {
        throw new NumberFormatException(text);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          kind.key + ": the duration must be like 250ms or 2s, not '" + text + "'");
    }
    if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          kind.key + ": the duration must be more than 0 and at most 10s, not " + text);
    }
    return d;
  }

  /** The plan written back as it is parsed. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Kind k : Kind.values()) {
      Fault f = faults.get(k);
      if (f != null) {
        parts.add(
            k.key
                + "="
                + f.rate()
                + (k.takesDuration() ? "@" + f.duration().toMillis() + "ms" : ""));
      }
    }
    return String.join(",", parts);
  }
}
