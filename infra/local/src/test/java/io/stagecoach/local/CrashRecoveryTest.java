package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.HeldProvisionerHandler;
import io.stagecoach.local.testing.ServeProcesses;
import io.stagecoach.testing.Fixtures;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery in seconds: serve is killed with SIGKILL while a deployment is under way, and the
 * restarted serve (the same data directory) brings it to an end within 30 s of the restart, rather
 * than after the sweeper's grace. The first serve runs the built-in template with its provisioner
 * function held where the test wants the deployment to be at the kill ({@link
 * HeldProvisionerHandler}); the restarted serve runs the built-in template as it is.
 */
class CrashRecoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "superseded");

  /** What the issue asks of a restart. */
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  @Test
  void aDeploymentAcceptedJustBeforeSigkill_isTerminalWithin30sOfTheRestart(@TempDir Path dir)
      throws Exception {
    int port = ServeProcesses.freePort();
    List<Process> started = new ArrayList<>();
    try {
      // Deliveries to the provisioner wait: the deployment's event is accepted and not delivered.
      Files.createFile(dir.resolve(HeldProvisionerHandler.HOLD_DELIVERIES));
      Process serve = ServeProcesses.start(dir, port, Optional.of(heldTemplate(dir)), started);
      ApiClient admin = admin(dir, port);
      setUp(admin, List.of("1.0.0"));

      ApiClient.Reply accepted = deploy(admin, "1.0.0", "just-before-the-kill");
      assertEquals(202, accepted.status(), accepted.body());
      String id = accepted.json().path("id").asText();
      assertEquals("requested", deployment(admin, id).path("status").asText());

      serve.destroyForcibly().waitFor();
      assertFalse(serve.isAlive());

      JsonNode done = restartAndAwait(dir, port, started, admin, List.of(id), "requested");
      assertEquals("succeeded", done.path(id).path("status").asText(), done.toString());
      assertEquals(
          "1.0.0",
          admin.get("/v1/apps/orders/environments/dev").json().path("deployedVersion").asText());
    } finally {
      for (Process p : started) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void
      aDeploymentProvisioningAtSigkill_isResumedOnRestart_andTheOneQueuedBehindItRunsNext_within30s(
          @TempDir Path dir) throws Exception {
    int port = ServeProcesses.freePort();
    List<Process> started = new ArrayList<>();
    try {
      // The provisioner waits once the deployment holds the environment's lease.
      Files.createFile(dir.resolve(HeldProvisionerHandler.HOLD_PROVISIONING));
      Process serve = ServeProcesses.start(dir, port, Optional.of(heldTemplate(dir)), started);
      ApiClient admin = admin(dir, port);
      setUp(admin, List.of("1.0.0", "1.1.0"));

      ApiClient.Reply first = deploy(admin, "1.0.0", "holds-the-lease");
      assertEquals(202, first.status(), first.body());
      String holder = first.json().path("id").asText();
      await(admin, holder, d -> d.path("status").asText().equals("provisioning"), "provisioning");
      ApiClient.Reply second = deploy(admin, "1.1.0", "waits-behind-it");
      assertEquals(202, second.status(), second.body());
      String waiting = second.json().path("id").asText();
      assertEquals("requested", deployment(admin, waiting).path("status").asText());

      serve.destroyForcibly().waitFor();
      assertFalse(serve.isAlive());

      JsonNode done =
          restartAndAwait(
              dir, port, started, admin, List.of(holder, waiting), "provisioning and requested");
      JsonNode resumed = done.path(holder);
      assertEquals(
          "succeeded",
          resumed.path("status").asText(),
          "continued, not failed for its lost lease: " + resumed);
      assertEquals(0, resumed.path("attempts").asInt(), "no run counted as failed: " + resumed);
      assertEquals("succeeded", done.path(waiting).path("status").asText(), done.toString());
      JsonNode env = admin.get("/v1/apps/orders/environments/dev").json();
      assertEquals("1.1.0", env.path("deployedVersion").asText(), env.toString());
      assertEquals(waiting, env.path("deployedBy").asText(), env.toString());
      assertTrue(
          ServeProcesses.output(dir)
              .contains("recovered  2 unfinished deployments sent again, 1 resumed where"),
          "the start-up report says what it took up");
    } finally {
      for (Process p : started) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * Starts serve again on {@code dir} with the built-in template and waits for every deployment of
   * {@code ids} to be terminal, at most {@link #RECOVERY} after the restart began; prints how long
   * that took.
   *
   * @return each deployment by id
   */
  private static JsonNode restartAndAwait(
      Path dir, int port, List<Process> started, ApiClient admin, List<String> ids, String atKill)
      throws Exception {
    long restart = System.nanoTime();
    ServeProcesses.start(dir, port, started);
    long ready = System.nanoTime();
    long deadline = restart + RECOVERY.toNanos();
    ObjectNode all = JSON.createObjectNode();
    while (true) {
      boolean done = true;
      for (String id : ids) {
        JsonNode d = deployment(admin, id);
        all.set(id, d);
        done &= TERMINAL.contains(d.path("status").asText());
      }
      if (done) {
        break;
      }
      if (System.nanoTime() > deadline) {
        fail(
            "not terminal within "
                + RECOVERY.toSeconds()
                + " s of the restart: "
                + all
                + "\n"
                + ServeProcesses.output(dir));
      }
      Thread.sleep(50);
    }
    long terminal = System.nanoTime();
    System.out.printf(
        "crash recovery (%s at the kill): restart -> terminal %.2f s (serve ready after %.2f s,"
            + " then %.2f s)%n",
        atKill, (terminal - restart) / 1e9, (ready - restart) / 1e9, (terminal - ready) / 1e9);
    return all;
  }

  /**
   * The built-in template with every provisioner function replaced by the held one, in a {@code
   * Stagecoach.template.json} of its own (the file's name is the stack's, which names resources).
   */
  private static Path heldTemplate(Path dir) throws Exception {
    ObjectNode template;
    try (InputStream in = LocalCloud.class.getResourceAsStream(LocalCloud.DEFAULT_TEMPLATE)) {
      assertNotNull(in, "the built-in template is packaged");
      template = (ObjectNode) JSON.readTree(in);
    }
    int held = 0;
    for (JsonNode resource : template.path("Resources")) {
      JsonNode properties = resource.path("Properties");
      if (resource.path("Type").asText().equals("AWS::Lambda::Function")
          && properties.path("Handler").asText().endsWith(".ProvisionerHandler::handleRequest")) {
        ((ObjectNode) properties).put("Handler", HeldProvisionerHandler.HANDLER);
        ((ObjectNode) properties)
            .withObject("Environment")
            .withObject("Variables")
            .put(HeldProvisionerHandler.HOLD_DIR, dir.toString());
        held++;
      }
    }
    assertTrue(held > 0, "the template has provisioner functions");
    Path file = Files.createDirectories(dir.resolve("held")).resolve("Stagecoach.template.json");
    JSON.writeValue(file.toFile(), template);
    return file;
  }

  private static ApiClient admin(Path dir, int port) throws Exception {
    return new ApiClient(
        URI.create("http://127.0.0.1:" + port),
        Files.readString(dir.resolve("admin-token")).trim());
  }

  private static void setUp(ApiClient admin, List<String> versions) throws Exception {
    ObjectNode app = JSON.createObjectNode().put("name", "orders");
    app.putArray("pipeline").add("dev").add("prod");
    app.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    assertEquals(201, admin.send("POST", "/v1/apps", JSON.writeValueAsString(app)).status());
    assertEquals(
        201,
        admin
            .send(
                "PUT",
                "/v1/apps/orders/environments/dev",
                "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
            .status());
    for (String version : versions) {
      assertEquals(
          201,
          admin
              .send(
                  "POST",
                  "/v1/apps/orders/releases",
                  "{\"version\":\""
                      + version
                      + "\",\"artifactUri\":\"s3://artifacts/orders.zip\",\"digest\":\""
                      + LocalCloudTest.DIGEST
                      + "\"}")
              .status());
    }
  }

  private static ApiClient.Reply deploy(ApiClient admin, String version, String key) {
    return admin.send(
        "POST",
        "/v1/apps/orders/deployments",
        "{\"environment\":\"dev\",\"version\":\"" + version + "\"}",
        Map.of("Idempotency-Key", key));
  }

  private static JsonNode deployment(ApiClient admin, String id) {
    return admin.get("/v1/apps/orders/deployments/" + id).json();
  }

  private static void await(ApiClient admin, String id, Predicate<JsonNode> until, String what)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode d = deployment(admin, id);
    while (!until.test(d)) {
      if (System.nanoTime() > deadline) {
        fail("deployment " + id + " never got " + what + ": " + d);
      }
      Thread.sleep(50);
      d = deployment(admin, id);
    }
  }
}
