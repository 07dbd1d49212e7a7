package io.stagecoach.local.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** An HTTP response: status, headers in order (names as given), body bytes. */
public record RawResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  public RawResponse {
    headers = List.copyOf(headers);
  }

  public static RawResponse text(int status, String contentType, String body) {
    return new RawResponse(
        status,
        List.of(Map.entry("Content-Type", contentType)),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * An answer in one of the AWS JSON protocols ({@code contentType} application/x-amz-json-1.0 or
   * 1.1), with a request id and, for an error, {@code x-amzn-ErrorType}.
   */
  public static RawResponse awsJson(int status, String contentType, String body, String errorType) {
    List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
    headers.add(Map.entry("Content-Type", contentType));
    headers.add(Map.entry("x-amzn-RequestId", java.util.UUID.randomUUID().toString()));
    if (errorType != null) {
      headers.add(Map.entry("x-amzn-ErrorType", errorType));
    }
    return new RawResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
