package io.stagecoach.local.dynamodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Passes a DynamoDB request on to DynamoDB Local and its answer back unchanged (the response's
 * CRC32 header included), as the local cloud serves DynamoDB's protocol on its own port: after the
 * local cloud has checked the caller's signature, since DynamoDB Local checks none.
 */
public final class DynamoDbForwarder {

  /** The JSON protocol's target prefix of DynamoDB's operations. */
  public static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final URI target;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Forwards to DynamoDB Local at {@code target}. */
  public DynamoDbForwarder(URI target) {
    this.target = target;
  }

  /** Whether a request with this {@code X-Amz-Target} is one of DynamoDB's operations. */
  public static boolean handles(String amzTarget) {
    return amzTarget != null && amzTarget.startsWith(TARGET_PREFIX);
  }

  public RawResponse forward(RawRequest request) {
    HttpRequest.Builder forward =
        HttpRequest.newBuilder(target.resolve(request.target()))
            .timeout(Duration.ofSeconds(60))
            .method(
                request.method(),
                HttpRequest.BodyPublishers.ofByteArray(
                    request.body() == null ? new byte[0] : request.body()));
    for (Map.Entry<String, String> h : request.headers()) {
      if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        forward.header(h.getKey(), h.getValue());
      }
    }
    HttpResponse<byte[]> answer;
    try {
      answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return RawResponse.awsJson(
          500,
          "application/x-amz-json-1.0",
          JSON.createObjectNode()
              .put("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError")
              .put("message", "DynamoDB Local did not answer: " + e.getMessage())
              .toString(),
          "InternalServerError");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling DynamoDB Local", e);
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> headers.add(Map.entry(name, v)));
              }
            });
    return new RawResponse(answer.statusCode(), headers, answer.body());
  }
}
