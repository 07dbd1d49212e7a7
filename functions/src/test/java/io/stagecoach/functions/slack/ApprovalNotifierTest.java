package io.stagecoach.functions.slack;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.ApprovalRequested;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.events.EventDetails;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.SlackReceiver;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApprovalNotifierTest {

  private static final String BOT_TOKEN = "xoxb-test-token";
  private SlackReceiver slack;
  private ApprovalNotifier notifier;
  private SlackDirectoryService directory;
  private String table;

  @BeforeEach
  void setUp() {
    table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    DynamoDbSlackDirectory store = new DynamoDbSlackDirectory(LocalDynamoDb.client(), table);
    directory = new SlackDirectoryService(store, registry);
    new RegistryService(registry).createApp(ADMIN, Fixtures.app("payments"), NOW);
    slack = new SlackReceiver();
    notifier =
        new ApprovalNotifier(
            store,
            () -> BOT_TOKEN,
            new SlackWeb(
                HttpClient.newHttpClient(), slack.apiUrl(), slack.url(), Duration.ofSeconds(5)),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    slack.close();
  }

  private static JsonNode sample() throws Exception {
    try (InputStream in =
        ApprovalNotifierTest.class.getResourceAsStream(
            "/events/stagecoach/approval-requested.json")) {
      return Json.MAPPER.readTree(in);
    }
  }

  @Test
  void sampleEvent_isWhatTheBusCarries_forAnApprovalRequested() throws Exception {
    Approval approval =
        new Approval(
            "payments:5f2c9a1b7d3e",
            "payments",
            "pr-8c1d2e3f4a5b",
            "prod",
            "1.4.2",
            new ApprovalPolicy(
                List.of(
                    new ApprovalPolicy.GroupQuorum("staff", 1),
                    new ApprovalPolicy.GroupQuorum("client", 1)),
                Duration.ofHours(24)),
            "rita",
            NOW,
            NOW.plus(Duration.ofHours(24)),
            Approval.Status.PENDING,
            List.of(),
            Optional.of("a-task-token"),
            Optional.of(DeploymentJson.plan(sample().at("/detail/plan"))),
            Optional.empty());

    assertEquals(
        sample().get("detail"),
        Json.parse(Json.write(EventDetails.detail(new ApprovalRequested(approval)))));
  }

  @Test
  void
      approvalRequested_isPostedToTheAppsChannel_asBlockKitWithApproveAndRejectButtons_withTheBotToken()
          throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);

    notifier.handle(sample());

    SlackReceiver.Call post = slack.await(SlackReceiver.Call::isPostMessage, Duration.ofSeconds(5));
    assertEquals(Optional.of("Bearer " + BOT_TOKEN), post.header("Authorization"));
    JsonNode message = Json.parse(post.body());
    assertEquals("C02RELEASES", message.get("channel").asText());
    ObjectNode expected =
        BlockKit.approvalRequested(
            new BlockKit.Approval(
                "payments:5f2c9a1b7d3e", "payments", "1.4.2", "prod", "rita", Optional.empty()),
            new BlockKit.PlanShown.Shown(DeploymentJson.plan(sample().at("/detail/plan"))),
            Optional.empty());
    assertEquals(expected.get("blocks"), message.get("blocks"));
    assertEquals("Approval requested: payments 1.4.2 to prod", message.get("text").asText());
  }

  @Test
  void theMessage_showsThePlansSummary_blastRadius_andCostDelta_andLinksToTheFullPlan()
      throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);
    ApprovalNotifier linking =
        new ApprovalNotifier(
            new DynamoDbSlackDirectory(LocalDynamoDb.client(), table),
            () -> BOT_TOKEN,
            new SlackWeb(
                HttpClient.newHttpClient(), slack.apiUrl(), slack.url(), Duration.ofSeconds(5)),
            Optional.of(URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/live/")),
            Clock.fixed(NOW, ZoneOffset.UTC));

    linking.handle(sample());

    JsonNode message =
        Json.parse(slack.await(SlackReceiver.Call::isPostMessage, Duration.ofSeconds(5)).body());
    StringBuilder all = new StringBuilder();
    for (JsonNode block : message.get("blocks")) {
      all.append(block.at("/text/text").asText()).append('\n');
      block.path("elements").forEach(e -> all.append(e.path("text").asText()).append('\n'));
    }
    String text = all.toString();
    assertTrue(text.contains("*Plan*: 0 to add, 1 to change, 1 to replace, 0 to remove"), text);
    assertTrue(
        text.contains(
            "• `-/+` *Orders* AWS::DynamoDB::Table: KeySchema requires recreation"
                + " · _data loss possible_"),
        text);
    assertTrue(text.contains("*Blast radius: HIGH*"), text);
    assertTrue(
        text.contains("• Orders (AWS::DynamoDB::Table) is replaced: data loss possible"), text);
    assertTrue(text.contains("*Cost*: USD 3.10 → 0.44 a month (-2.66)"), text);
    assertTrue(
        text.contains(
            "Full plan: <https://abc123.execute-api.eu-west-1.amazonaws.com/live/v1/approvals/"
                + "payments%3A5f2c9a1b7d3e|approval payments:5f2c9a1b7d3e>"
                + " · `stagecoach approvals get payments:5f2c9a1b7d3e`"),
        text);
  }

  @Test
  void anApprovalWithoutPlan_saysWhy() throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);
    ObjectNode event = (ObjectNode) sample();
    ObjectNode detail = (ObjectNode) event.get("detail");
    detail.remove("plan");
    detail.put("planUnavailable", "the prod provisioner could not plan: SdkClientException");

    notifier.handle(event);

    String body = slack.await(SlackReceiver.Call::isPostMessage, Duration.ofSeconds(5)).body();
    assertTrue(
        body.contains(
            "*Plan unavailable*: the prod provisioner could not plan: SdkClientException"),
        body);
  }

  @Test
  void theSameEventDeliveredTwice_isPostedOnce() throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);

    notifier.handle(sample());
    notifier.handle(sample());

    assertEquals(1, slack.calls().size());
  }

  @Test
  void anAppWithoutChannel_postsNothing() throws Exception {
    notifier.handle(sample());

    assertEquals(List.of(), slack.calls());
  }

  @Test
  void slackUnavailable_failsTheInvocation_andTheRetryPosts() throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);
    slack.answerNext(503, "text/plain", "");

    assertThrows(ApprovalNotifier.SlackUnavailable.class, () -> notifier.handle(sample()));
    notifier.handle(sample());

    assertEquals(2, slack.calls().size());
  }

  @Test
  void slackRefusingForGood_isLogged_notRetried() throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);
    slack.answerNext(200, "application/json", "{\"ok\":false,\"error\":\"not_in_channel\"}");

    notifier.handle(sample());
    notifier.handle(sample());

    assertEquals(1, slack.calls().size());
  }

  @Test
  void otherEvents_areIgnored() throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);
    ObjectNode other = (ObjectNode) sample();
    other.put("detail-type", "Approval Granted");

    notifier.handle(other);

    assertEquals(List.of(), slack.calls());
  }
}
