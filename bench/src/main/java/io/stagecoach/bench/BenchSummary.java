package io.stagecoach.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The run's summary, one line per row of the performance table, each a ratio to its baseline
 * measured in the same run, next to the same ratio in the previous run kept in bench/results/: a
 * row more than 20% worse than there is flagged. Run as {@code BenchSummary <this run's rows>
 * <results folder>}; prints Markdown, and exits 0 whatever it finds (figures, not a test).
 */
public final class BenchSummary {

  /** How much worse than the previous run a ratio may be before it is flagged. */
  static final double TOLERANCE = 0.20;

  record Row(String key, String what, double value, double baseline, String unit, double target) {
    double ratio() {
      return value / baseline;
    }
  }

  private BenchSummary() {}

  public static void main(String[] args) throws Exception {
    Path current = Path.of(args[0]);
    Path results = Path.of(args[1]);
    Map<String, Row> now = read(current);
    Optional<Path> previousFile = previous(results, current);
    Map<String, Row> before = previousFile.isPresent() ? read(previousFile.get()) : Map.of();
    System.out.print(summary(now, before, previousFile.map(p -> p.getFileName().toString())));
  }

  static String summary(Map<String, Row> now, Map<String, Row> before, Optional<String> since) {
    StringBuilder out = new StringBuilder("# Summary\n\n");
    out.append(
        since
            .map(s -> "Each ratio next to the same ratio in the previous run (" + s + ").\n\n")
            .orElse("No previous run in bench/results/ to compare with.\n\n"));
    out.append(
        "| row | measured | baseline | ratio | target | meets it | previous ratio | change |\n"
            + "| --- | ---: | ---: | ---: | ---: | :---: | ---: | --- |\n");
    int worse = 0;
    for (Row r : now.values()) {
      Row p = before.get(r.key());
      String change = "–";
      String previous = "–";
      if (p != null) {
        previous = String.format("%.2f×", p.ratio());
        double delta = r.ratio() / p.ratio() - 1;
        change = String.format("%+.0f%%", delta * 100);
        if (delta > TOLERANCE) {
          change = "**" + change + " worse**";
          worse++;
        }
      }
      out.append(
          String.format(
              "| %s | %s %s | %s %s | %.2f× | ≤ %.1f× | %s | %s | %s |%n",
              r.what(),
              number(r.value()),
              r.unit(),
              number(r.baseline()),
              r.unit(),
              r.ratio(),
              r.target(),
              r.ratio() <= r.target() ? "yes" : "no",
              previous,
              change));
    }
    out.append(
        worse == 0
            ? "\nNo row is more than 20% worse than in the previous run.\n"
            : "\n**" + worse + " row(s) more than 20% worse than in the previous run.**\n");
    return out.toString();
  }

  private static String number(double v) {
    return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }

  static Map<String, Row> read(Path file) throws Exception {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split("\t");
      if (f.length != 6) {
        continue;
      }
      rows.put(
          f[0],
          new Row(
              f[0],
              f[1],
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3]),
              f[4],
              Double.parseDouble(f[5])));
    }
    return rows;
  }

  /** The newest rows file in the folder other than this run's, by its name (a UTC time stamp). */
  static Optional<Path> previous(Path results, Path current) throws Exception {
    try (Stream<Path> files = Files.list(results)) {
      List<Path> older =
          files
              .filter(f -> f.getFileName().toString().endsWith(".rows.tsv"))
              .filter(
                  f -> f.getFileName().toString().compareTo(current.getFileName().toString()) < 0)
              .sorted()
              .toList();
      return older.isEmpty() ? Optional.empty() : Optional.of(older.get(older.size() - 1));
    }
  }
}
