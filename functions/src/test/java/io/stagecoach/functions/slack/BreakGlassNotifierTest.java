package io.stagecoach.functions.slack;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.SlackReceiver;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A break-glass asked for, and confirmed, is posted to its app's Slack channel, once each. */
class BreakGlassNotifierTest {

  private SlackReceiver slack;
  private BreakGlassNotifier notifier;
  private SlackDirectoryService directory;

  @BeforeEach
  void setUp() {
    String table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    DynamoDbSlackDirectory store = new DynamoDbSlackDirectory(LocalDynamoDb.client(), table);
    directory = new SlackDirectoryService(store, registry);
    new RegistryService(registry).createApp(ADMIN, Fixtures.app("payments"), NOW);
    slack = new SlackReceiver();
    notifier =
        new BreakGlassNotifier(
            store,
            () -> "xoxb-test-token",
            new SlackWeb(
                HttpClient.newHttpClient(), slack.apiUrl(), slack.url(), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    slack.close();
  }

  private static JsonNode sample(String name) throws Exception {
    try (InputStream in =
        BreakGlassNotifierTest.class.getResourceAsStream("/events/stagecoach/" + name + ".json")) {
      return Json.MAPPER.readTree(in);
    }
  }

  @Test
  void aRequestAndItsConfirmation_arePostedToTheAppsChannel_onceEach() throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);

    notifier.handle(sample("break-glass-requested"));
    notifier.handle(sample("break-glass-requested"));
    notifier.handle(sample("break-glass-confirmed"));

    List<SlackReceiver.Call> posts = slack.calls();
    assertEquals(2, posts.size(), "a repeated delivery posts nothing more");
    String asked = Json.parse(posts.get(0).body()).get("text").asText();
    assertEquals("C02RELEASES", Json.parse(posts.get(0).body()).get("channel").asText());
    assertTrue(
        asked.startsWith(
            "Break-glass bg-4a7c0e91b2d3 asked by alice: deploy 1.4.3 into payments/prod past the"
                + " freeze (hotfix for incident 42"),
        asked);
    assertTrue(asked.contains("POST /v1/break-glass/bg-4a7c0e91b2d3 before"), asked);
    String confirmed = Json.parse(posts.get(1).body()).get("text").asText();
    assertTrue(
        confirmed.startsWith("Break-glass bg-4a7c0e91b2d3 confirmed by bob: deploy 1.4.3"),
        confirmed);
    assertTrue(confirmed.contains("deployment d-8f3e1c0a9b7d6e5f4a3b"), confirmed);
  }

  @Test
  void aPromotionsBreakGlass_namesItsStagesAndTheGateItGoesPastInEach_andThePromotion()
      throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);

    notifier.handle(sample("break-glass-requested-promote"));
    notifier.handle(sample("break-glass-confirmed-promote"));

    List<SlackReceiver.Call> posts = slack.calls();
    assertEquals(2, posts.size());
    String asked = Json.parse(posts.get(0).body()).get("text").asText();
    assertTrue(
        asked.startsWith(
            "Break-glass bg-5b8d1f02c3e4 asked by alice: promote 1.4.3 through payments/staging,"
                + " payments/prod past the freeze of payments/staging and the window of"
                + " payments/prod (hotfix for incident 42"),
        asked);
    String confirmed = Json.parse(posts.get(1).body()).get("text").asText();
    assertTrue(
        confirmed.startsWith(
            "Break-glass bg-5b8d1f02c3e4 confirmed by bob: promote 1.4.3 through payments/staging,"),
        confirmed);
    assertTrue(confirmed.endsWith("; promotion pr-bg-5b8d1f02c3e4)"), confirmed);
    assertFalse(confirmed.contains("deployment"), confirmed);
  }

  @Test
  void anAppWithoutChannel_postsNothing() throws Exception {
    notifier.handle(sample("break-glass-confirmed"));
    assertEquals(List.of(), slack.calls());
  }
}
