package io.stagecoach.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import java.util.Map;
import java.util.Optional;

/**
 * A successful answer: its status, the {@code ETag} when the API sent one, the JSON body ({@code
 * MissingNode} for an empty one, such as a 204's) and the other headers ({@code Location}, {@code
 * Idempotent-Replayed}).
 */
public record Answer(int status, Optional<String> etag, JsonNode body, HttpHeaders headers) {

  private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (name, value) -> true);

  public Answer(int status, Optional<String> etag, JsonNode body) {
    this(status, etag, body, NONE);
  }

  public boolean hasBody() {
    return !body.isMissingNode();
  }

  /** A header's first value (names are case-insensitive). */
  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }
}
