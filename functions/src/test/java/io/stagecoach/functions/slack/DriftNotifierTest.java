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

/**
 * Drift Detected and Drift Resolved are posted to their app's Slack channel, once each, saying
 * which resources differ and how.
 */
class DriftNotifierTest {

  private SlackReceiver slack;
  private DriftNotifier notifier;
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
        new DriftNotifier(
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
        DriftNotifierTest.class.getResourceAsStream("/events/stagecoach/" + name + ".json")) {
      return Json.MAPPER.readTree(in);
    }
  }

  @Test
  void detectedAndResolved_arePostedToTheAppsChannel_onceEach_resourceByResource()
      throws Exception {
    directory.setChannel(ADMIN, "payments", "C02RELEASES", NOW);

    notifier.handle(sample("drift-detected"));
    notifier.handle(sample("drift-detected"));
    notifier.handle(sample("drift-resolved"));

    List<SlackReceiver.Call> posts = slack.calls();
    assertEquals(2, posts.size(), "a repeated delivery posts nothing more");
    JsonNode detected = Json.parse(posts.get(0).body());
    assertEquals("C02RELEASES", detected.get("channel").asText());
    assertEquals(
        "Drift detected: payments/dev no longer matches its last deployment (checked at"
            + " 2026-12-05T03:00:04Z): 2 resources differ. Redeploying the release it runs repairs"
            + " it.",
        detected.get("text").asText());
    String lines = detected.at("/blocks/1/text/text").asText();
    assertTrue(lines.contains("LedgerTable (AWS::DynamoDB::Table) deleted"), lines);
    assertTrue(
        lines.contains("LogLevel (AWS::SSM::Parameter) modified; /Value: info → debug"), lines);
    String resolved = Json.parse(posts.get(1).body()).get("text").asText();
    assertTrue(
        resolved.startsWith("Drift resolved: payments/dev matches its last deployment again"),
        resolved);
  }

  @Test
  void anAppWithoutChannel_postsNothing() throws Exception {
    notifier.handle(sample("drift-detected"));
    assertEquals(List.of(), slack.calls());
  }
}
