package io.stagecoach.domain.drift;

import java.util.Objects;
import java.util.Optional;

/**
 * One property of a resource that is not what the deployment made: its {@code path} (as {@code
 * /KeySchema/0/AttributeName} or {@code Value}), what the deployment set ({@code expected}) and
 * what is there now ({@code actual}); either is empty when the property is missing on that side.
 */
public record PropertyDifference(String path, Optional<String> expected, Optional<String> actual) {

  public PropertyDifference {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
  }

  public static PropertyDifference of(String path, String expected, String actual) {
    return new PropertyDifference(path, Optional.ofNullable(expected), Optional.ofNullable(actual));
  }
}
