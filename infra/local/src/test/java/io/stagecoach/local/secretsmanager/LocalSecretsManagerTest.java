package io.stagecoach.local.secretsmanager;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretsManagerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "stagecoach/slack/signing_secret";

  @TempDir Path dir;

  private LocalSecretsManager store() {
    return new LocalSecretsManager(
        dir.resolve("secrets"),
        Set.of(NAME, "stagecoach/slack/bot_token"),
        "us-east-1",
        "000000000000");
  }

  private static RawResponse get(LocalSecretsManager store, String target, String body) {
    return store.handle(
        new RawRequest(
            "POST",
            "/",
            List.of(
                Map.entry("X-Amz-Target", target),
                Map.entry("Content-Type", "application/x-amz-json-1.1")),
            body.getBytes(StandardCharsets.UTF_8),
            "127.0.0.1"));
  }

  @Test
  void getSecretValue_answersTheValueSet_byNameOrByArn() throws Exception {
    LocalSecretsManager store = store();
    store.put(NAME, "s3cr3t");

    for (String id : List.of(NAME, store.arn(NAME))) {
      RawResponse response =
          get(store, "secretsmanager.GetSecretValue", "{\"SecretId\":\"" + id + "\"}");
      assertEquals(200, response.status(), response.bodyText());
      JsonNode answer = JSON.readTree(response.bodyText());
      assertEquals("s3cr3t", answer.path("SecretString").asText());
      assertEquals(NAME, answer.path("Name").asText());
      assertEquals(store.arn(NAME), answer.path("ARN").asText());
      assertEquals("AWSCURRENT", answer.path("VersionStages").get(0).asText());
    }
  }

  @Test
  void aDeclaredSecretNobodySet_andAnUnknownOne_areNotFound() throws Exception {
    RawResponse unset =
        get(store(), "secretsmanager.GetSecretValue", "{\"SecretId\":\"" + NAME + "\"}");
    assertEquals(400, unset.status());
    assertEquals(
        "ResourceNotFoundException", JSON.readTree(unset.bodyText()).path("__type").asText());
    assertTrue(unset.bodyText().contains("PUT /_stagecoach/secrets/" + NAME), unset.bodyText());

    RawResponse unknown =
        get(store(), "secretsmanager.GetSecretValue", "{\"SecretId\":\"nobody/knows\"}");
    assertEquals(
        "ResourceNotFoundException", JSON.readTree(unknown.bodyText()).path("__type").asText());
  }

  @Test
  void otherOperations_areRefused_withoutRevealingValues() throws Exception {
    LocalSecretsManager store = store();
    store.put(NAME, "s3cr3t");

    RawResponse list = get(store, "secretsmanager.ListSecrets", "{}");

    assertEquals(400, list.status());
    assertEquals(
        "UnknownOperationException", JSON.readTree(list.bodyText()).path("__type").asText());
    assertFalse(list.bodyText().contains("s3cr3t"));
  }

  @Test
  void valuesAreKeptOwnerOnly_andNamesAreListedWithoutValues() throws Exception {
    LocalSecretsManager store = store();
    store.put(NAME, "s3cr3t");
    store.put(NAME, "rotated");

    Path file = dir.resolve("secrets").resolve("stagecoach%2Fslack%2Fsigning_secret");
    assertEquals("rotated", Files.readString(file));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(Map.of(NAME, true, "stagecoach/slack/bot_token", false), store.names());
  }

  @Test
  void namesThatWouldLeaveTheStore_areRefused() {
    for (String name : List.of(".", "..", "", "a b", "x".repeat(513))) {
      assertFalse(LocalSecretsManager.isValidName(name), name);
    }
    assertThrows(IllegalArgumentException.class, () -> store().put("..", "x"));
    assertTrue(LocalSecretsManager.isValidName("stagecoach/slack/bot_token"));
  }
}
