package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.testing.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotions and deployments on a local cloud that misbehaves on purpose: the functions' DynamoDB
 * calls are throttled and slowed, invocations by EventBridge and Step Functions fail or time out
 * after doing their work, events arrive twice and late. Whatever the faults, no work is stuck or
 * lost, nothing is deployed twice, no promotion fails because of a transient fault, and every
 * environment ends on the newest release that succeeded there.
 */
class FaultInjectionReliabilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAN =
      "dynamodb-throttle=0.1,dynamodb-latency=0.1@20ms,function-error=0.05,function-timeout=0.05,"
          + "event-duplicate=0.3,event-delay=0.3@100ms";
  private static final List<String> APPS = List.of("alpha", "bravo", "charlie", "delta", "echo");
  private static final int PROMOTIONS_PER_APP = 10;
  private static final int DEPLOYMENTS_PER_APP = 40;
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "superseded");
  private static final String TEMPLATE =
      """
      {"Resources": {"Flag": {"Type": "AWS::SSM::Parameter",
        "Properties": {"Type": "String", "Value": "on"}}}}
      """;

  @Test
  void underInjectedFaults_nothingIsStuckLostOrDoubled_andTransientFaultsFailNothing(
      @TempDir Path dir) throws Exception {
    try (LocalCloud cloud =
        LocalCloud.start(
            LocalCloud.Options.defaults(dir).withPort(0).withFaults(FaultPlan.none()))) {
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      for (String app : APPS) {
        setUp(api, app, List.of("dev", "staging", "prod"), "1.0.", PROMOTIONS_PER_APP);
        setUp(api, app + "-sbx", List.of("dev"), "2.0.", DEPLOYMENTS_PER_APP);
      }
      ApiClient.Reply refused =
          api.send("PUT", "/_stagecoach/faults", "{\"plan\":\"function-error=2\"}");
      assertEquals(400, refused.status(), refused.body());
      assertTrue(refused.body().contains("from 0 to 1"), refused.body());
      assertEquals("", api.get("/_stagecoach/faults").json().path("plan").asText(), "unchanged");
      ApiClient.Reply set = api.send("PUT", "/_stagecoach/faults", "{\"plan\":\"" + PLAN + "\"}");
      assertEquals(200, set.status(), set.body());
      assertEquals(FaultPlan.parse(PLAN).toString(), set.json().path("plan").asText());
      long started = System.nanoTime();

      // 50 promotions: ten per app, one after another within an app, the apps side by side.
      ExecutorService lanes = Executors.newFixedThreadPool(APPS.size());
      List<Future<List<JsonNode>>> promotions = new ArrayList<>();
      for (String app : APPS) {
        promotions.add(lanes.submit(() -> promoteAll(api, app)));
      }
      List<JsonNode> ended = new ArrayList<>();
      for (Future<List<JsonNode>> lane : promotions) {
        ended.addAll(lane.get());
      }
      // 200 deployments: forty into the dev environment of each of five other apps, all at once.
      List<Future<String>> requests = new ArrayList<>();
      for (String app : APPS) {
        for (int i = 1; i <= DEPLOYMENTS_PER_APP; i++) {
          String version = "2.0." + i;
          requests.add(
              lanes.submit(
                  () -> {
                    ApiClient.Reply r =
                        deploy(api, app + "-sbx", version, "d-" + app + "-" + version);
                    assertEquals(202, r.status(), r.body());
                    String id = r.json().path("id").asText();
                    assertFalse(id.isEmpty(), r.body());
                    return id;
                  }));
        }
      }
      List<String> deploymentIds = new ArrayList<>();
      for (Future<String> r : requests) {
        deploymentIds.add(r.get());
      }
      lanes.shutdown();
      Map<String, JsonNode> histories = new TreeMap<>();
      for (String app : APPS) {
        histories.put(app, awaitAllTerminal(api, app + "-sbx", "dev", DEPLOYMENTS_PER_APP, cloud));
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      // No promotion failed, whatever the transient faults; each ended on its own.
      Map<String, Integer> outcomes = new TreeMap<>();
      for (JsonNode p : ended) {
        outcomes.merge(p.path("status").asText(), 1, Integer::sum);
        assertEquals("succeeded", p.path("status").asText(), p.toString());
      }
      assertEquals(APPS.size() * PROMOTIONS_PER_APP, ended.size());

      // Every deployment ended, each once; none failed; the environment runs the newest succeeded.
      Map<String, Integer> deploymentOutcomes = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : histories.entrySet()) {
        String newestSucceeded = null;
        int newest = -1;
        Set<String> ids = new java.util.HashSet<>();
        for (JsonNode d : e.getValue()) {
          String status = d.path("status").asText();
          deploymentOutcomes.merge(status, 1, Integer::sum);
          assertTrue(ids.add(d.path("id").asText()), "listed once: " + d);
          assertNotEquals("failed", status, d.toString());
          int patch = Integer.parseInt(d.path("version").asText().substring("2.0.".length()));
          if (status.equals("succeeded") && patch > newest) {
            newest = patch;
            newestSucceeded = d.path("version").asText();
          }
        }
        JsonNode env = api.get("/v1/apps/" + e.getKey() + "-sbx/environments/dev").json();
        assertEquals(newestSucceeded, env.path("deployedVersion").asText(), env.toString());
        // Every pipeline environment ends on the last promoted release.
        for (String stage : List.of("dev", "staging", "prod")) {
          assertEquals(
              "1.0." + PROMOTIONS_PER_APP,
              api.get("/v1/apps/" + e.getKey() + "/environments/" + stage)
                  .json()
                  .path("deployedVersion")
                  .asText(),
              e.getKey() + "/" + stage);
        }
        // Nothing was provisioned twice: the one parameter was planned as new exactly once in the
        // environment's history, however often its events came.
        int adds = 0;
        for (JsonNode d : e.getValue()) {
          adds += d.path("plan").path("summary").path("adds").asInt();
        }
        assertEquals(1, adds, e.getKey() + ": the parameter was made once");
      }
      assertEquals(APPS.size() * DEPLOYMENTS_PER_APP, deploymentIds.size());
      assertEquals(
          deploymentIds.size(), deploymentIds.stream().distinct().count(), "one id per request");

      Map<FaultPlan.Kind, Long> injected = cloud.faults().orElseThrow().injected();
      System.out.printf(
          "fault injection: %d promotions %s, %d deployments %s, in %.1f s; faults injected %s;"
              + " dead letters %d%n",
          ended.size(),
          outcomes,
          deploymentIds.size(),
          deploymentOutcomes,
          seconds,
          injected,
          cloud.eventBridge().deadLetters().size());
      for (FaultPlan.Kind kind : FaultPlan.Kind.values()) {
        assertTrue(injected.get(kind) > 0, "some " + kind.key() + " faults were injected");
      }
    }
  }

  private static void setUp(
      ApiClient api, String app, List<String> pipeline, String prefix, int releases)
      throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", app);
    pipeline.forEach(body.putArray("pipeline")::add);
    body.putObject("template").set("body", JSON.readTree(TEMPLATE));
    ApiClient.Reply created = api.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    for (String env : pipeline) {
      ApiClient.Reply made =
          api.send(
              "PUT",
              "/v1/apps/" + app + "/environments/" + env,
              "{\"tier\":\"" + env + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
      assertEquals(201, made.status(), made.body());
    }
    for (int i = 1; i <= releases; i++) {
      String version = prefix + i;
      ApiClient.Reply registered =
          api.send(
              "POST",
              "/v1/apps/" + app + "/releases",
              "{\"version\":\""
                  + version
                  + "\",\"artifactUri\":\"s3://artifacts/"
                  + version
                  + ".zip\",\"digest\":\""
                  + LocalCloudTest.DIGEST
                  + "\"}");
      assertEquals(201, registered.status(), registered.body());
    }
  }

  private static List<JsonNode> promoteAll(ApiClient api, String app) throws Exception {
    List<JsonNode> ended = new ArrayList<>();
    for (int i = 1; i <= PROMOTIONS_PER_APP; i++) {
      ApiClient.Reply started =
          api.send("POST", "/v1/apps/" + app + "/promotions", "{\"version\":\"1.0." + i + "\"}");
      assertEquals(202, started.status(), started.body());
      String id = started.json().path("promotionId").asText();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      JsonNode p = null;
      while (Instant.now().isBefore(deadline)) {
        p = api.get("/v1/apps/" + app + "/promotions/" + id).json();
        if (!p.path("status").asText().equals("running")) {
          break;
        }
        Thread.sleep(50);
      }
      assertNotEquals("running", p.path("status").asText(), "promotion stuck: " + p);
      ended.add(p);
    }
    return ended;
  }

  private static ApiClient.Reply deploy(ApiClient api, String app, String version, String key) {
    return api.send(
        "POST",
        "/v1/apps/" + app + "/deployments",
        "{\"environment\":\"dev\",\"version\":\"" + version + "\"}",
        Map.of("Idempotency-Key", key));
  }

  private static JsonNode awaitAllTerminal(
      ApiClient api, String app, String env, int expected, LocalCloud cloud) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    JsonNode items = null;
    while (Instant.now().isBefore(deadline)) {
      items =
          api.get("/v1/apps/" + app + "/environments/" + env + "/deployments?limit=100")
              .json()
              .path("items");
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
            + " deployments of "
            + app
            + " ended: "
            + items
            + "; dead letters "
            + cloud.eventBridge().deadLetters());
    return items;
  }
}
