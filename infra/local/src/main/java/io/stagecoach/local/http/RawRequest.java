package io.stagecoach.local.http;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as it came off the wire: the request target unparsed and the header names in the
 * caller's own casing, in order, because API Gateway passes both on to the function that way.
 */
public record RawRequest(
    String method,
    String target,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    String sourceIp) {

  public RawRequest {
    headers = List.copyOf(headers);
  }

  /** The target without its query string (what a log line may show of a request). */
  public String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /**
   * The first value of a header, whatever the casing of its name; null when the request has none.
   */
  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }
}
