package io.stagecoach.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each function's init in a fresh JVM (its constructor: class loading, settings, SDK clients), next
 * to a fresh JVM that builds the same SDK clients and nothing else: what a function's own code adds
 * to a cold start without SnapStart. Run as {@code InitBench <functions lambda jar>}.
 */
public final class InitBench {

  static final List<String> HANDLERS =
      List.of(
          "io.stagecoach.functions.api.ApiHandler",
          "io.stagecoach.functions.auth.TokenAuthorizerHandler",
          "io.stagecoach.functions.intake.ArtifactCheckHandler",
          "io.stagecoach.functions.provision.ProvisionerHandler",
          "io.stagecoach.functions.provision.DeploymentSweeperHandler",
          "io.stagecoach.functions.provision.EnvironmentReaperHandler",
          "io.stagecoach.functions.promotion.PromotionStepsHandler",
          "io.stagecoach.functions.codecommit.PushHandler",
          "io.stagecoach.functions.slack.SlackWebhookHandler",
          "io.stagecoach.functions.slack.SlackNotifierHandler");

  private InitBench() {}

  public static void main(String[] args) {
    BenchApi.runAndExit(() -> bench(Path.of(args[0]), Path.of(args[1])));
  }

  record Probe(double ms, String clients) {}

  static String bench(Path lambdaJar, Path benchClasses) throws Exception {
    int runs = Boolean.getBoolean("bench.quick") ? 1 : 3;
    String endpoint;
    try (ServerSocket s = new ServerSocket(0)) {
      endpoint = "http://127.0.0.1:" + s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = lambdaJar + File.pathSeparator + benchClasses;
    StringBuilder report = new StringBuilder("# Function init\n\n");
    report
        .append("Each function's constructor in a fresh JVM (")
        .append(runs)
        .append(
            " runs, median), as Lambda's init phase runs it without SnapStart, from the Lambda jar"
                + " with Lambda's JIT flags (`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`); baseline:"
                + " a fresh JVM building the same SDK clients and nothing else.\n\n");
    report.append(
        "| function | SDK clients | init ms | clients-only ms | ratio (target ≤ 1.5) | clients + logger ms | init ÷ (clients + logger) |\n"
            + "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    double worst = 0;
    String worstName = "";
    double worstInit = 0;
    double worstBase = 0;
    for (String handler : HANDLERS) {
      List<Double> init = new ArrayList<>();
      List<Double> base = new ArrayList<>();
      List<Double> logged = new ArrayList<>();
      String clients = null;
      for (int i = 0; i < runs; i++) {
        Probe h = probe(java, cp, "handler", handler, endpoint);
        clients = h.clients();
        init.add(h.ms());
        base.add(probe(java, cp, "clients", clients, endpoint).ms());
        logged.add(probe(java, cp, "clients-and-logger", clients, endpoint).ms());
      }
      double initMs = median(init);
      double baseMs = median(base);
      double loggedMs = median(logged);
      String name = handler.substring(handler.lastIndexOf('.') + 1);
      report.append(
          String.format(
              "| %s | %s | %.0f | %.0f | %.2f | %.0f | %.2f |%n",
              name,
              clients.isEmpty() ? "–" : clients.replace(",", ", "),
              initMs,
              baseMs,
              initMs / baseMs,
              loggedMs,
              initMs / loggedMs));
      if (initMs / baseMs > worst) {
        worst = initMs / baseMs;
        worstName = name;
        worstInit = initMs;
        worstBase = baseMs;
      }
    }
    BenchApi.summaryRow(
        "function init",
        "a function's init in a fresh JVM vs the same SDK clients alone (the worst: "
            + worstName
            + ")",
        worstInit,
        worstBase,
        "ms",
        1.5);
    report.append(
        "\nThe last two columns take the functions' one structured logger into the baseline: Log4j2"
            + " behind Lambda's appender, configured from `log4j2.xml` (plugins, the XML configuration,"
            + " the JSON template layout), which every handler configures in its init and the"
            + " clients-only JVM never loads.\n");
    return report.append('\n').toString();
  }

  private static Probe probe(String java, String cp, String mode, String what, String endpoint)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("init-probe", ".txt");
    try {
      Process p =
          new ProcessBuilder(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  cp,
                  InitProbe.class.getName(),
                  mode,
                  what,
                  endpoint)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("the init probe of " + what + " did not end in 120 s");
      }
      for (String line : Files.readAllLines(out)) {
        if (line.startsWith("init-probe ")) {
          String[] parts = line.split(" ", 3);
          return new Probe(Double.parseDouble(parts[1]), parts.length > 2 ? parts[2] : "");
        }
      }
      throw new IllegalStateException(
          "the init probe of " + what + " printed no figure:\n" + Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
