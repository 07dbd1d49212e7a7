package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.testing.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthesized app's event-driven path, end to end on the local cloud: HTTP in → API function →
 * PutEvents → ReleaseRegistered rule → ReleaseIntake state machine → artifact-check function (task
 * token) → SendTaskSuccess from that function → DynamoDB UpdateItem on the release.
 */
class ReleaseIntakeEndToEndTest {

  @Test
  void registeringARelease_runsTheIntake_andRecordsTheCheckOnTheRelease(@TempDir Path dir)
      throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      assertEquals(
          2,
          cloud.stateMachines().size(),
          "the template's state machines (release intake, promotion) run locally");
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      assertEquals(
          201,
          api.send("POST", "/v1/apps", "{\"name\":\"payments\",\"pipeline\":[\"dev\"]}").status());
      ApiClient.Reply registered =
          api.send(
              "POST",
              "/v1/apps/payments/releases",
              "{\"version\":\"2.0.0\",\"artifactUri\":\"s3://artifacts/payments-2.0.0.zip\",\"digest\":\""
                  + LocalCloudTest.DIGEST
                  + "\"}");
      assertEquals(201, registered.status(), registered.body());

      JsonNode release = null;
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (Instant.now().isBefore(deadline)) {
        release = api.get("/v1/apps/payments/releases/2.0.0").json();
        if (release.has("intake")) {
          break;
        }
        Thread.sleep(100);
      }
      assertNotNull(release);
      assertEquals(
          "checked",
          release.path("intake").asText(),
          "intake recorded: " + release + " dead letters: " + cloud.eventBridge().deadLetters());
      assertEquals(
          LocalCloudTest.DIGEST,
          release.get("digest").asText(),
          "the artifact itself is unchanged");
      assertTrue(cloud.eventBridge().deadLetters().isEmpty());
    }
  }
}
