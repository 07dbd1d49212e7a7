package io.stagecoach.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Returns the request body, parsed, as its result: a test can make a function return anything. */
public final class ResultFromBodyHandler implements RequestStreamHandler {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = MAPPER.readTree(input);
    JsonNode body = event.get("body");
    if (body == null || body.isNull()) {
      throw new IllegalArgumentException("no body to return");
    }
    output.write(body.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
