package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.slack.SlackRequestSignature;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LogCapture;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.SlackReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack end to end on the local cloud, from the synthesized template: signed requests to the REST
 * API's {@code /slack/commands} and {@code /slack/interactions}, the webhook function reading its
 * signing secret from the local secret store, slow commands finished by its own asynchronous
 * invocation, the notifier posting approval requests with the bot token, and everything Slack would
 * receive arriving at a local receiver.
 */
class SlackEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String BOT_TOKEN = "xoxb-local-test-token";
  private static final String TEAM = "T01STAGE";
  private static final String CHANNEL = "C02RELEASES";
  private static final String RITA = "U01RITA";
  private static final String SAM = "U02SAM";
  private static final AtomicInteger REQUESTS = new AtomicInteger();

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static SlackReceiver slack;
  private static LogCapture log;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    log = new LogCapture();
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
    setSecret("stagecoach/slack/signing_secret", SIGNING_SECRET);
    setSecret("stagecoach/slack/bot_token", BOT_TOKEN);
    link(RITA, "rita", "deployer", "staff");
    link(SAM, "sam", "viewer", "staff");
  }

  @AfterAll
  static void stop() throws Exception {
    String adminToken = cloud.adminToken();
    cloud.close();
    slack.close();
    log.close();
    theLogOfTheRun_showsNoSecretAndNoToken(log.text(), adminToken);
  }

  /**
   * Everything the functions and the local cloud logged while the tests above signed requests,
   * posted with the bot token and called the API with the admin token.
   */
  private static void theLogOfTheRun_showsNoSecretAndNoToken(String logged, String adminToken) {
    assertFalse(logged.isBlank(), "nothing was logged, so nothing was checked");
    assertTrue(logged.contains("\"message\":\"Slack command\""), logged);
    assertTrue(logged.contains("\"AWSRequestId\":"), "no line carries a request id: " + logged);
    assertFalse(adminToken.isBlank());
    for (String secret : List.of(adminToken, SIGNING_SECRET, BOT_TOKEN)) {
      assertFalse(logged.contains(secret), "the log shows a secret or a token");
    }
  }

  private static void setSecret(String name, String value) {
    ApiClient.Reply set =
        admin.send("PUT", "/_stagecoach/secrets/" + name, "{\"value\":\"" + value + "\"}");
    assertEquals(204, set.status(), set.body());
  }

  private static void link(String user, String principal, String role, String group) {
    ApiClient.Reply linked =
        admin.send(
            "PUT",
            "/v1/slack/teams/" + TEAM + "/users/" + user,
            "{\"principal\":\""
                + principal
                + "\",\"roles\":[\""
                + role
                + "\"],\"groups\":[\""
                + group
                + "\"]}");
    assertEquals(201, linked.status(), linked.body());
  }

  /**
   * {@code app}: dev, then prod (1 of staff approves), with release 1.0.0 and its approvals posted
   * to #releases.
   */
  private static void registerApp(String app) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", app);
    ArrayNode pipeline = body.putArray("pipeline");
    pipeline.add("dev");
    pipeline
        .addObject()
        .put("environment", "prod")
        .putObject("approval")
        .put("timeoutSeconds", 600)
        .putArray("groups")
        .addObject()
        .put("group", "staff")
        .put("min", 1);
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ApiClient.Reply created = admin.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    for (String env : List.of("dev", "prod")) {
      ApiClient.Reply put =
          admin.send(
              "PUT",
              "/v1/apps/" + app + "/environments/" + env,
              "{\"tier\":\"" + env + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
      assertEquals(201, put.status(), put.body());
    }
    ApiClient.Reply release =
        admin.send(
            "POST",
            "/v1/apps/" + app + "/releases",
            "{\"version\":\"1.0.0\","
                + "\"artifactUri\":\"s3://artifacts/"
                + app
                + "-1.0.0.zip\",\"digest\":\""
                + LocalCloudTest.DIGEST
                + "\"}");
    assertEquals(201, release.status(), release.body());
    ApiClient.Reply channel =
        admin.send("PUT", "/v1/apps/" + app + "/slack", "{\"channel\":\"" + CHANNEL + "\"}");
    assertEquals(201, channel.status(), channel.body());
  }

  // ------------------------------------------------------------ Slack's side

  private record Sent(int status, String contentType, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /**
   * The form body of {@code /stagecoach <text>} typed by {@code user}; its response URL is unique.
   */
  private static String command(String user, String text) {
    int n = REQUESTS.incrementAndGet();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("token", "legacy-verification-token");
    fields.put("team_id", TEAM);
    fields.put("team_domain", "stagecoach-demo");
    fields.put("channel_id", CHANNEL);
    fields.put("channel_name", "releases");
    fields.put("user_id", user);
    fields.put("user_name", user.toLowerCase(java.util.Locale.ROOT));
    fields.put("command", "/stagecoach");
    fields.put("text", text);
    fields.put("response_url", "https://hooks.slack.com/commands/" + TEAM + "/" + n + "/c" + n);
    fields.put("trigger_id", "7065743211234." + n + ".abcdef0123456789");
    fields.put("api_app_id", "A05STAGECOACH");
    StringJoiner body = new StringJoiner("&");
    fields.forEach((k, v) -> body.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
  }

  private static String responsePath(String body) {
    for (String field : body.split("&")) {
      if (field.startsWith("response_url=")) {
        return URI.create(java.net.URLDecoder.decode(field.substring(13), StandardCharsets.UTF_8))
            .getPath();
      }
    }
    throw new AssertionError("no response_url in " + body);
  }

  private static Sent post(String path, String body, Map<String, String> slackHeaders)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(cloud.endpoint().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    slackHeaders.forEach(request::header);
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Sent(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body());
  }

  private static Map<String, String> signature(String secret, Instant at, String body) {
    String timestamp = Long.toString(at.getEpochSecond());
    return Map.of(
        "X-Slack-Request-Timestamp",
        timestamp,
        "X-Slack-Signature",
        new SlackRequestSignature(secret).sign(timestamp, body));
  }

  private static Sent signed(String path, String body) throws Exception {
    return post(path, body, signature(SIGNING_SECRET, Instant.now(), body));
  }

  private static JsonNode awaitJson(String path, Predicate<JsonNode> until, String what)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = admin.get(path).json();
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    fail(what + " did not happen: " + last + "; dead letters " + cloud.eventBridge().deadLetters());
    return last;
  }

  /** The actions block of a message: its buttons. */
  private static JsonNode actions(JsonNode message) {
    for (JsonNode block : message.path("blocks")) {
      if (block.path("type").asText().equals("actions")) {
        return block;
      }
    }
    fail("no actions block in " + message);
    return null;
  }

  /** Every text of a message's blocks (sections and contexts), one per line. */
  private static String texts(JsonNode message) {
    StringBuilder all = new StringBuilder();
    for (JsonNode block : message.path("blocks")) {
      all.append(block.at("/text/text").asText()).append('\n');
      block.path("elements").forEach(e -> all.append(e.path("text").asText()).append('\n'));
    }
    return all.toString();
  }

  /**
   * r1: a ledger table keyed by id, the log level and the release version as SSM parameters. r2:
   * the table renamed, keyed by entryId and provisioned (a replacement), the log level's default
   * changed (a property change).
   */
  static final String LEDGER_R1 =
      """
      {"Parameters": {"LOG_LEVEL": {"Type": "String", "Default": "info"},
                      "ReleaseVersion": {"Type": "String"}},
       "Resources": {
         "Ledger": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "ledger",
           "BillingMode": "PAY_PER_REQUEST",
           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
           "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
         "Level": {"Type": "AWS::SSM::Parameter",
           "Properties": {"Type": "String", "Value": {"Ref": "LOG_LEVEL"}}},
         "Version": {"Type": "AWS::SSM::Parameter",
           "Properties": {"Type": "String", "Value": {"Ref": "ReleaseVersion"}}}},
       "Outputs": {"LedgerTable": {"Value": {"Ref": "Ledger"}}}}""";

  static final String LEDGER_R2 =
      """
      {"Parameters": {"LOG_LEVEL": {"Type": "String", "Default": "warn"},
                      "ReleaseVersion": {"Type": "String"}},
       "Resources": {
         "Ledger": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "ledger-v2",
           "BillingMode": "PROVISIONED",
           "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
           "AttributeDefinitions": [{"AttributeName": "entryId", "AttributeType": "S"}],
           "KeySchema": [{"AttributeName": "entryId", "KeyType": "HASH"}]}},
         "Level": {"Type": "AWS::SSM::Parameter",
           "Properties": {"Type": "String", "Value": {"Ref": "LOG_LEVEL"}}},
         "Version": {"Type": "AWS::SSM::Parameter",
           "Properties": {"Type": "String", "Value": {"Ref": "ReleaseVersion"}}}},
       "Outputs": {"LedgerTable": {"Value": {"Ref": "Ledger"}}}}""";

  private static ObjectNode ledgerApp(String app, String template) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", app);
    ArrayNode pipeline = body.putArray("pipeline");
    pipeline.add("dev");
    pipeline
        .addObject()
        .put("environment", "prod")
        .putObject("approval")
        .put("timeoutSeconds", 600)
        .putArray("groups")
        .addObject()
        .put("group", "staff")
        .put("min", 1);
    body.putObject("template").set("body", JSON.readTree(template));
    return body;
  }

  private static void release(String app, String version) {
    ApiClient.Reply release =
        admin.send(
            "POST",
            "/v1/apps/" + app + "/releases",
            "{\"version\":\""
                + version
                + "\",\"artifactUri\":\"s3://artifacts/"
                + app
                + "-"
                + version
                + ".zip\",\"digest\":\""
                + LocalCloudTest.DIGEST
                + "\"}");
    assertEquals(201, release.status(), release.body());
  }

  private static JsonNode change(JsonNode plan, String logicalId) {
    for (JsonNode c : plan.path("changes")) {
      if (c.path("logicalId").asText().equals(logicalId)) {
        return c;
      }
    }
    fail(logicalId + " is not in the plan " + plan);
    return null;
  }

  private static JsonNode property(JsonNode change, String path) {
    for (JsonNode p : change.path("properties")) {
      if (p.path("path").asText().equals(path)) {
        return p;
      }
    }
    fail(path + " is not among the changed properties " + change);
    return null;
  }

  /**
   * The plan of r1 to r2 as every surface shows it: the table replaced (data loss possible) for the
   * properties that require it, the log level changed in place, the parameters, a high blast
   * radius, and the cost from 0.44 to 3.10 a month.
   */
  private static void assertLedgerR1ToR2(JsonNode plan) {
    JsonNode ledger = change(plan, "Ledger");
    assertEquals("replace", ledger.path("action").asText(), plan.toString());
    assertEquals(
        "AttributeDefinitions, KeySchema, TableName require recreation",
        ledger.path("replacementReason").asText());
    assertEquals("ledger", property(ledger, "TableName").path("before").asText());
    assertEquals("ledger-v2", property(ledger, "TableName").path("after").asText());
    assertEquals("always", property(ledger, "TableName").path("requiresRecreation").asText());
    assertEquals("never", property(ledger, "BillingMode").path("requiresRecreation").asText());
    JsonNode level = change(plan, "Level");
    assertEquals("modify", level.path("action").asText());
    assertEquals("info", property(level, "Value").path("before").asText());
    assertEquals("warn", property(level, "Value").path("after").asText());
    assertEquals(
        "[{\"name\":\"LOG_LEVEL\",\"before\":\"info\",\"after\":\"warn\",\"source\":\"default\"},"
            + "{\"name\":\"ReleaseVersion\",\"before\":\"1.0.0\",\"after\":\"2.0.0\","
            + "\"source\":\"release\"}]",
        plan.path("parameters").toString());
    JsonNode radius = plan.path("blastRadius");
    assertEquals("high", radius.path("level").asText(), radius.toString());
    assertEquals(
        "Ledger (AWS::DynamoDB::Table) is replaced: data loss possible",
        radius.path("reasons").path(0).asText());
    assertTrue(radius.path("touched").path(0).path("dataLossPossible").asBoolean());
    JsonNode cost = plan.path("cost");
    assertEquals(0.44, cost.path("monthlyBefore").asDouble(), 0.001, cost.toString());
    assertEquals(3.10, cost.path("monthlyAfter").asDouble(), 0.001);
    assertEquals(2.66, cost.path("delta").asDouble(), 0.001);
    assertEquals("us-east-1", cost.at("/prices/region").asText());
    assertTrue(cost.path("caveats").toString().contains("eu-west-1"), cost.toString());
  }

  @Test
  void
      aTemplateChange_isPlannedPropertyByProperty_withBlastRadiusAndCost_inTheDiffTheDeploymentAndTheProdApproval()
          throws Exception {
    String app = "ledger";
    ApiClient.Reply created =
        admin.send("POST", "/v1/apps", JSON.writeValueAsString(ledgerApp(app, LEDGER_R1)));
    assertEquals(201, created.status(), created.body());
    for (String env : List.of("dev", "prod")) {
      ApiClient.Reply put =
          admin.send(
              "PUT",
              "/v1/apps/" + app + "/environments/" + env,
              "{\"tier\":\"" + env + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
      assertEquals(201, put.status(), put.body());
    }
    assertEquals(
        201,
        admin
            .send("PUT", "/v1/apps/" + app + "/slack", "{\"channel\":\"" + CHANNEL + "\"}")
            .status());
    release(app, "1.0.0");
    ApiClient sam = admin.as(samsToken());

    // 1.0.0 (r1) through dev to prod; prod's first approval plans everything as added.
    String first = promotion(app, "1.0.0");
    JsonNode firstApproval = awaitApproval(app, first);
    assertEquals("add", change(firstApproval.path("plan"), "Ledger").path("action").asText());
    assertEquals("prod", firstApproval.at("/plan/blastRadius/tier").asText());
    decide(sam, firstApproval.path("approvalId").asText(), "approve");
    awaitJson(
        "/v1/apps/" + app + "/environments/prod",
        e -> e.path("deployedVersion").asText().equals("1.0.0"),
        "1.0.0 in prod");

    // r2 and 2.0.0.
    ObjectNode r2 = ledgerApp(app, LEDGER_R2);
    ApiClient.Reply changed = admin.send("PUT", "/v1/apps/" + app, JSON.writeValueAsString(r2));
    assertEquals(200, changed.status(), changed.body());
    release(app, "2.0.0");

    // The diff of dev.
    ApiClient.Reply diff = admin.get("/v1/apps/" + app + "/environments/dev/diff?version=2.0.0");
    assertEquals(200, diff.status(), diff.body());
    assertLedgerR1ToR2(diff.json());

    // The deployment record of 2.0.0 in dev keeps the same plan.
    ApiClient.Reply deploy =
        admin.send(
            "POST",
            "/v1/apps/" + app + "/deployments",
            "{\"environment\":\"dev\",\"version\":\"2.0.0\"}");
    assertEquals(202, deploy.status(), deploy.body());
    JsonNode deployed =
        awaitJson(
            "/v1/apps/" + app + "/deployments/" + deploy.json().path("id").asText(),
            d -> d.path("status").asText().equals("succeeded"),
            "the deploy of 2.0.0 to dev");
    assertLedgerR1ToR2(deployed.path("plan"));
    assertEquals(
        List.of("prod"),
        JSON.convertValue(deployed.at("/plan/blastRadius/laterStages"), List.class));

    // The prod approval of 2.0.0: in the API, and in the message posted to Slack.
    String second = promotion(app, "2.0.0");
    JsonNode approval = awaitApproval(app, second);
    String approvalId = approval.path("approvalId").asText();
    assertLedgerR1ToR2(approval.path("plan"));
    assertTrue(
        approval.at("/plan/blastRadius/reasons").toString().contains("prod-tier, protected"),
        approval.toString());
    SlackReceiver.Call posted =
        slack.await(
            c -> c.isPostMessage() && c.body().contains(app + " 2.0.0 to prod"),
            Duration.ofSeconds(60));
    String text = texts(JSON.readTree(posted.body()));
    assertTrue(text.contains("*Plan*: 0 to add, 2 to change, 1 to replace, 0 to remove"), text);
    assertTrue(
        text.contains(
            "• `-/+` *Ledger* AWS::DynamoDB::Table: AttributeDefinitions, KeySchema, TableName"
                + " require recreation · _data loss possible_"),
        text);
    assertTrue(text.contains("*Blast radius: HIGH*"), text);
    assertTrue(text.contains("*Cost*: USD 0.44 → 3.10 a month (+2.66)"), text);
    String link =
        cloud.endpoint().toString().replaceAll("/$", "")
            + "/v1/approvals/"
            + URLEncoder.encode(approvalId, StandardCharsets.UTF_8);
    assertTrue(text.contains("Full plan: <" + link + "|approval " + approvalId + ">"), text);
    // The link leads to the full plan (with a token, as every route but Slack's).
    JsonNode followed = admin.get(URI.create(link).getRawPath()).json();
    assertLedgerR1ToR2(followed.path("plan"));

    assertEquals("rejected", decide(sam, approvalId, "reject").path("status").asText());
  }

  private static String samsToken() {
    ApiClient.Reply r =
        admin.send(
            "POST",
            "/v1/tokens",
            "{\"principal\":\"sam-api\",\"roles\":[\"viewer\"],\"groups\":[\"staff\"]}");
    assertEquals(201, r.status(), r.body());
    return r.json().path("token").asText();
  }

  private static String promotion(String app, String version) {
    ApiClient.Reply r =
        admin.send("POST", "/v1/apps/" + app + "/promotions", "{\"version\":\"" + version + "\"}");
    assertEquals(202, r.status(), r.body());
    return r.json().path("promotionId").asText();
  }

  /** The approval the promotion waits for, as GET /v1/approvals/{id} shows it. */
  private static JsonNode awaitApproval(String app, String promotionId) throws Exception {
    JsonNode waiting =
        awaitJson(
            "/v1/apps/" + app + "/promotions/" + promotionId,
            p -> p.path("pendingApprovals").size() > 0,
            "the prod approval of " + promotionId);
    String id = waiting.path("pendingApprovals").path(0).path("approvalId").asText();
    ApiClient.Reply approval = admin.get("/v1/approvals/" + id);
    assertEquals(200, approval.status(), approval.body());
    return approval.json();
  }

  private static JsonNode decide(ApiClient as, String approvalId, String decision) {
    ApiClient.Reply r =
        as.send("POST", "/v1/approvals/" + approvalId, "{\"decision\":\"" + decision + "\"}");
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  // ------------------------------------------------------------ tests

  @Test
  void unsignedStaleOrWronglySignedRequests_areAnswered401_andChangeNothing() throws Exception {
    registerApp("guarded");
    String body = command(RITA, "deploy guarded 1.0.0 to dev");
    List<Map<String, String>> refused =
        List.of(
            Map.of(),
            signature(SIGNING_SECRET, Instant.now().minus(Duration.ofMinutes(6)), body),
            signature("not-the-signing-secret", Instant.now(), body),
            Map.of(
                "X-Slack-Request-Timestamp",
                Long.toString(Instant.now().getEpochSecond()),
                "X-Slack-Signature",
                "v0=" + "0".repeat(64)));

    for (Map<String, String> headers : refused) {
      for (String route : List.of("/slack/commands", "/slack/interactions")) {
        Sent sent = post(route, body, headers);
        assertEquals(401, sent.status(), route + " " + headers + ": " + sent.body());
        assertEquals("application/problem+json", sent.contentType());
        assertEquals("unauthorized", sent.json().path("code").asText());
      }
    }

    Thread.sleep(500);
    assertEquals(
        0, admin.get("/v1/apps/guarded/environments/dev/deployments").json().path("items").size());
    assertFalse(admin.get("/v1/apps/guarded/environments/dev").json().has("deployedVersion"));
    assertTrue(
        slack.calls().stream().noneMatch(c -> c.path().equals(responsePath(body))),
        "nothing was answered");
  }

  @Test
  void signedDeployCommand_isAcknowledgedAtOnce_deploysEndToEnd_andAnswersThroughTheResponseUrl()
      throws Exception {
    registerApp("shop");
    String body = command(RITA, "deploy shop 1.0.0 to dev");

    Sent ack = signed("/slack/commands", body);

    assertEquals(200, ack.status(), ack.body());
    assertEquals("ephemeral", ack.json().path("response_type").asText());
    assertTrue(
        ack.json()
            .path("text")
            .asText()
            .startsWith("Working on it: /stagecoach deploy shop 1.0.0 to dev"),
        ack.body());
    SlackReceiver.Call answer =
        slack.await(c -> c.path().equals(responsePath(body)), Duration.ofSeconds(30));
    JsonNode reply = JSON.readTree(answer.body());
    assertEquals("in_channel", reply.path("response_type").asText());
    assertTrue(
        reply
            .path("text")
            .asText()
            .startsWith("rita is deploying shop 1.0.0 to dev (deployment d-"),
        answer.body());

    JsonNode dev =
        awaitJson(
            "/v1/apps/shop/environments/dev",
            env -> env.has("deployedVersion"),
            "the deploy to dev");
    assertEquals("1.0.0", dev.path("deployedVersion").asText());
    JsonNode history = admin.get("/v1/apps/shop/environments/dev/deployments").json().path("items");
    assertEquals(1, history.size());
    assertEquals("rita", history.get(0).path("requestedBy").asText());
    assertEquals("succeeded", history.get(0).path("status").asText());
  }

  @Test
  void unknownCommand_isAnsweredWithTheHelpText() throws Exception {
    Sent sent = signed("/slack/commands", command(SAM, "launch rockets"));

    assertEquals(200, sent.status(), sent.body());
    String text = sent.json().path("text").asText();
    assertTrue(text.startsWith("Stagecoach has no command 'launch'."), text);
    assertTrue(text.contains("Stagecoach commands:\n/stagecoach envs APP"), text);
    assertTrue(text.contains("/stagecoach promote APP VERSION [to ENV]"), text);
  }

  @Test
  void anUnlinkedSlackUser_isToldSo_andNothingHappens() throws Exception {
    registerApp("locked");
    String body = command("U09STRANGER", "freeze locked prod");

    Sent sent = signed("/slack/commands", body);

    assertEquals(200, sent.status(), sent.body());
    assertEquals("ephemeral", sent.json().path("response_type").asText());
    assertTrue(
        sent.json().path("text").asText().contains("is not linked to a Stagecoach principal"),
        sent.body());
    assertFalse(admin.get("/v1/apps/locked/environments/prod").json().has("frozen"));
  }

  @Test
  void
      promotionReachingAnApproval_postsBlockKitToTheChannel_andASignedClickApproves_butNotTheRequesters()
          throws Exception {
    registerApp("store");
    Sent ack = signed("/slack/commands", command(RITA, "promote store 1.0.0"));
    assertEquals(200, ack.status(), ack.body());

    // The promotion deploys dev, then waits at prod's approval, which the notifier posts with the
    // bot token.
    SlackReceiver.Call posted =
        slack.await(
            c -> c.isPostMessage() && c.body().contains("store 1.0.0 to prod"),
            Duration.ofSeconds(60));
    assertEquals("Bearer " + BOT_TOKEN, posted.header("Authorization").orElse(""));
    JsonNode message = JSON.readTree(posted.body());
    assertEquals(CHANNEL, message.path("channel").asText());
    assertEquals("Approval requested: store 1.0.0 to prod", message.path("text").asText());
    JsonNode buttons = actions(message).path("elements");
    assertEquals("approval.approve", buttons.get(0).path("action_id").asText());
    assertEquals("approval.reject", buttons.get(1).path("action_id").asText());
    String approvalId = buttons.get(0).path("value").asText();
    assertEquals(
        "pending", admin.get("/v1/approvals/" + approvalId).json().path("status").asText());

    // Rita asked for the promotion: her click is refused, and the message stays as it is.
    Click ritasClick = click(RITA, buttons.get(0));
    assertEquals(200, signed("/slack/interactions", ritasClick.body()).status());
    JsonNode refusal =
        JSON.readTree(
            slack
                .await(c -> c.path().equals(ritasClick.responsePath()), Duration.ofSeconds(10))
                .body());
    assertTrue(
        refusal.path("text").asText().startsWith("Refused (self_approval)"), refusal.toString());
    assertFalse(refusal.path("replace_original").asBoolean());
    assertEquals(
        "pending", admin.get("/v1/approvals/" + approvalId).json().path("status").asText());

    // Sam may approve: the approval is granted, the message replaced, and the promotion reaches
    // prod.
    Click samsClick = click(SAM, buttons.get(0));
    assertEquals(200, signed("/slack/interactions", samsClick.body()).status());
    JsonNode decided =
        JSON.readTree(
            slack
                .await(c -> c.path().equals(samsClick.responsePath()), Duration.ofSeconds(10))
                .body());
    assertTrue(decided.path("replace_original").asBoolean());
    assertEquals("Approved: store 1.0.0 to prod", decided.path("text").asText());
    assertTrue(
        decided
            .path("blocks")
            .get(0)
            .path("text")
            .path("text")
            .asText()
            .startsWith("*Approved* by <@" + SAM + ">"));
    assertEquals(
        "approved", admin.get("/v1/approvals/" + approvalId).json().path("status").asText());

    JsonNode prod =
        awaitJson(
            "/v1/apps/store/environments/prod",
            env -> env.has("deployedVersion"),
            "the deploy to prod");
    assertEquals("1.0.0", prod.path("deployedVersion").asText());
    assertEquals(
        1,
        slack.calls().stream()
            .filter(c -> c.isPostMessage() && c.body().contains("store 1.0.0 to prod"))
            .count(),
        "the approval request was posted once");
  }

  @Test
  void localSecrets_areKeptOwnerOnly_andListedWithoutTheirValues() throws Exception {
    ApiClient.Reply listed = admin.get("/_stagecoach/secrets");

    assertEquals(200, listed.status(), listed.body());
    assertFalse(
        listed.body().contains(SIGNING_SECRET) || listed.body().contains(BOT_TOKEN), listed.body());
    JsonNode secrets = listed.json().path("secrets");
    assertEquals(2, secrets.size(), listed.body());
    secrets.forEach(s -> assertTrue(s.path("set").asBoolean(), s.toString()));
    Path file =
        dir.resolve("secrets")
            .resolve(URLEncoder.encode("stagecoach/slack/signing_secret", StandardCharsets.UTF_8));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(401, new ApiClient(cloud.endpoint(), null).get("/_stagecoach/secrets").status());
  }

  /** A click as Slack posts it, and the path of its response URL. */
  private record Click(String body, String responsePath) {}

  /** The form body Slack posts when {@code user} clicks {@code button} of the approval message. */
  private static Click click(String user, JsonNode button) throws Exception {
    int n = REQUESTS.incrementAndGet();
    ObjectNode payload = JSON.createObjectNode().put("type", "block_actions");
    payload
        .putObject("user")
        .put("id", user)
        .put("username", user.toLowerCase(java.util.Locale.ROOT))
        .put("team_id", TEAM);
    payload.put("api_app_id", "A05STAGECOACH");
    payload
        .putObject("container")
        .put("type", "message")
        .put("message_ts", "1700000000.000100")
        .put("channel_id", CHANNEL)
        .put("is_ephemeral", false);
    payload.put("trigger_id", "7065743211234." + n + ".fedcba9876543210");
    payload.putObject("team").put("id", TEAM).put("domain", "stagecoach-demo");
    payload.putObject("channel").put("id", CHANNEL).put("name", "releases");
    payload.put("response_url", "https://hooks.slack.com/actions/" + TEAM + "/" + n + "/a" + n);
    ObjectNode action = button.deepCopy();
    action.put("block_id", "b" + n).put("action_ts", "1700000050.000" + n);
    payload.putArray("actions").add(action);
    return new Click(
        "payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8),
        "/actions/" + TEAM + "/" + n + "/a" + n);
  }
}
