package io.stagecoach.domain.plan;

import java.util.Locale;
import java.util.Optional;

/**
 * One property of a resource whose value a deployment changes: its path ({@code KeySchema}, {@code
 * Tags.0.Value}), its value before and after (as text: a scalar as it is, a list or an object as
 * compact JSON; absent when the property is added or removed), and whether changing it makes the
 * resource be recreated. Values are what the template resolves to: a secret appears as its dynamic
 * reference ({@code {{resolve:secretsmanager:...}}}), never as its value. Values longer than
 * {@value #MAX_VALUE} characters are cut and end with an ellipsis, as CloudFormation cuts large
 * ones.
 */
public record PropertyChange(
    String path, Optional<String> before, Optional<String> after, Recreation recreation) {

  public static final int MAX_VALUE = 1024;

  /** Whether changing the property recreates the resource (CloudFormation's RequiresRecreation). */
  public enum Recreation {
    NEVER,
    CONDITIONALLY,
    ALWAYS;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Recreation> fromWire(String value) {
      for (Recreation r : values()) {
        if (r.wireName().equalsIgnoreCase(value)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }

    /** The stronger of two: ALWAYS over CONDITIONALLY over NEVER. */
    public Recreation or(Recreation other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  public PropertyChange {
    java.util.Objects.requireNonNull(path, "path");
    before = before.map(PropertyChange::clip);
    after = after.map(PropertyChange::clip);
  }

  static String clip(String value) {
    return value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE - 1) + "…";
  }
}
