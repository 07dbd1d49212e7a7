package io.stagecoach.bench;

import io.stagecoach.local.LocalCloud;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person feels at the terminal, run as {@code CliBench <repository root>}:
 *
 * <ul>
 *   <li>one CLI command ({@code ./stagecoach apps list}, through the launcher) against a running
 *       local cloud, next to the AWS CLI v2 ({@code /usr/bin/aws stepfunctions
 *       list-state-machines}) against the same one, the two alternating;
 *   <li>{@code ./stagecoach serve} on a directory that already has its data: the "Ready in" it
 *       reports, against the target of one second.
 * </ul>
 */
public final class CliBench {

  private static final Path AWS_CLI = Path.of("/usr/bin/aws");
  private static final Pattern READY = Pattern.compile("Ready in ([0-9.]+) s");

  private CliBench() {}

  public static void main(String[] args) {
    BenchApi.runAndExit(() -> bench(Path.of(args[0]).toAbsolutePath()));
  }

  static String bench(Path root) throws Exception {
    boolean quick = Boolean.getBoolean("bench.quick");
    int runs = quick ? 3 : 7;
    StringBuilder report = new StringBuilder("# At the terminal\n\n");
    Path launcher = root.resolve("stagecoach");
    Path cwd = Files.createTempDirectory("stagecoach-cli-bench");
    try (LocalCloud cloud =
        LocalCloud.start(
            LocalCloud.Options.defaults(Files.createTempDirectory("stagecoach-cli-bench-data"))
                .withPort(0)
                .withRequestLog(false))) {
      String endpoint = cloud.endpoint().toString();
      List<String> cli = List.of(launcher.toString(), "apps", "list");
      Map<String, String> cliEnv =
          Map.of("STAGECOACH_ENDPOINT", endpoint, "STAGECOACH_TOKEN", cloud.adminToken());
      List<String> aws =
          List.of(
              AWS_CLI.toString(),
              "stepfunctions",
              "list-state-machines",
              "--endpoint-url",
              endpoint);
      Map<String, String> awsEnv =
          Map.of(
              "AWS_ACCESS_KEY_ID", cloud.awsCredentials().accessKeyId(),
              "AWS_SECRET_ACCESS_KEY", cloud.awsCredentials().secretAccessKey(),
              "AWS_DEFAULT_REGION", "us-east-1",
              "AWS_CONFIG_FILE", cwd.resolve("no-aws-config").toString(),
              "AWS_SHARED_CREDENTIALS_FILE", cwd.resolve("no-aws-credentials").toString(),
              "AWS_PAGER", "");
      boolean haveAws = Files.isExecutable(AWS_CLI);
      // One of each first: the launcher's JDK choice and class-data archive, Python's caches.
      timed(cli, cliEnv, cwd);
      if (haveAws) {
        timed(aws, awsEnv, cwd);
      }
      List<Double> ours = new ArrayList<>();
      List<Double> theirs = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        ours.add(timed(cli, cliEnv, cwd));
        if (haveAws) {
          theirs.add(timed(aws, awsEnv, cwd));
        }
      }
      double ourMs = InitBench.median(ours);
      report
          .append("| command, against the same local cloud | median ms (")
          .append(runs)
          .append(" runs, alternating) | runs ms |\n| --- | ---: | --- |\n");
      report.append(String.format("| `stagecoach apps list` | %.0f | %s |%n", ourMs, list(ours)));
      if (haveAws) {
        double awsMs = InitBench.median(theirs);
        report.append(
            String.format(
                "| AWS CLI v2 `stepfunctions list-state-machines` | %.0f | %s |%n",
                awsMs, list(theirs)));
        report.append(
            String.format("| **ratio** (target ≤ 1.0) | **%.2f×** | |%n%n", ourMs / awsMs));
        BenchApi.summaryRow(
            "cli vs aws cli",
            "stagecoach apps list vs the AWS CLI v2 stepfunctions list-state-machines (median)",
            ourMs,
            awsMs,
            "ms",
            1.0);
      } else {
        report.append("\nNo AWS CLI v2 at /usr/bin/aws (Debian's awscli): no ratio.\n\n");
      }
    }

    // serve on a directory that has its data: the first start makes it, the next ones are timed.
    Path data = Files.createTempDirectory("stagecoach-serve-bench").resolve(".stagecoach");
    serveReady(launcher, data, cwd);
    List<Double> ready = new ArrayList<>();
    for (int i = 0; i < (quick ? 2 : 5); i++) {
      ready.add(serveReady(launcher, data, cwd));
    }
    double readyMs = InitBench.median(ready);
    report.append(
        String.format(
            "| `stagecoach serve` on an existing directory | median ms (%d starts) | starts ms |%n"
                + "| --- | ---: | --- |%n| \"Ready in\" (target ≤ 1,000) | %.0f | %s |%n%n",
            ready.size(), readyMs, list(ready)));
    BenchApi.summaryRow(
        "serve ready",
        "serve on an existing directory: \"Ready in\" vs the target of 1 s",
        readyMs,
        1000,
        "ms",
        1.0);
    return report.toString();
  }

  /** Milliseconds for the command to run to its end; it must succeed. */
  private static double timed(List<String> command, Map<String, String> env, Path cwd)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("STAGECOACH_") || k.startsWith("AWS_"));
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not end within 120 s");
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(command + " exited with " + p.exitValue());
    }
    return ms;
  }

  /** Starts serve on {@code data}, reads its "Ready in", stops it (SIGTERM) and waits for it. */
  private static double serveReady(Path launcher, Path data, Path cwd) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                launcher.toString(), "serve", "--port", "0", "--dir", data.toString(), "--quiet")
            .directory(cwd.toFile())
            .redirectErrorStream(true);
    pb.environment().remove("AWS_LAMBDA_LOG_LEVEL");
    Process p = pb.start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
        Matcher m = READY.matcher(line);
        if (m.find()) {
          // SIGTERM: serve stops the local cloud and exits (its last line is not read).
          p.destroy();
          if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
          return Double.parseDouble(m.group(1)) * 1000;
        }
      }
      throw new IllegalStateException("serve ended without saying it was ready:\n" + seen);
    } finally {
      p.destroyForcibly();
    }
  }

  private static String list(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(s.isEmpty() ? "" : ", ").append(String.format("%.0f", v));
    }
    return s.toString();
  }
}
