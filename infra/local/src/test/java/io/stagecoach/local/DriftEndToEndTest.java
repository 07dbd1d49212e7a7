package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LocalAws;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.SlackReceiver;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Drift end to end on the local cloud, as the issue tells it: a release deployed to dev and
 * staging; dev's table deleted by hand through the DynamoDB protocol the local cloud serves (signed
 * with its key, as the AWS CLI would); the drift schedule's rule, fired now, finds dev drifted with
 * the table deleted, publishes {@code Drift Detected} and posts it to Slack; a promotion through
 * dev, whose stage blocks on drift, waits at its drift gate; redeploying the release dev runs
 * repairs it (a repair in its history), the check that follows publishes {@code Drift Resolved},
 * and the promotion goes on.
 */
class DriftEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String APP = "ledger";
  private static final String CHANNEL = "C03LEDGER";

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static SlackReceiver slack;
  private static DynamoDbClient dynamo;

  @BeforeAll
  static void start() throws Exception {
    slack = new SlackReceiver();
    cloud =
        LocalCloud.start(
            LocalCloud.Options.defaults(dir)
                .withPort(0)
                .withFunctionEnvironment(
                    Map.of(
                        "SLACK_API_URL", slack.apiUrl().toString(),
                        "SLACK_HOOKS_URL", slack.url().toString())));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
    ok(
        admin.send(
            "PUT", "/_stagecoach/secrets/stagecoach/slack/bot_token", "{\"value\":\"xoxb-1\"}"),
        204);
    // A person's AWS SDK, pointed at the local cloud and signing with the key serve wrote.
    dynamo =
        DynamoDbClient.builder()
            .endpointOverride(cloud.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(dir))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    dynamo.close();
    cloud.close();
    slack.close();
  }

  @Test
  void aTableDeletedByHand_isFoundByTheSchedule_holdsThePromotion_andARedeployRepairsIt()
      throws Exception {
    registerApp();
    deploy("1.0.0", "dev");
    JsonNode promoted = promote("1.0.0");
    awaitPromotion(promoted.path("promotionId").asText(), "succeeded");
    // Asked for now: staging is in sync (and, checked within the day, not due on the schedule).
    JsonNode checked = checkNow("staging");
    assertEquals("in_sync", checked.path("status").asText(), checked.toString());
    assertEquals("unknown", dev().path("drift").path("status").asText(), "dev never checked");

    // By hand, through the local cloud's DynamoDB protocol: dev's table goes.
    assertTrue(
        dynamo.listTables().tableNames().contains("ledger-dev-orders"),
        dynamo.listTables().tableNames().toString());
    dynamo.deleteTable(d -> d.tableName("ledger-dev-orders"));
    assertThrows(
        ResourceNotFoundException.class,
        () -> dynamo.describeTable(d -> d.tableName("ledger-dev-orders")));

    // The schedule's run (fired now, as the clock has not reached its next run) checks every
    // environment last checked a day ago or never: dev, found drifted.
    ok(admin.send("POST", "/_stagecoach/rules/" + driftRule() + "/fire", ""), 202);
    JsonNode dev =
        await(
            environment("dev"),
            e -> e.path("drift").path("status").asText().equals("drifted"),
            "dev drifted");
    JsonNode drift = dev.path("drift");
    assertEquals(1, drift.path("resources").size(), drift.toString());
    JsonNode table = drift.path("resources").get(0);
    assertEquals("Orders", table.path("logicalId").asText());
    assertEquals("AWS::DynamoDB::Table", table.path("type").asText());
    assertEquals("deleted", table.path("difference").asText());
    assertTrue(drift.has("checkedAt"), drift.toString());
    JsonNode staging = admin.get(environment("staging")).json().path("drift");
    assertEquals(checked.path("checkedAt"), staging.path("checkedAt"), "not due: " + staging);

    JsonNode detected = awaitEvent("Drift Detected", "dev");
    assertEquals("Orders", detected.at("/detail/resources/0/logicalId").asText());
    SlackReceiver.Call posted =
        slack.await(
            c -> c.isPostMessage() && c.body().contains("Drift detected"), Duration.ofSeconds(30));
    JsonNode message = JSON.readTree(posted.body());
    assertEquals(CHANNEL, message.path("channel").asText());
    assertTrue(message.path("text").asText().contains("ledger/dev"), posted.body());
    assertTrue(posted.body().contains("Orders"), posted.body());

    // 2.0.0 through the pipeline: dev blocks on drift, so the promotion waits at its drift gate.
    JsonNode eligibility = admin.get("/v1/apps/ledger/releases/2.0.0/eligibility").json();
    assertEquals(
        "drifted", gate(eligibility.path("stages"), "dev", "drift").path("state").asText());
    String waiting = promote("2.0.0").path("promotionId").asText();
    JsonNode held =
        await(
            "/v1/apps/ledger/promotions/" + waiting,
            p -> stage(p, "dev").path("status").asText().equals("waiting_for_drift"),
            "the promotion held at dev");
    JsonNode driftGate = gate(held.path("stages"), "dev", "drift");
    assertEquals("drifted", driftGate.path("state").asText(), held.toString());
    assertTrue(driftGate.path("reason").asText().contains("Orders"), driftGate.toString());
    assertEquals("1.0.0", dev().path("deployedVersion").asText(), "nothing deployed meanwhile");

    // Redeploying the release dev runs repairs it, and its history says so.
    JsonNode repair = deploy("1.0.0", "dev");
    JsonNode override = repair.path("overrides").get(0);
    assertEquals("drift", override.path("gate").asText(), repair.toString());
    assertEquals("repair", override.path("basis").asText());
    assertTrue(
        history("dev").stream()
            .anyMatch(
                d ->
                    d.path("id").asText().equals(repair.path("id").asText())
                        && d.toString().contains("\"basis\":\"repair\"")),
        "the history shows the repair");
    assertTrue(dynamo.listTables().tableNames().contains("ledger-dev-orders"), "made again");
    await(
        environment("dev"),
        e -> e.path("drift").path("status").asText().equals("in_sync"),
        "the check after the repair");
    JsonNode resolved = awaitEvent("Drift Resolved", "dev");
    assertEquals("Orders", resolved.at("/detail/previous/resources/0/logicalId").asText());
    slack.await(
        c -> c.isPostMessage() && c.body().contains("Drift resolved"), Duration.ofSeconds(30));

    // The held promotion looks again after its recheck wait (the clock moved past it): it goes on.
    ok(admin.send("POST", "/_stagecoach/clock", "{\"by\": \"360s\"}"), 200);
    JsonNode done = awaitPromotion(waiting, "succeeded");
    assertEquals(
        "passed",
        gate(done.path("stages"), "dev", "drift").path("state").asText(),
        done.toString());
    assertEquals("2.0.0", dev().path("deployedVersion").asText());
  }

  @Test
  void theLocalDynamoDbProtocol_takesOnlyRequestsSignedWithTheLocalKey() throws Exception {
    HttpResponse<String> unsigned =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(cloud.endpoint().resolve("/"))
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(403, unsigned.statusCode(), unsigned.body());
    assertTrue(unsigned.body().contains("MissingAuthenticationToken"), unsigned.body());
    assertFalse(unsigned.body().contains("TableNames"), unsigned.body());

    try (DynamoDbClient stranger =
        DynamoDbClient.builder()
            .endpointOverride(cloud.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        "AKIDSTRANGER0000000", "not-the-local-secret-at-all-000000000000")))
            .build()) {
      software.amazon.awssdk.services.dynamodb.model.DynamoDbException refused =
          assertThrows(
              software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class,
              stranger::listTables);
      assertEquals(400, refused.statusCode(), refused.getMessage());
    }
    // The local key reads the registry's own table, as an operator would inspect it.
    assertFalse(dynamo.listTables().tableNames().isEmpty());
  }

  // ------------------------------------------------------------ the app

  private static void registerApp() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", APP);
    ArrayNode pipeline = body.putArray("pipeline");
    pipeline.addObject().put("environment", "dev").put("blockOnDrift", true);
    pipeline.add("staging");
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ok(admin.send("POST", "/v1/apps", JSON.writeValueAsString(body)), 201);
    JsonNode app = admin.get("/v1/apps/" + APP).json();
    assertTrue(app.at("/pipeline/0/blockOnDrift").asBoolean(), app.toString());
    for (String env : List.of("dev", "staging")) {
      ok(
          admin.send(
              "PUT",
              "/v1/apps/" + APP + "/environments/" + env,
              "{\"tier\":\"" + env + "\",\"account\":\"111111111111\",\"region\":\"us-east-1\"}"),
          201);
    }
    for (String version : List.of("1.0.0", "2.0.0")) {
      ok(
          admin.send(
              "POST",
              "/v1/apps/" + APP + "/releases",
              "{\"version\":\""
                  + version
                  + "\",\"artifactUri\":\"s3://artifacts/ledger-"
                  + version
                  + ".zip\",\"digest\":\""
                  + Fixtures.DIGEST
                  + "\"}"),
          201);
    }
    ok(admin.send("PUT", "/v1/apps/" + APP + "/slack", "{\"channel\":\"" + CHANNEL + "\"}"), 201);
  }

  /** Deploys and waits until it succeeded; answers the deployment as it was requested. */
  private static JsonNode deploy(String version, String env) throws Exception {
    ApiClient.Reply asked =
        admin.send(
            "POST",
            "/v1/apps/" + APP + "/deployments",
            "{\"environment\":\"" + env + "\",\"version\":\"" + version + "\"}");
    ok(asked, 202);
    String id = asked.json().path("id").asText();
    await(
        "/v1/apps/" + APP + "/deployments/" + id,
        d -> d.path("status").asText().equals("succeeded"),
        "deployment " + id);
    return asked.json();
  }

  private static JsonNode promote(String version) {
    ApiClient.Reply started =
        admin.send("POST", "/v1/apps/" + APP + "/promotions", "{\"version\":\"" + version + "\"}");
    ok(started, 202);
    return started.json();
  }

  private static JsonNode awaitPromotion(String id, String status) throws Exception {
    return await(
        "/v1/apps/" + APP + "/promotions/" + id,
        p -> p.path("status").asText().equals(status),
        "promotion " + id + " " + status);
  }

  /** Asks for a check now, waits until it has run, and answers what it found. */
  private static JsonNode checkNow(String env) throws Exception {
    ApiClient.Reply asked = admin.send("POST", environment(env) + "/drift", "");
    ok(asked, 202);
    String id = asked.json().at("/check/id").asText();
    assertFalse(id.isEmpty(), asked.body());
    return await(
            environment(env),
            e -> !e.path("drift").path("checking").path("id").asText().equals(id),
            "check " + id)
        .path("drift");
  }

  private static String environment(String env) {
    return "/v1/apps/" + APP + "/environments/" + env;
  }

  private static JsonNode dev() {
    return admin.get(environment("dev")).json();
  }

  private static List<JsonNode> history(String env) {
    List<JsonNode> items = new ArrayList<>();
    admin.get(environment(env) + "/deployments").json().path("items").forEach(items::add);
    return items;
  }

  private static String driftRule() {
    for (JsonNode r : admin.get("/_stagecoach/rules").json().path("rules")) {
      if (r.path("name").asText().contains("DriftCheckSchedule")) {
        return r.path("name").asText();
      }
    }
    throw new AssertionError("no drift rule in " + admin.get("/_stagecoach/rules").body());
  }

  private static JsonNode stage(JsonNode promotion, String env) {
    for (JsonNode s : promotion.path("stages")) {
      if (s.path("environment").asText().equals(env)) {
        return s;
      }
    }
    return JSON.createObjectNode();
  }

  private static JsonNode gate(JsonNode stages, String env, String gate) {
    for (JsonNode s : stages) {
      if (s.path("environment").asText().equals(env)) {
        for (JsonNode g : s.path("gates")) {
          if (g.path("gate").asText().equals(gate)) {
            return g;
          }
        }
      }
    }
    throw new AssertionError("no " + gate + " gate at " + env + " in " + stages);
  }

  private static JsonNode awaitEvent(String detailType, String env) throws Exception {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode e : admin.get("/_stagecoach/events?after=0&limit=500").json().path("events")) {
        JsonNode event = e.path("event");
        if (event.path("detail-type").asText().equals(detailType)
            && event.at("/detail/app").asText().equals(APP)
            && event.at("/detail/environment").asText().equals(env)) {
          return event;
        }
      }
      Thread.sleep(50);
    }
    return fail(detailType + " of " + env + " was never published");
  }

  private static JsonNode await(String path, Predicate<JsonNode> until, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = admin.get(path).json();
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    return fail(
        what + " never came: " + last + "; dead letters " + cloud.eventBridge().deadLetters());
  }

  private static void ok(ApiClient.Reply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
  }
}
