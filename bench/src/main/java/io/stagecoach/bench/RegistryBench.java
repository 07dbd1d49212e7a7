package io.stagecoach.bench;

import io.stagecoach.local.LocalCloud;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The registry benchmark of the walking skeleton. Everything is reported next to a baseline
 * measured in the same run, as a ratio:
 *
 * <ul>
 *   <li>GET and PUT of an environment through the local cloud's HTTP API (authorizer, proxy event,
 *       function, DynamoDB), with 1 and 16 concurrent clients, next to a raw DynamoDB Local GetItem
 *       / PutItem from the same JVM with the same concurrency;
 *   <li>a fresh JVM's time from start to the first answered API request, next to a hello-world
 *       handler's fresh JVM;
 *   <li>the size of the functions jar.
 * </ul>
 */
public final class RegistryBench {

  private static final int WARMUP = 1_000;
  private static final int MEASURED = 4_000;
  private static final String ENV_BODY =
      "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\",\"config\":{\"LOG_LEVEL\":\"info\"}}";

  record Stats(double p50Micros, double p99Micros, double perSecond) {}

  /**
   * One operation; {@code worker} is the client's number, so concurrent writers can keep to their
   * own items.
   */
  interface Op {
    void run(int worker, int i) throws Exception;
  }

  public static void main(String[] args) {
    BenchApi.runAndExit(() -> bench(args));
  }

  private static String bench(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    String java = args.length > 1 ? args[1] : "java";
    StringBuilder report = new StringBuilder("# Registry benchmark\n\n");
    report
        .append("Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(Runtime.version())
        .append(". ")
        .append(MEASURED)
        .append(" measured operations per row after ")
        .append(WARMUP)
        .append(" warm-up ones.\n\n");

    Path dir = Files.createTempDirectory("stagecoach-bench");
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(Executors.newFixedThreadPool(4))
              .build();
      String token = cloud.adminToken();
      URI api = cloud.endpoint();
      // Each concurrent writer has its own environment: writers of one item would (rightly)
      // conflict.
      StringBuilder allowed = new StringBuilder();
      for (int c = 0; c < 16; c++) {
        allowed.append(c == 0 ? "" : ",").append("\"w").append(c).append('"');
      }
      send(
          http,
          api,
          token,
          "POST",
          "/v1/apps",
          "{\"name\":\"bench\",\"pipeline\":[\"dev\"],\"allowedEnvironments\":[" + allowed + "]}",
          201);
      send(http, api, token, "PUT", "/v1/apps/bench/environments/dev", ENV_BODY, 201);
      for (int c = 0; c < 16; c++) {
        send(http, api, token, "PUT", "/v1/apps/bench/environments/w" + c, ENV_BODY, 201);
      }
      String table = cloud.tables().get(0);
      DynamoDbClient raw =
          DynamoDbClient.builder()
              .endpointOverride(cloud.dynamo().endpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
              .httpClient(io.stagecoach.functions.support.SingleWriteHttpClient.create())
              .build();
      Map<String, AttributeValue> envKey =
          Map.of("pk", AttributeValue.fromS("APP#bench"), "sk", AttributeValue.fromS("ENV#dev"));
      Map<String, AttributeValue> envItem = raw.getItem(r -> r.tableName(table).key(envKey)).item();

      report.append("## Latency and throughput\n\n");
      report.append(
          "| operation | clients | p50 µs | p99 µs | ops/s | raw p50 µs | raw p99 µs | raw ops/s | p50 ratio (target ≤ 2) |\n");
      report.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      boolean quick = Boolean.getBoolean("bench.quick");
      for (int clients : quick ? new int[] {1} : new int[] {1, 16}) {
        Stats apiGet =
            measure(
                clients,
                (w, i) ->
                    send(http, api, token, "GET", "/v1/apps/bench/environments/dev", null, 200));
        Stats rawGet =
            measure(
                clients,
                (w, i) -> raw.getItem(r -> r.tableName(table).key(envKey).consistentRead(true)));
        row(report, "GET environment / GetItem", clients, apiGet, rawGet);
        Stats apiPut =
            measure(
                clients,
                (w, i) ->
                    send(
                        http,
                        api,
                        token,
                        "PUT",
                        "/v1/apps/bench/environments/w" + w,
                        ENV_BODY,
                        200));
        Stats rawPut =
            measure(
                clients,
                (w, i) -> {
                  Map<String, AttributeValue> item = new java.util.HashMap<>(envItem);
                  item.put("sk", AttributeValue.fromS("ENV#raw-" + w));
                  raw.putItem(r -> r.tableName(table).item(item));
                });
        row(report, "PUT environment / PutItem", clients, apiPut, rawPut);
      }
      report
          .append(
              "\nThe API rows go through HTTP on loopback, the token authorizer (its answer cached, as API Gateway")
          .append(
              " caches it), the proxy event, the API function and DynamoDB Local: a GET is one GetItem of the environment;")
          .append(
              " a PUT reads the app and the environment in one BatchGetItem and makes one conditional PutItem (two round trips). The raw rows are one")
          .append(" SDK call each from the same JVM to the same DynamoDB Local.\n\n");
      raw.close();
    }

    if (Boolean.getBoolean("bench.quick")) {
      return report.toString();
    }
    report.append("## Cold start\n\n");
    Path launcher = root.resolve("stagecoach");
    List<Double> serve = new ArrayList<>();
    List<Double> hello = new ArrayList<>();
    // One untimed start first: the first serve after a build writes its class-data archive as it
    // stops, as a user's first serve does.
    coldServe(launcher);
    for (int i = 0; i < 5; i++) {
      serve.add(coldServe(launcher));
      hello.add(coldHello(java, root));
    }
    double serveMs = median(serve);
    double helloMs = median(hello);
    report.append("| fresh JVM to first answered request | median ms (5 runs) |\n| --- | ---: |\n");
    report.append(
        String.format(
            "| `stagecoach serve`: `GET /v1/apps` with the admin token | %.0f |%n", serveMs));
    report.append(
        String.format("| hello-world handler behind the JDK's HTTP server | %.0f |%n", helloMs));
    report.append(String.format("| **ratio** | **%.1f×** |%n%n", serveMs / helloMs));
    BenchApi.summaryRow(
        "cold start",
        "fresh JVM to first answered GET /v1/apps vs a hello-world handler's",
        serveMs,
        helloMs,
        "ms",
        2.5);
    report
        .append(
            "serve is started through the `stagecoach` launcher, as users start it (its flags `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC` and its class-data")
        .append(
            " sharing archive, written by an untimed first start); the hello-world JVM gets the same two flags. The serve figure includes the launcher,")
        .append(
            " DynamoDB Local on disk, the template, the authorizer and the function's init.\n\n");

    report.append("## Functions jar\n\n");
    try (var files = Files.list(root.resolve("functions/target"))) {
      for (Path f : files.filter(p -> p.toString().endsWith("-lambda.jar")).toList()) {
        report.append(
            String.format(
                "`%s`: %.1f MiB (%d bytes)%n",
                f.getFileName(), Files.size(f) / 1048576.0, Files.size(f)));
      }
    }
    return report.toString();
  }

  private static void row(StringBuilder report, String name, int clients, Stats api, Stats raw) {
    BenchApi.summaryRow(
        "api " + name.substring(0, 3).trim().toLowerCase(java.util.Locale.ROOT) + " " + clients,
        "API "
            + name.substring(0, 3).trim()
            + " p50 through serve vs raw DynamoDB Local, "
            + clients
            + (clients == 1 ? " client" : " clients"),
        api.p50Micros(),
        raw.p50Micros(),
        "µs",
        1.5);
    report.append(
        String.format(
            "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f |%n",
            name,
            clients,
            api.p50Micros(),
            api.p99Micros(),
            api.perSecond(),
            raw.p50Micros(),
            raw.p99Micros(),
            raw.perSecond(),
            api.p50Micros() / raw.p50Micros()));
  }

  private static Stats measure(int clients, Op op) throws Exception {
    run(clients, WARMUP, op, null);
    long[] latencies = new long[MEASURED];
    long t0 = System.nanoTime();
    run(clients, MEASURED, op, latencies);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(latencies);
    return new Stats(
        latencies[MEASURED / 2] / 1e3,
        latencies[(int) (MEASURED * 0.99)] / 1e3,
        MEASURED / seconds);
  }

  private static void run(int clients, int total, Op op, long[] latencies) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int worker = c;
      workers.add(
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                  long t = System.nanoTime();
                  op.run(worker, i);
                  if (latencies != null) {
                    latencies[i] = System.nanoTime() - t;
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> w : workers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One API call with {@link HttpURLConnection} (keep-alive, as the raw SDK calls use the
   * URLConnection client too), so both sides of a ratio pay for the same kind of HTTP client.
   */
  private static void send(
      HttpClient unused,
      URI api,
      String token,
      String method,
      String path,
      String body,
      int expected)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) api.resolve(path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setRequestProperty("Authorization", "Bearer " + token);
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (var out = c.getOutputStream()) {
        out.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    byte[] answer;
    try (var in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      answer = in == null ? new byte[0] : in.readAllBytes();
    }
    if (status != expected) {
      throw new IllegalStateException(
          method
              + " "
              + path
              + " answered "
              + status
              + ": "
              + new String(answer, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** A serve started as users start it: through the launcher, which runs it on its archive. */
  private static double coldServe(Path launcher) throws Exception {
    Path dir = Files.createTempDirectory("stagecoach-cold");
    int port = freePort();
    Path tokenFile = dir.resolve("admin-token");
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(
                launcher.toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // The admin token is written at start-up; until then there is nothing to ask with.
    return untilAnswered(
        p,
        t0,
        () -> {
          if (!Files.isRegularFile(tokenFile) || Files.size(tokenFile) < 10) {
            return null;
          }
          return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/apps"))
              .header("Authorization", "Bearer " + Files.readString(tokenFile).trim())
              .build();
        });
  }

  private static double coldHello(String java, Path root) throws Exception {
    int port = freePort();
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(
                java,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                root.resolve("bench/target/classes") + ":" + root.resolve("cli/target/lib") + "/*",
                "io.stagecoach.bench.HelloServer",
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return untilAnswered(
        p, t0, () -> HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build());
  }

  interface RequestSource {
    /** The request to try now, or null when it cannot be made yet. */
    HttpRequest next() throws IOException;
  }

  /**
   * Milliseconds from {@code t0} until the process answers 200; the process is stopped afterwards.
   */
  private static double untilAnswered(Process p, long t0, RequestSource requests) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try {
      while (true) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "the process exited with " + p.exitValue() + " before answering");
        }
        HttpRequest request = requests.next();
        if (request != null) {
          try {
            if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
              return (System.nanoTime() - t0) / 1e6;
            }
          } catch (IOException notYet) {
            // not listening yet
          }
        }
        Thread.sleep(5);
      }
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
