package io.stagecoach.events;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The sample events every handler test loads are well-formed and carry what handlers rely on. */
class SampleEventsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode load(String name) throws Exception {
    try (InputStream in = SampleEventsTest.class.getResourceAsStream("/events/" + name)) {
      assertNotNull(in, name + " is packaged");
      return MAPPER.readTree(in);
    }
  }

  @Test
  void proxyEvent_hasThePathRelativeToTheStage_andTheAuthorizerContext() throws Exception {
    JsonNode event = load("apigateway/put-environment.json");
    assertEquals("/v1/apps/payments/environments/staging", event.get("path").asText());
    assertEquals("/live" + event.get("path").asText(), event.at("/requestContext/path").asText());
    assertEquals("deployer", event.at("/requestContext/authorizer/roles").asText());
    assertTrue(MAPPER.readTree(event.get("body").asText()).isObject(), "body is JSON text");
  }

  @Test
  void authorizerEvent_isATokenEventWithAMethodArn() throws Exception {
    JsonNode event = load("apigateway/authorizer-token.json");
    assertEquals("TOKEN", event.get("type").asText());
    assertTrue(
        event
            .get("methodArn")
            .asText()
            .matches("arn:aws:execute-api:[^:]+:\\d{12}:[^/]+/[^/]+/[A-Z]+/.*"));
  }
}
