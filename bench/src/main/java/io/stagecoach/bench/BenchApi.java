package io.stagecoach.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * The local cloud's API as the deployment and promotion benchmarks call it: JSON in and out, errors
 * thrown.
 */
final class BenchApi {

  static final ObjectMapper JSON = new ObjectMapper();

  private BenchApi() {}

  /** A benchmark's work, which prints its report itself or returns it. */
  interface Bench {
    String run() throws Exception;
  }

  /**
   * Runs a benchmark as a program: its report on standard output (or appended to the file named by
   * {@code -Dbench.report}, so that nothing else the JVM prints, such as the functions' log lines,
   * can get into it) and exit 0, or the failure on standard error and exit 1 (a failed benchmark
   * reports no figures).
   */
  static void runAndExit(Bench bench) {
    try {
      String report = bench.run();
      String file = System.getProperty("bench.report");
      if (file == null) {
        System.out.print(report);
      } else {
        java.nio.file.Files.writeString(
            java.nio.file.Path.of(file),
            report + "\n",
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
      System.exit(0);
    } catch (Throwable t) {
      // Through the one structured logger, into the run's log, which bench/run shows the end of.
      io.stagecoach.functions.support.Log.of(BenchApi.class).error(t, "the benchmark failed");
      System.exit(1);
    }
  }

  /**
   * One row of the table for the run's summary: what was measured next to its baseline,
   * lower is better for both. Appended to the file named by {@code -Dbench.rows} (tab-separated:
   * key, description, value, baseline, unit, target ratio), which {@link BenchSummary} reads.
   */
  static void summaryRow(
      String key, String what, double value, double baseline, String unit, double target) {
    String file = System.getProperty("bench.rows");
    if (file == null) {
      return;
    }
    String line =
        String.join(
                "\t",
                key,
                what.replace('\t', ' '),
                Double.toString(value),
                Double.toString(baseline),
                unit,
                Double.toString(target))
            + "\n";
    try {
      java.nio.file.Files.writeString(
          java.nio.file.Path.of(file),
          line,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static JsonNode send(
      HttpClient http,
      URI api,
      String token,
      String method,
      String path,
      String body,
      Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(api.resolve(path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
