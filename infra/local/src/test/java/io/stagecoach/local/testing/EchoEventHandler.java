package io.stagecoach.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Answers with the proxy event it received as the JSON body, like the function the AWS recordings
 * used.
 */
public final class EchoEventHandler implements RequestStreamHandler {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    ObjectNode response = MAPPER.createObjectNode();
    response.put("statusCode", 200);
    response.put("body", new String(input.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    output.write(MAPPER.writeValueAsBytes(response));
  }
}
