package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.slack.SlackRequestSignature;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.SlackReceiver;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry warnings end to end on the local cloud, from the synthesized template: the reaper's rule
 * (fired through the admin route) publishes {@code Environment Expiring} for environments inside
 * the 1 h lead time, the Slack notifier posts it to the owner by direct message when their Slack
 * account is linked (else to the app's channel) with Extend 24 h and Destroy now buttons, and a
 * signed click on Extend 24 h moves the expiry through the same rules as the API.
 */
class ExpiryWarningEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIGNING_SECRET = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
  private static final String BOT_TOKEN = "xoxb-local-expiry-token";
  private static final String TEAM = "T01STAGE";
  private static final String CHANNEL = "C03SHOP";
  private static final String PAT = "U07PAT";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;
  private static SlackReceiver slack;

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
    for (Map.Entry<String, String> secret :
        Map.of(
                "stagecoach/slack/signing_secret", SIGNING_SECRET,
                "stagecoach/slack/bot_token", BOT_TOKEN)
            .entrySet()) {
      ObjectNode value = JSON.createObjectNode().put("value", secret.getValue());
      assertEquals(
          204,
          admin.send("PUT", "/_stagecoach/secrets/" + secret.getKey(), value.toString()).status());
    }
    ObjectNode link = JSON.createObjectNode().put("principal", "pat");
    link.putArray("roles").add("deployer");
    assertEquals(
        201,
        admin.send("PUT", "/v1/slack/teams/" + TEAM + "/users/" + PAT, link.toString()).status());
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
    slack.close();
  }

  private static void ok(ApiClient.Reply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
  }

  private static String ephemeral(String owner, Instant expiresAt) {
    return JSON.createObjectNode()
        .put("kind", "ephemeral")
        .put("account", "111111111111")
        .put("region", "eu-west-1")
        .put("owner", owner)
        .put("expiresAt", expiresAt.toString())
        .toString();
  }

  private static String reaperRule() {
    for (JsonNode r : admin.get("/_stagecoach/rules").json().path("rules")) {
      if (r.path("name").asText().contains("ReaperSchedule")) {
        return r.path("name").asText();
      }
    }
    throw new AssertionError("no reaper rule in " + admin.get("/_stagecoach/rules").body());
  }

  /** The form body Slack posts when {@code user} clicks {@code button}; its response URL path. */
  private static String[] click(String user, JsonNode button) throws Exception {
    ObjectNode payload = JSON.createObjectNode().put("type", "block_actions");
    payload.putObject("user").put("id", user).put("username", "pat").put("team_id", TEAM);
    payload.putObject("team").put("id", TEAM);
    payload
        .putObject("container")
        .put("type", "message")
        .put("message_ts", "1700000000.000200")
        .put("channel_id", "D01PATDM");
    payload.put("response_url", "https://hooks.slack.com/actions/" + TEAM + "/77/expiry");
    payload.put("trigger_id", "7065743211234.77.abcdef");
    ObjectNode action = button.deepCopy();
    action.put("block_id", "b77").put("action_ts", "1700000050.000077");
    payload.putArray("actions").add(action);
    return new String[] {
      "payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8),
      "/actions/" + TEAM + "/77/expiry"
    };
  }

  private static int signedPost(String path, String body) throws Exception {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    HttpRequest request =
        HttpRequest.newBuilder(cloud.endpoint().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-Slack-Request-Timestamp", timestamp)
            .header(
                "X-Slack-Signature",
                new SlackRequestSignature(SIGNING_SECRET).sign(timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void anEnvironmentInsideTheOneHourLeadTime_warnsItsOwnerInSlack_andExtend24hMovesItsExpiry()
      throws Exception {
    ObjectNode app = JSON.createObjectNode().put("name", "shop");
    app.putArray("pipeline").add("dev");
    app.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ok(admin.send("POST", "/v1/apps", app.toString()), 201);
    ok(admin.send("PUT", "/v1/apps/shop/slack", "{\"channel\":\"" + CHANNEL + "\"}"), 201);
    Instant expiry = Instant.now().plus(Duration.ofMinutes(50)).truncatedTo(ChronoUnit.MILLIS);
    ok(admin.send("PUT", "/v1/apps/shop/environments/pr-9", ephemeral("pat", expiry)), 201);
    ok(
        admin.send(
            "PUT",
            "/v1/apps/shop/environments/pr-10",
            ephemeral("nobody@example.com", expiry.plusSeconds(60))),
        201);

    ok(admin.send("POST", "/_stagecoach/rules/" + reaperRule() + "/fire", ""), 202);

    // Pat's Slack account is linked: a direct message (channel = Pat's member id).
    SlackReceiver.Call posted =
        slack.await(
            c -> c.isPostMessage() && c.body().contains("shop/pr-9"), Duration.ofSeconds(60));
    assertEquals("Bearer " + BOT_TOKEN, posted.header("Authorization").orElse(""));
    JsonNode message = JSON.readTree(posted.body());
    assertEquals(PAT, message.path("channel").asText(), posted.body());
    assertEquals("Environment shop/pr-9 expires at " + expiry, message.path("text").asText());
    JsonNode buttons = message.path("blocks").get(2).path("elements");
    assertEquals("environment.extend", buttons.get(0).path("action_id").asText());
    assertEquals("Extend 24 h", buttons.get(0).path("text").path("text").asText());
    assertEquals("environment.destroy", buttons.get(1).path("action_id").asText());
    assertEquals("Destroy now", buttons.get(1).path("text").path("text").asText());
    assertEquals("shop/pr-9", buttons.get(0).path("value").asText());

    // The owner of pr-10 has no linked account: the app's channel is told.
    SlackReceiver.Call toChannel =
        slack.await(
            c -> c.isPostMessage() && c.body().contains("shop/pr-10"), Duration.ofSeconds(60));
    assertEquals(CHANNEL, JSON.readTree(toChannel.body()).path("channel").asText());

    String[] click = click(PAT, buttons.get(0));
    assertEquals(200, signedPost("/slack/interactions", click[0]));
    JsonNode replaced =
        JSON.readTree(slack.await(c -> c.path().equals(click[1]), Duration.ofSeconds(30)).body());
    assertTrue(replaced.path("replace_original").asBoolean(), replaced.toString());
    Instant extended = expiry.plus(Duration.ofHours(24));
    assertEquals(
        "shop/pr-9 extended by pat: it now expires at " + extended, replaced.path("text").asText());
    assertEquals(
        extended.toString(),
        admin.get("/v1/apps/shop/environments/pr-9").json().path("expiresAt").asText());
  }
}
