package io.stagecoach.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.LocalCloud;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The web console with a big app: a local cloud holding an app of 500 environments (a three-stage
 * pipeline and 497 ephemeral ones), the App view opened in the machine's headless Chromium by
 * {@code console/e2e/bench.mjs}: time to first render and to interactive, next to the same API
 * calls made without a browser, as a ratio.
 *
 * <p>Arguments: the repository's root. Reports that it did not run where there is no Chromium.
 */
public final class ConsoleBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ENVIRONMENTS = 500;
  private static final String TEMPLATE =
      "{\"Resources\":{\"T\":{\"Type\":\"AWS::DynamoDB::Table\",\"Properties\":{"
          + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
          + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}}}}";

  public static void main(String[] args) {
    BenchApi.runAndExit(() -> bench(Path.of(args.length > 0 ? args[0] : ".")));
  }

  static String bench(Path root) throws Exception {
    StringBuilder report = new StringBuilder("# Console benchmark\n\n");
    Path chromium = Path.of("/usr/bin/chromium");
    Path console = root.resolve("console");
    if (!Files.isExecutable(chromium)
        || !Files.isDirectory(console.resolve("node_modules/playwright-core"))) {
      return report
          .append("Not run: it needs /usr/bin/chromium (apt-get install chromium) and the console")
          .append(" module built (its node_modules).\n")
          .toString();
    }
    Path dir = Files.createTempDirectory("stagecoach-console-bench");
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI api = cloud.endpoint();
      String admin = cloud.adminToken();
      ObjectNode app = JSON.createObjectNode().put("name", "big");
      ArrayNode pipeline = app.putArray("pipeline");
      for (String env : List.of("dev", "staging", "prod")) {
        pipeline.addObject().put("environment", env);
      }
      app.putObject("ephemeral").put("maxLifetimeDays", 30).put("defaultTtlHours", 720);
      app.putObject("template").set("body", JSON.readTree(TEMPLATE));
      send(http, api, admin, "POST", "/v1/apps", JSON.writeValueAsString(app));
      for (String env : List.of("dev", "staging", "prod")) {
        send(
            http,
            api,
            admin,
            "PUT",
            "/v1/apps/big/environments/" + env,
            "{\"tier\":\"" + env + "\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
      }
      for (int i = 1; i <= ENVIRONMENTS - 3; i++) {
        ObjectNode env =
            JSON.createObjectNode()
                .put("name", String.format("pr-%03d", i))
                .put("kind", "ephemeral")
                .put("account", "123456789012")
                .put("region", "eu-west-1");
        env.putObject("config").put("BRANCH", "feature/" + i);
        send(http, api, admin, "POST", "/v1/apps/big/environments", JSON.writeValueAsString(env));
      }
      ProcessBuilder pb =
          new ProcessBuilder("node", "e2e/bench.mjs")
              .directory(console.toFile())
              .redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("STAGECOACH_URL", api.toString());
      env.put("STAGECOACH_TOKEN", admin);
      env.put("STAGECOACH_APP", "big");
      env.put("BENCH_RUNS", Boolean.getBoolean("bench.quick") ? "3" : "7");
      env.put("CHROMIUM", chromium.toString());
      Process node = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      node.getInputStream().transferTo(out);
      if (!node.waitFor(5, TimeUnit.MINUTES) || node.exitValue() != 0) {
        throw new IllegalStateException(
            "console/e2e/bench.mjs failed:\n" + out.toString(StandardCharsets.UTF_8));
      }
      report.append(out.toString(StandardCharsets.UTF_8));
    }
    return report.toString();
  }

  private static void send(
      HttpClient http, URI api, String token, String method, String path, String body)
      throws Exception {
    BenchApi.send(http, api, token, method, path, body, Map.of());
  }
}
