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
    return new RawResponse(status, List.of(Map.entry("Content-Type", contentType)),
        body.getBytes(StandardCharsets.UTF_8));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
