package io.stagecoach.local.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A successful answer: its status, the {@code ETag} when the API sent one, and the JSON body
 * ({@code MissingNode} for an empty one, such as a 204's).
 */
public record Answer(int status, Optional<String> etag, JsonNode body) {

  public boolean hasBody() {
    return !body.isMissingNode();
  }
}
