package io.stagecoach.local.http;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class SigV4VerifierTest {

  // The AWS Signature Version 4 test suite's key, time and host (get-vanilla, post-vanilla).
  private static final LocalCredentials SUITE =
      new LocalCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
  private static final String SUITE_SCOPE = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

  private final SigV4Verifier suite =
      new SigV4Verifier(SUITE, "us-east-1", Clock.fixed(SUITE_TIME, ZoneOffset.UTC));

  @Test
  void theAwsTestSuitesVanillaRequests_areAccepted() {
    assertEquals(
        Optional.empty(),
        suite.refusal(
            suiteRequest("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            "service"));
    assertEquals(
        Optional.empty(),
        suite.refusal(
            suiteRequest(
                "POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            "service"));
  }

  @Test
  void aVanillaRequest_withAnotherMethodOrSignature_isAnInvalidSignature() {
    assertEquals(
        "InvalidSignatureException",
        suite
            .refusal(
                suiteRequest(
                    "POST", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                "service")
            .orElseThrow()
            .errorType());
  }

  @Test
  void requestsSignedByTheSdk_withEncodedPathsQueriesAndBodies_areAccepted() {
    LocalCredentials key = LocalCredentials.random();
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    SigV4Verifier verifier = new SigV4Verifier(key, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    RawRequest invoke =
        sdkSigned(
            key,
            now,
            "lambda",
            "POST",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A000000000000%3Afunction%3Aapi/invocations",
            Map.of("Qualifier", List.of("live"), "a b", List.of("c/d+e")),
            "{\"x\":\"é\"}");
    assertEquals(Optional.empty(), verifier.refusal(invoke, "lambda"));
  }

  @Test
  void aChangedBodyPathOrSignedHeader_isAnInvalidSignature() {
    LocalCredentials key = LocalCredentials.random();
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    SigV4Verifier verifier = new SigV4Verifier(key, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    RawRequest signed = sdkSigned(key, now, "events", "POST", "/", Map.of(), "{\"Entries\":[]}");
    assertEquals(Optional.empty(), verifier.refusal(signed, "events"));

    RawRequest otherBody =
        new RawRequest(
            "POST",
            "/",
            signed.headers(),
            "{\"Entries\":[{}]}".getBytes(StandardCharsets.UTF_8),
            "127.0.0.1");
    RawRequest otherPath =
        new RawRequest("POST", "/x", signed.headers(), signed.body(), "127.0.0.1");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (Map.Entry<String, String> h : signed.headers()) {
      headers.add(
          h.getKey().equalsIgnoreCase("X-Amz-Target")
              ? Map.entry(h.getKey(), "AWSEvents.DeleteRule")
              : h);
    }
    RawRequest otherTarget = new RawRequest("POST", "/", headers, signed.body(), "127.0.0.1");
    for (RawRequest tampered : List.of(otherBody, otherPath, otherTarget)) {
      assertEquals(
          "InvalidSignatureException",
          verifier.refusal(tampered, "events").orElseThrow().errorType(),
          tampered.target());
    }
  }

  @Test
  void theScope_mustNameThisRegionAndService_andTheTime_mustBeWithin15Minutes() {
    LocalCredentials key = LocalCredentials.random();
    Instant signedAt = Instant.parse("2026-12-05T10:00:00Z");
    RawRequest signed = sdkSigned(key, signedAt, "events", "POST", "/", Map.of(), "{}");
    SigV4Verifier onTime =
        new SigV4Verifier(key, "us-east-1", Clock.fixed(signedAt.plusSeconds(60), ZoneOffset.UTC));
    assertTrue(onTime.refusal(signed, "states").orElseThrow().message().contains("service"));
    SigV4Verifier elsewhere =
        new SigV4Verifier(key, "eu-west-1", Clock.fixed(signedAt, ZoneOffset.UTC));
    assertTrue(elsewhere.refusal(signed, "events").orElseThrow().message().contains("region"));
    SigV4Verifier late =
        new SigV4Verifier(
            key, "us-east-1", Clock.fixed(signedAt.plus(Duration.ofMinutes(16)), ZoneOffset.UTC));
    assertTrue(
        late.refusal(signed, "events").orElseThrow().message().startsWith("Signature expired"));
  }

  @Test
  void noHeader_aForeignKey_andAMalformedHeader_getAwsRefusals() {
    RawRequest unsigned =
        new RawRequest("GET", "/", List.of(Map.entry("Host", "127.0.0.1")), null, "127.0.0.1");
    assertEquals(
        "MissingAuthenticationTokenException",
        suite.refusal(unsigned, "service").orElseThrow().errorType());
    RawRequest foreign = withAuthorization(SUITE_SCOPE.replace("AKIDEXAMPLE", "OTHER"), "00");
    assertEquals(
        "UnrecognizedClientException", suite.refusal(foreign, "service").orElseThrow().errorType());
    RawRequest malformed =
        new RawRequest(
            "GET",
            "/",
            List.of(Map.entry("Host", "h"), Map.entry("Authorization", "AWS4-HMAC-SHA256 x")),
            null,
            "127.0.0.1");
    assertEquals(
        "IncompleteSignatureException",
        suite.refusal(malformed, "service").orElseThrow().errorType());
    RawRequest badQuery =
        new RawRequest(
            "GET",
            "/?a=%zz",
            suiteRequest("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
                .headers(),
            null,
            "127.0.0.1");
    assertEquals(
        "InvalidSignatureException", suite.refusal(badQuery, "service").orElseThrow().errorType());
  }

  @Test
  void theSecret_isNeverInTheCredentialsText() {
    LocalCredentials key = LocalCredentials.random();
    assertFalse(key.toString().contains(key.secretAccessKey()));
    assertEquals(20, key.accessKeyId().length());
    assertEquals(40, key.secretAccessKey().length());
  }

  private static RawRequest suiteRequest(String method, String signature) {
    return new RawRequest(
        method,
        "/",
        List.of(
            Map.entry("Host", "example.amazonaws.com"),
            Map.entry("X-Amz-Date", "20150830T123600Z"),
            Map.entry(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + SUITE_SCOPE
                    + ", SignedHeaders=host;x-amz-date, Signature="
                    + signature)),
        null,
        "127.0.0.1");
  }

  private static RawRequest withAuthorization(String credential, String signature) {
    return new RawRequest(
        "GET",
        "/",
        List.of(
            Map.entry("Host", "example.amazonaws.com"),
            Map.entry("X-Amz-Date", "20150830T123600Z"),
            Map.entry(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + credential
                    + ", SignedHeaders=host;x-amz-date, Signature="
                    + signature)),
        null,
        "127.0.0.1");
  }

  /** A request as an SDK client would send it, signed by the SDK's own signer. */
  private static RawRequest sdkSigned(
      LocalCredentials key,
      Instant at,
      String service,
      String method,
      String encodedPath,
      Map<String, List<String>> query,
      String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(URI.create("http://127.0.0.1:4566"))
            .encodedPath(encodedPath)
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", "AWSEvents.PutEvents");
    query.forEach(request::putRawQueryParameter);
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.request(request.build())
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .identity(
                            AwsCredentialsIdentity.create(key.accessKeyId(), key.secretAccessKey()))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
            .request();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (signed.firstMatchingHeader("Host").isEmpty()) {
      headers.add(Map.entry("Host", "127.0.0.1:4566"));
    }
    signed.forEachHeader((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
    String target = signed.encodedPath();
    String rawQuery = signed.encodedQueryParameters().orElse("");
    return new RawRequest(
        method, rawQuery.isEmpty() ? target : target + "?" + rawQuery, headers, bytes, "127.0.0.1");
  }
}
