package io.stagecoach.local.secretsmanager;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretsManagerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "stagecoach/slack/signing_secret";

  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

  private LocalSecretsManager store() {
    return new LocalSecretsManager(
        dir.resolve("secrets"),
        Set.of(NAME, "stagecoach/slack/bot_token"),
        "us-east-1",
        "000000000000",
        Clock.fixed(NOW, ZoneOffset.UTC));
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
  void describeSecret_ofASecretNeverRotated_hasNoRotationFields_andNeverTheValue()
      throws Exception {
    LocalSecretsManager store = store();
    RawResponse created =
        get(
            store,
            "secretsmanager.CreateSecret",
            "{\"Name\":\"payments/db\",\"SecretString\":\"s3cr3t\"}");
    assertEquals(200, created.status(), created.bodyText());
    assertEquals(store.arn("payments/db"), JSON.readTree(created.bodyText()).path("ARN").asText());

    RawResponse described =
        get(
            store,
            "secretsmanager.DescribeSecret",
            "{\"SecretId\":\"" + store.arn("payments/db") + "\"}");

    assertEquals(200, described.status(), described.bodyText());
    JsonNode answer = JSON.readTree(described.bodyText());
    assertEquals("payments/db", answer.path("Name").asText());
    assertFalse(answer.has("RotationEnabled"), "left out until rotation is set up, as on AWS");
    assertFalse(answer.has("NextRotationDate"));
    assertTrue(answer.path("LastChangedDate").isNumber(), "dates are epoch seconds on the wire");
    assertFalse(described.bodyText().contains("s3cr3t"));
    assertEquals(
        400,
        get(
                store,
                "secretsmanager.CreateSecret",
                "{\"Name\":\"payments/db\",\"SecretString\":\"x\"}")
            .status(),
        "ResourceExistsException");
  }

  @Test
  void rotateSecret_keepsItsRules_andDescribeSecretShowsThem_withTheLastAndNextRotation()
      throws Exception {
    LocalSecretsManager store = store();
    store.put("payments/db", "s3cr3t");

    RawResponse rotated =
        get(
            store,
            "secretsmanager.RotateSecret",
            "{\"SecretId\":\"payments/db\",\"RotationRules\":{\"AutomaticallyAfterDays\":30},"
                + "\"RotationLambdaARN\":\"arn:aws:lambda:us-east-1:000000000000:function:rotate\"}");
    assertEquals(200, rotated.status(), rotated.bodyText());

    JsonNode answer =
        JSON.readTree(
            get(store, "secretsmanager.DescribeSecret", "{\"SecretId\":\"payments/db\"}")
                .bodyText());
    assertTrue(answer.path("RotationEnabled").asBoolean());
    assertEquals(30, answer.at("/RotationRules/AutomaticallyAfterDays").asInt());
    assertEquals(NOW.getEpochSecond(), answer.path("LastRotatedDate").asLong());
    assertEquals(
        NOW.plus(Duration.ofDays(30)).getEpochSecond(), answer.path("NextRotationDate").asLong());
    assertEquals(
        "arn:aws:lambda:us-east-1:000000000000:function:rotate",
        answer.path("RotationLambdaARN").asText());

    assertEquals(
        200,
        get(store, "secretsmanager.CancelRotateSecret", "{\"SecretId\":\"payments/db\"}").status());
    JsonNode cancelled =
        JSON.readTree(
            get(store, "secretsmanager.DescribeSecret", "{\"SecretId\":\"payments/db\"}")
                .bodyText());
    assertFalse(cancelled.path("RotationEnabled").asBoolean());
    assertEquals(
        30, cancelled.at("/RotationRules/AutomaticallyAfterDays").asInt(), "rules are kept");
    assertFalse(cancelled.has("NextRotationDate"), "nothing is planned once rotation is off");
    assertEquals(
        Map.of("payments/db", true, NAME, false, "stagecoach/slack/bot_token", false),
        store.names(),
        "rotation settings are not listed as secrets");
  }

  @Test
  void describeAndRotate_ofAnUnknownSecret_orWithBadRules_areRefused() throws Exception {
    LocalSecretsManager store = store();
    RawResponse unknown =
        get(store, "secretsmanager.DescribeSecret", "{\"SecretId\":\"nobody/knows\"}");
    assertEquals(400, unknown.status());
    assertEquals(
        "ResourceNotFoundException", JSON.readTree(unknown.bodyText()).path("__type").asText());
    store.put("payments/db", "s3cr3t");
    for (String rules :
        List.of("{\"AutomaticallyAfterDays\":0}", "{\"AutomaticallyAfterDays\":\"x\"}")) {
      RawResponse bad =
          get(
              store,
              "secretsmanager.RotateSecret",
              "{\"SecretId\":\"payments/db\",\"RotationRules\":" + rules + "}");
      assertEquals(400, bad.status(), rules);
      assertEquals(
          "InvalidParameterException", JSON.readTree(bad.bodyText()).path("__type").asText());
    }
    RawResponse noRules =
        get(store, "secretsmanager.RotateSecret", "{\"SecretId\":\"payments/db\"}");
    assertEquals(400, noRules.status(), "the first rotation names its rules");
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
