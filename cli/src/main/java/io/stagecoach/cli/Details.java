package io.stagecoach.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One item as {@code label: value} lines, labels aligned: the get, create and update commands' text
 * output.
 */
final class Details {

  private record Line(String label, String value) {}

  private final List<Line> lines = new ArrayList<>();

  /** Adds the line unless the value is null or empty (absent fields are not worth a line). */
  Details add(String label, String value) {
    if (value != null && !value.isEmpty()) {
      lines.add(new Line(label, value));
    }
    return this;
  }

  /** A map as one {@code label: KEY=value} line per entry, under one label. */
  Details add(String label, Map<String, String> values) {
    boolean first = true;
    for (var e : values.entrySet()) {
      lines.add(new Line(first ? label : "", e.getKey() + "=" + e.getValue()));
      first = false;
    }
    return this;
  }

  /** Lines under one label: the first beside it, the others below. */
  Details add(String label, List<String> values) {
    boolean first = true;
    for (String value : values) {
      lines.add(new Line(first ? label : "", value));
      first = false;
    }
    return this;
  }

  void print(PrintWriter out) {
    int width = lines.stream().mapToInt(l -> l.label().length()).max().orElse(0) + 1;
    for (Line line : lines) {
      String label = line.label().isEmpty() ? "" : line.label() + ":";
      out.println(label + " ".repeat(width - label.length() + 1) + line.value());
    }
  }
}
