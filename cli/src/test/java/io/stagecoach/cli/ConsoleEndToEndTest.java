package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.RawHttp;
import io.stagecoach.testing.Fixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The web console in a real browser (Debian's Chromium, headless, driven by playwright-core from
 * the console module's node_modules) against a real local cloud: this class starts the cloud and
 * registers people, apps and releases through the API; {@code console/e2e/console.e2e.mjs} (node's
 * test runner) signs in, starts a promotion with this CLI and watches it move stage by stage on the
 * page, approves it as a second person, freezes an environment from the page, checks what a viewer
 * sees, the Content-Security-Policy, the refusal of other origins and axe-core's findings on every
 * view, and writes a screenshot of each view under {@code target/console-screenshots}. Each of its
 * tests is reported here as one dynamic test. Skipped where there is no Chromium (CI installs it).
 * It lives in the CLI module, which is built after the local cloud, so that the CLI is there to
 * start the promotion.
 */
class ConsoleEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST = "sha256:" + "4f".repeat(32);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CONSOLE =
      Path.of(System.getProperty("stagecoach.console.dir", "../console"));
  private static final Path TARGET = Path.of(System.getProperty("stagecoach.target", "target"));

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static final ObjectNode tokens = JSON.createObjectNode();

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    tokens.put("admin", cloud.adminToken());
    tokens.put("rita", token("rita", "deployer", "staff"));
    tokens.put("sam", token("sam", "viewer", "staff"));
    tokens.put("vic", token("vic", "viewer", null));
    registerApp("orders", "Takes and tracks customer orders", true);
    registerApp("payments", "Card payments and refunds", false);
    ApiClient rita = admin.as(tokens.path("rita").asText());
    expect(
        201,
        rita.send(
            "POST",
            "/v1/apps/orders/environments",
            "{\"kind\":\"personal\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}"));
    expect(
        201,
        rita.send(
            "POST",
            "/v1/apps/orders/environments",
            "{\"name\":\"pr-42\",\"kind\":\"ephemeral\",\"account\":\"111111111111\","
                + "\"region\":\"eu-west-1\"}"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cloud != null) {
      cloud.close();
    }
  }

  private static ApiClient.Reply expect(int status, ApiClient.Reply reply) {
    assertEquals(status, reply.status(), reply.body());
    return reply;
  }

  private static String token(String who, String role, String group) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("principal", who);
    body.putArray("roles").add(role);
    if (group != null) {
      body.putArray("groups").add(group);
    }
    return expect(201, admin.send("POST", "/v1/tokens", JSON.writeValueAsString(body)))
        .json()
        .path("token")
        .asText();
  }

  /** dev (automatic) -> staging (one approval from staff) -> prod, with two releases. */
  private static void registerApp(String app, String description, boolean staging)
      throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", app).put("description", description);
    ArrayNode pipeline = body.putArray("pipeline");
    pipeline.addObject().put("environment", "dev");
    List<String[]> envs = new ArrayList<>();
    envs.add(new String[] {"dev", "dev"});
    if (staging) {
      pipeline
          .addObject()
          .put("environment", "staging")
          .putObject("approval")
          .put("timeoutSeconds", 3600)
          .putArray("groups")
          .addObject()
          .put("group", "staff")
          .put("min", 1);
      envs.add(new String[] {"staging", "staging"});
    }
    pipeline.addObject().put("environment", "prod");
    envs.add(new String[] {"prod", "prod"});
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    expect(201, admin.send("POST", "/v1/apps", JSON.writeValueAsString(body)));
    for (String[] env : envs) {
      ObjectNode e =
          JSON.createObjectNode()
              .put("tier", env[1])
              .put("account", "111111111111")
              .put("region", "eu-west-1");
      e.putObject("config").put("LOG_LEVEL", env[1].equals("prod") ? "warn" : "debug");
      e.putObject("secrets").put("DB_PASSWORD", "ssm:/" + app + "/" + env[0] + "/db-password");
      expect(
          201,
          admin.send(
              "PUT", "/v1/apps/" + app + "/environments/" + env[0], JSON.writeValueAsString(e)));
    }
    for (String version : List.of("1.0.0", "1.1.0")) {
      expect(
          201,
          admin.send(
              "POST",
              "/v1/apps/" + app + "/releases",
              "{\"version\":\""
                  + version
                  + "\",\"artifactUri\":\"s3://artifacts/"
                  + app
                  + "/"
                  + version
                  + ".zip\",\"digest\":\""
                  + DIGEST
                  + "\",\"commit\":\"9fceb02d0ae598e95dc970b74767f19372d61af8\"}"));
    }
  }

  /**
   * serve names the console's address when it starts, and serves it there on the API's origin; the
   * local cloud's Host check holds for the console as for the API.
   */
  @Test
  void serve_printsTheConsolesAddress_andServesItThere_toLoopbackNamesOnly() throws Exception {
    assertTrue(
        cloud.describe().contains("  console    " + cloud.endpoint() + "/console/\n"),
        cloud.describe());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(cloud.consoleUrl()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<div id=\"app\">"), page.body());
    assertTrue(
        page.headers()
            .firstValue("Content-Security-Policy")
            .orElse("")
            .contains("frame-ancestors 'none'"),
        page.headers().toString());
    // Under the stage too, as on AWS, where the relative redirect keeps the stage.
    HttpResponse<String> staged =
        http.send(
            HttpRequest.newBuilder(cloud.endpoint().resolve("/live/console")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(301, staged.statusCode());
    assertEquals("console/", staged.headers().firstValue("Location").orElse(""));

    RawHttp.Response rebound =
        RawHttp.send(
            cloud.port(), "GET", "/console/", List.of(Map.entry("Host", "console.example")), null);
    assertEquals(403, rebound.status(), rebound.body());
  }

  @TestFactory
  Stream<DynamicTest> theConsoleInAHeadlessBrowser() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (apt-get install chromium)");
    assertTrue(
        Files.isDirectory(CONSOLE.resolve("node_modules/playwright-core")),
        "the console module's build installs playwright-core into " + CONSOLE + "/node_modules");
    Path screenshots = TARGET.resolve("console-screenshots");
    Path report = TARGET.resolve("console-e2e.xml");
    Files.createDirectories(screenshots);
    Files.deleteIfExists(report);
    ProcessBuilder pb =
        new ProcessBuilder(
                "node",
                "--test",
                "--test-reporter=spec",
                "--test-reporter-destination=stdout",
                "--test-reporter=junit",
                "--test-reporter-destination=" + report.toAbsolutePath(),
                "e2e/console.e2e.mjs")
            .directory(CONSOLE.toFile())
            .redirectErrorStream(true);
    pb.environment().put("STAGECOACH_URL", cloud.endpoint().toString());
    pb.environment().put("STAGECOACH_E2E_TOKENS", JSON.writeValueAsString(tokens));
    pb.environment().put("STAGECOACH_SCREENSHOTS", screenshots.toAbsolutePath().toString());
    pb.environment().put("CHROMIUM", CHROMIUM.toString());
    // This CLI, as the tests run it to start a promotion the page then follows: this JVM's java
    // with the test class path, whose first entries are the CLI's classes.
    pb.environment()
        .put(
            "STAGECOACH_CLI",
            JSON.writeValueAsString(
                List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    StagecoachCommand.class.getName())));
    // Plain text: the report is XML, which has no place for terminal colour codes.
    pb.environment().put("NO_COLOR", "1");
    pb.environment().remove("FORCE_COLOR");
    Process node = pb.start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        System.out.println("[console e2e] " + line);
        output.append(line).append('\n');
      }
    }
    assertTrue(node.waitFor(3, TimeUnit.MINUTES), "the browser tests did not finish");
    assertTrue(Files.isRegularFile(report), "node wrote no report:\n" + output);

    List<DynamicTest> tests = new ArrayList<>();
    // Control characters a failure message may still carry are not allowed in XML 1.0.
    String xml = Files.readString(report).replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", "");
    NodeList cases =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)))
            .getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      String name = c.getAttribute("name");
      NodeList failures = c.getElementsByTagName("failure");
      boolean skipped = c.getElementsByTagName("skipped").getLength() > 0;
      String failure = failures.getLength() > 0 ? failures.item(0).getTextContent() : null;
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                assumeTrue(!skipped, name + " was skipped");
                if (failure != null) {
                  fail(failure);
                }
              }));
    }
    Matcher passed = Pattern.compile("(?m)^\\S*\\s*pass (\\d+)").matcher(output);
    int exit = node.exitValue();
    tests.add(
        DynamicTest.dynamicTest(
            "the browser tests ran and node exited 0",
            () -> {
              assertTrue(cases.getLength() >= 8, "too few browser tests ran:\n" + output);
              assertTrue(passed.find(), output.toString());
              assertEquals(0, exit, "node's test runner failed:\n" + output);
            }));
    return tests.stream();
  }
}
