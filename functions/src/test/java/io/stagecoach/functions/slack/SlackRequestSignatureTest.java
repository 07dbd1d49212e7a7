package io.stagecoach.functions.slack;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.functions.slack.SlackRequestSignature.Verdict;
import io.stagecoach.testing.Conformance;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SlackRequestSignatureTest {

  // The example Slack documents (also in conformance/slack/signing-v0.json).
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String TIMESTAMP = "1531420618";
  private static final Instant SIGNED_AT = Instant.ofEpochSecond(1531420618L);
  private static final String BODY =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
          + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
          + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
          + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  private static final String SIGNATURE =
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  private final SlackRequestSignature slack = new SlackRequestSignature(SECRET);

  static Stream<Arguments> conformanceVectors() throws Exception {
    Path file = Conformance.folder("slack").resolve("signing-v0.json");
    JsonNode vectors = new ObjectMapper().readTree(file.toFile()).get("vectors");
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode v : vectors) {
      cases.add(Arguments.of(v.get("name").asText(), v));
    }
    assertEquals(4, cases.size(), "signing-v0.json has four vectors");
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conformanceVectors")
  void verify_agreesWithEveryRecordedVector(String name, JsonNode vector) {
    SlackRequestSignature verifier =
        new SlackRequestSignature(vector.get("signingSecret").asText());
    String timestamp = vector.get("timestamp").isNull() ? null : vector.get("timestamp").asText();
    JsonNode header =
        vector.has("expectedSignature")
            ? vector.get("expectedSignature")
            : vector.get("headerSignature");
    String signature = header.isNull() ? null : header.asText();
    // The README: a clock fixed at the signing time, except for the expiry vector, judged by the
    // real clock.
    Instant now = name.equals("expired-timestamp") ? Instant.now() : SIGNED_AT;

    Verdict verdict = verifier.verify(timestamp, signature, vector.get("body").asText(), now);

    assertEquals(vector.get("valid").asBoolean(), verdict.isAuthentic(), name + " gave " + verdict);
    Verdict expected =
        switch (name) {
          case "slack-docs-official-example" -> Verdict.AUTHENTIC;
          case "tampered-body" -> Verdict.BAD_SIGNATURE;
          case "expired-timestamp" -> Verdict.STALE;
          case "missing-headers" -> Verdict.MISSING_HEADER;
          default -> fail("a vector this test does not know: " + name);
        };
    assertEquals(expected, verdict, name);
    if (vector.has("baseString") && vector.has("expectedSignature")) {
      assertEquals(
          vector.get("baseString").asText(), "v0:" + timestamp + ":" + vector.get("body").asText());
      assertEquals(signature, verifier.sign(timestamp, vector.get("body").asText()));
    }
  }

  @Test
  void sign_givesTheSignatureSlackDocuments() {
    assertEquals(SIGNATURE, slack.sign(TIMESTAMP, BODY));
  }

  @Test
  void verify_acceptsTheDocumentedRequest_atItsSigningTime() {
    assertEquals(Verdict.AUTHENTIC, slack.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT));
  }

  @Test
  void verify_acceptsARequestExactlyFiveMinutesOldOrAhead() {
    assertEquals(
        Verdict.AUTHENTIC, slack.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT.plusSeconds(300)));
    assertEquals(
        Verdict.AUTHENTIC, slack.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT.minusSeconds(300)));
  }

  @Test
  void verify_refusesARequestOlderThanFiveMinutes() {
    assertEquals(
        Verdict.STALE, slack.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT.plusSeconds(301)));
  }

  @Test
  void verify_refusesARequestFromMoreThanFiveMinutesInTheFuture() {
    assertEquals(
        Verdict.STALE, slack.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT.minusSeconds(301)));
  }

  @Test
  void verify_refusesAReplayOfAValidRequestAnHourLater() {
    assertEquals(
        Verdict.STALE, slack.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT.plusSeconds(3600)));
  }

  @Test
  void verify_refusesARequestSignedWithAnotherSecret() {
    SlackRequestSignature other = new SlackRequestSignature("another-secret");
    assertEquals(Verdict.BAD_SIGNATURE, other.verify(TIMESTAMP, SIGNATURE, BODY, SIGNED_AT));
  }

  @Test
  void verify_refusesATamperedBody() {
    String tampered = BODY.replace("text=&", "text=deploy+payments&");
    assertEquals(Verdict.BAD_SIGNATURE, slack.verify(TIMESTAMP, SIGNATURE, tampered, SIGNED_AT));
  }

  @Test
  void verify_refusesATimestampThatDiffersFromTheSignedOne_evenInsideTheWindow() {
    String moved = String.valueOf(SIGNED_AT.getEpochSecond() + 1);
    assertEquals(Verdict.BAD_SIGNATURE, slack.verify(moved, SIGNATURE, BODY, SIGNED_AT));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc",
        "1531420618.5",
        "-1531420618",
        "+1531420618",
        " 1531420618",
        "1e9",
        "١٥٣١٤٢٠٦١٨",
        "99999999999999999999999"
      })
  void verify_refusesATimestampThatIsNotWholeEpochSeconds(String timestamp) {
    assertEquals(Verdict.MALFORMED_TIMESTAMP, slack.verify(timestamp, SIGNATURE, BODY, SIGNED_AT));
  }

  @Test
  void verify_refusesAMissingOrEmptyHeader() {
    assertEquals(Verdict.MISSING_HEADER, slack.verify(null, SIGNATURE, BODY, SIGNED_AT));
    assertEquals(Verdict.MISSING_HEADER, slack.verify(TIMESTAMP, null, BODY, SIGNED_AT));
    assertEquals(Verdict.MISSING_HEADER, slack.verify("", SIGNATURE, BODY, SIGNED_AT));
    assertEquals(Verdict.MISSING_HEADER, slack.verify(TIMESTAMP, "", BODY, SIGNED_AT));
  }

  @Test
  void verify_refusesTheSignatureWithoutItsVersionPrefix() {
    assertEquals(
        Verdict.BAD_SIGNATURE, slack.verify(TIMESTAMP, SIGNATURE.substring(3), BODY, SIGNED_AT));
    assertEquals(
        Verdict.BAD_SIGNATURE,
        slack.verify(TIMESTAMP, "v1=" + SIGNATURE.substring(3), BODY, SIGNED_AT));
  }

  @Test
  void verify_refusesUppercaseHex_becauseSlackSendsLowercaseAndTheHeaderIsComparedAsSent() {
    String upper = "v0=" + SIGNATURE.substring(3).toUpperCase(java.util.Locale.ROOT);
    assertEquals(Verdict.BAD_SIGNATURE, slack.verify(TIMESTAMP, upper, BODY, SIGNED_AT));
  }

  @Test
  void verify_refusesATruncatedOrExtendedSignature() {
    assertEquals(
        Verdict.BAD_SIGNATURE,
        slack.verify(TIMESTAMP, SIGNATURE.substring(0, 40), BODY, SIGNED_AT));
    assertEquals(Verdict.BAD_SIGNATURE, slack.verify(TIMESTAMP, SIGNATURE + "00", BODY, SIGNED_AT));
  }

  @Test
  void verify_treatsAnAbsentBodyAsEmpty() {
    String signed = slack.sign(TIMESTAMP, "");
    assertEquals(Verdict.AUTHENTIC, slack.verify(TIMESTAMP, signed, null, SIGNED_AT));
  }

  @Test
  void signature_coversNonAsciiBodiesAsUtf8() {
    String body = "text=d%C3%A9ploie&user_name=zo\u00eb";
    String signed = slack.sign(TIMESTAMP, body);
    assertEquals(Verdict.AUTHENTIC, slack.verify(TIMESTAMP, signed, body, SIGNED_AT));
    assertEquals(
        Verdict.BAD_SIGNATURE,
        slack.verify(TIMESTAMP, signed, body.replace('\u00eb', 'e'), SIGNED_AT));
  }

  @Test
  void aSigningSecretIsRequired() {
    assertThrows(IllegalArgumentException.class, () -> new SlackRequestSignature(""));
    assertThrows(IllegalArgumentException.class, () -> new SlackRequestSignature(null));
  }
}
