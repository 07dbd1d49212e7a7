package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments when delivery misbehaves, on the local cloud: every event twice and out of order; a
 * provisioner that throws; a crowd of concurrent requests for one environment.
 */
class DeploymentReliabilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "superseded");

  private static void setUp(ApiClient api, String app, String template, List<String> versions)
      throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", app);
    body.putArray("pipeline").add("dev").add("prod");
    body.putObject("template").set("body", JSON.readTree(template));
    assertEquals(201, api.send("POST", "/v1/apps", JSON.writeValueAsString(body)).status());
    assertEquals(
        201,
        api.send(
                "PUT",
                "/v1/apps/" + app + "/environments/dev",
                "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
            .status());
    for (String version : versions) {
      assertEquals(
          201,
          api.send(
                  "POST",
                  "/v1/apps/" + app + "/releases",
                  "{\"version\":\""
                      + version
                      + "\",\"artifactUri\":\"s3://artifacts/"
                      + version
                      + ".zip\",\"digest\":\""
                      + LocalCloudTest.DIGEST
                      + "\"}")
              .status());
    }
  }

  private static ApiClient.Reply deploy(ApiClient api, String app, String version, String key) {
    return api.send(
        "POST",
        "/v1/apps/" + app + "/deployments",
        "{\"environment\":\"dev\",\"version\":\"" + version + "\"}",
        Map.of("Idempotency-Key", key));
  }

  private static JsonNode history(ApiClient api, String app) {
    return api.get("/v1/apps/" + app + "/environments/dev/deployments?limit=100")
        .json()
        .path("items");
  }

  private static JsonNode awaitAllTerminal(
      ApiClient api, String app, int expected, LocalCloud cloud) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode items = null;
    while (Instant.now().isBefore(deadline)) {
      items = history(api, app);
      boolean done = items.size() == expected;
      for (JsonNode d : items) {
        done &= TERMINAL.contains(d.path("status").asText());
      }
      if (done) {
        return items;
      }
      Thread.sleep(100);
    }
    fail(
        "not all "
            + expected
            + " deployments ended: "
            + items
            + "; dead letters "
            + cloud.eventBridge().deadLetters());
    return items;
  }

  @Test
  void everyEventDeliveredTwiceAndOutOfOrder_provisionsEachDeploymentOnce_andNeverGoesBackwards(
      @TempDir Path dir) throws Exception {
    try (LocalCloud cloud =
        LocalCloud.start(
            LocalCloud.Options.defaults(dir).withPort(0).withDuplicateDelivery(true))) {
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      List<String> versions = List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0");
      setUp(api, "orders", Fixtures.ORDERS_TEMPLATE, versions);

      // Watch what the environment runs while the deployments go on: it may only ever move forward.
      List<String> seen = new ArrayList<>();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (watching.get()) {
                      String v =
                          api.get("/v1/apps/orders/environments/dev")
                              .json()
                              .path("deployedVersion")
                              .asText("");
                      if (!v.isEmpty()
                          && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(v))) {
                        seen.add(v);
                      }
                    }
                  });
      for (String version : versions) {
        assertEquals(202, deploy(api, "orders", version, "k-" + version).status());
      }
      JsonNode items = awaitAllTerminal(api, "orders", versions.size(), cloud);
      // Duplicates may still be in flight: give them time to arrive and be refused.
      Thread.sleep(1500);
      watching.set(false);
      watcher.join();

      JsonNode env = api.get("/v1/apps/orders/environments/dev").json();
      assertEquals(
          "1.4.0", env.path("deployedVersion").asText(), "the newest request wins: " + items);
      for (JsonNode d : history(api, "orders")) {
        assertTrue(TERMINAL.contains(d.path("status").asText()), d.toString());
        assertEquals(0, d.path("attempts").asInt(), "no run failed: " + d);
      }
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(
            versions.indexOf(seen.get(i)) > versions.indexOf(seen.get(i - 1)),
            "the deployed version went backwards: " + seen);
      }
      // The provisioner made the one table once: a second run of a deployment would have found it
      // anyway,
      // so check the lease did its work through the recorded plans instead: one add in all of
      // history.
      int adds = 0;
      for (JsonNode d : history(api, "orders")) {
        adds += d.path("plan").path("summary").path("adds").asInt();
      }
      assertEquals(2, adds, "the table and the parameter were planned as new exactly once");
      assertTrue(
          cloud.eventBridge().deadLetters().isEmpty(),
          cloud.eventBridge().deadLetters().toString());
    }
  }

  @Test
  void
      aProvisionerThatThrows_failsTheDeploymentWithItsReason_afterItsRetries_andLeavesTheEnvironmentAsItWas(
          @TempDir Path dir) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      setUp(api, "orders", Fixtures.ORDERS_TEMPLATE, List.of("1.0.0", "1.1.0"));
      assertEquals(202, deploy(api, "orders", "1.0.0", "good").status());
      awaitAllTerminal(api, "orders", 1, cloud);

      // A key that names an attribute the table does not define: DynamoDB refuses to create the
      // table, so
      // the provisioner throws on every attempt.
      ObjectNode broken = (ObjectNode) JSON.readTree(Fixtures.ORDERS_TEMPLATE);
      broken
          .withObject("Resources")
          .set(
              "Broken",
              JSON.readTree(
                  """
          {"Type": "AWS::DynamoDB::Table", "Properties": {
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "missing", "KeyType": "HASH"}]}}"""));
      JsonNode app = api.get("/v1/apps/orders").json();
      ObjectNode put = JSON.createObjectNode();
      put.set("pipeline", app.path("pipeline"));
      put.putObject("template").set("body", broken);
      assertEquals(200, api.send("PUT", "/v1/apps/orders", JSON.writeValueAsString(put)).status());
      // Releases registered before the change keep their template revision: a new one takes the
      // broken template.
      assertEquals(
          201,
          api.send(
                  "POST",
                  "/v1/apps/orders/releases",
                  "{\"version\":\"1.2.0\",\"artifactUri\":\"s3://artifacts/1.2.0.zip\","
                      + "\"digest\":\""
                      + LocalCloudTest.DIGEST
                      + "\"}")
              .status());

      String id = deploy(api, "orders", "1.2.0", "bad").json().path("id").asText();
      JsonNode failed = null;
      for (JsonNode d : awaitAllTerminal(api, "orders", 2, cloud)) {
        if (d.path("id").asText().equals(id)) {
          failed = d;
        }
      }
      assertNotNull(failed);
      assertEquals("failed", failed.path("status").asText(), failed.toString());
      assertEquals(3, failed.path("attempts").asInt(), "retried per policy: " + failed);
      assertTrue(
          failed.path("reason").asText().contains("the provisioner failed"), failed.toString());
      assertTrue(failed.path("reason").asText().contains("after 3 attempts"), failed.toString());

      JsonNode env = api.get("/v1/apps/orders/environments/dev").json();
      assertEquals(
          "1.0.0",
          env.path("deployedVersion").asText(),
          "the environment keeps its last good release");
      assertTrue(cloud.dynamo().client().listTables().tableNames().contains("orders-dev-orders"));
    }
  }

  @Test
  void
      hundredConcurrentRequestsWithTwentyKeys_makeTwentyDeployments_oneProvisioningAtATime_allEnded(
          @TempDir Path dir) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      setUp(api, "orders", Fixtures.ORDERS_TEMPLATE, List.of("1.0.0", "1.1.0"));

      AtomicInteger maxProvisioning = new AtomicInteger();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread watcher =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (watching.get()) {
                      int now = 0;
                      for (JsonNode d : history(api, "orders")) {
                        now += d.path("status").asText().equals("provisioning") ? 1 : 0;
                      }
                      maxProvisioning.accumulateAndGet(now, Math::max);
                    }
                  });
      Map<String, Set<String>> idsByKey = new ConcurrentHashMap<>();
      ExecutorService clients = Executors.newFixedThreadPool(16);
      List<Future<ApiClient.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String key = "key-" + (i % 20);
        String version = (i % 20) % 2 == 0 ? "1.0.0" : "1.1.0";
        replies.add(
            clients.submit(
                () -> {
                  ApiClient.Reply r = deploy(api, "orders", version, key);
                  if (r.status() == 202) {
                    idsByKey
                        .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
                        .add(r.json().path("id").asText());
                  }
                  return r;
                }));
      }
      for (Future<ApiClient.Reply> f : replies) {
        assertEquals(202, f.get().status(), f.get().body());
      }
      clients.shutdown();
      JsonNode items = awaitAllTerminal(api, "orders", 20, cloud);
      watching.set(false);
      watcher.join();

      assertEquals(20, idsByKey.size());
      Set<String> ids = new HashSet<>();
      idsByKey
          .values()
          .forEach(
              s -> {
                assertEquals(1, s.size(), "one key, one deployment");
                ids.addAll(s);
              });
      Set<String> recorded = new HashSet<>();
      items.forEach(d -> recorded.add(d.path("id").asText()));
      assertEquals(ids, recorded, "exactly the 20 deployments, none lost");
      assertTrue(
          maxProvisioning.get() <= 1,
          "at most one provisioning at a time, saw " + maxProvisioning.get());
      int succeeded = 0;
      for (JsonNode d : items) {
        succeeded += d.path("status").asText().equals("succeeded") ? 1 : 0;
        assertNotEquals("failed", d.path("status").asText(), d.toString());
      }
      assertTrue(succeeded >= 1);
      assertTrue(
          cloud.eventBridge().deadLetters().isEmpty(),
          cloud.eventBridge().deadLetters().toString());
    }
  }
}
