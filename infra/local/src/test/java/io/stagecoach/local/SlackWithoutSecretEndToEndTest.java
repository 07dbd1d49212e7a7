package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.functions.slack.SlackRequestSignature;
import io.stagecoach.local.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before the operator sets the Slack signing secret, nothing Slack sends can be verified: every
 * Slack request is refused with 401, as an unsigned one is, and the log says why.
 */
class SlackWithoutSecretEndToEndTest {

  @Test
  void slackRequests_areRefused401_andTheLogSaysTheSecretIsMissing(@TempDir Path dir)
      throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
        LogCapture log = new LogCapture()) {
      String body = "team_id=T1&user_id=U1&command=%2Fstagecoach&text=help&trigger_id=t1";
      String timestamp = Long.toString(Instant.now().getEpochSecond());
      for (String path : new String[] {"/slack/commands", "/slack/interactions"}) {
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(cloud.endpoint() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Slack-Request-Timestamp", timestamp)
                        .header(
                            "X-Slack-Signature",
                            new SlackRequestSignature("a-guess").sign(timestamp, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode(), path + ": " + response.body());
      }
      assertTrue(
          log.text().contains("the Slack signing secret is not set"),
          "the log says why: " + log.text());
    }
  }
}
