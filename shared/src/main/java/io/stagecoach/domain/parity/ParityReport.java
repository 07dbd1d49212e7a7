package io.stagecoach.domain.parity;

import java.util.List;

/**
 * Two environments of one app side by side: every row compared (properties only where they differ),
 * the {@link Parity} in one word, and the {@code verdict} in one sentence ({@code same release and
 * template; 2 config values differ, both declared per-env}).
 */
public record ParityReport(
    String app, String left, String right, List<ParityRow> rows, Parity parity, String verdict) {

  /**
   * {@code same}: nothing differs; {@code expected}: only config keys the app declares per
   * environment differ; {@code differs}: something else does.
   */
  public enum Parity {
    SAME("same"),
    EXPECTED("expected"),
    DIFFERS("differs");

    private final String wireName;

    Parity(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public ParityReport {
    rows = List.copyOf(rows);
  }

  public List<ParityRow> differences() {
    return rows.stream().filter(r -> !r.same()).toList();
  }
}
