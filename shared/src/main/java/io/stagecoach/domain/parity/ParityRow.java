package io.stagecoach.domain.parity;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing compared: its section and key ({@code config LOG_LEVEL}, {@code resource Ledger},
 * {@code property Ledger.BillingMode}), what each side has (empty: the side has none), and whether
 * a difference here is one the app declares ({@code expected}: a config key it lists per
 * environment). A secret or an output is shown by name only: its side says {@code set}, never a
 * value.
 */
public record ParityRow(
    ParitySection section,
    String key,
    Optional<String> left,
    Optional<String> right,
    boolean expected) {

  public ParityRow {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
  }

  public static ParityRow of(
      ParitySection section, String key, Optional<String> left, Optional<String> right) {
    return new ParityRow(section, key, left, right, false);
  }

  public boolean same() {
    return left.equals(right);
  }

  /** A difference the app did not declare. */
  public boolean unexpected() {
    return !same() && !expected;
  }
}
