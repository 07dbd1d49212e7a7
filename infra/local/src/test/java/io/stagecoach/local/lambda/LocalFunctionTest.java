package io.stagecoach.local.lambda;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalFunctionTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static LocalFunction function(String handler, Duration timeout) {
    return new LocalFunction(
        "Fn",
        "fn",
        "arn:aws:lambda:us-east-1:000000000000:function:fn",
        "io.stagecoach.local.testing.MisbehavingHandlers$" + handler + "::handleRequest",
        timeout,
        256,
        Map.of("GREETING", "hello"));
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void handler_getsItsEnvironmentThroughItsSettingsConstructor_andALambdaContext()
      throws Exception {
    Invocation result =
        function("ReadsSettings", Duration.ofSeconds(3)).invoke(json("{\"name\":\"payments\"}"));
    assertFalse(result.functionError(), result.payloadText());
    JsonNode out = MAPPER.readTree(result.payload());
    assertEquals("hello", out.get("greeting").asText());
    assertEquals("fn", out.get("function").asText());
    assertEquals(256, out.get("memory").asInt());
    assertTrue(out.get("timeLeftMs").asInt() > 0 && out.get("timeLeftMs").asInt() <= 3000);
    assertEquals("payments", out.get("name").asText());
  }

  @Test
  void functionPastItsTimeout_isReportedAsLambdaReportsIt() {
    long t0 = System.nanoTime();
    Invocation result = function("Sleeps", Duration.ofMillis(300)).invoke(json("{}"));
    assertTrue(result.functionError());
    assertEquals("Sandbox.Timedout", result.errorType());
    assertTrue(
        result.errorMessage().contains("Task timed out after 0.30 seconds"), result.errorMessage());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5_000,
        "the caller is not held past the timeout");
  }

  @Test
  void aSlowInit_hasItsOwnLimit_andTheTimeoutCountsFromTheInvocation() throws Exception {
    // Construction takes 600 ms, the timeout is 300 ms: as on Lambda, init is not part of it.
    Invocation result = function("SlowToStart", Duration.ofMillis(300)).invoke(json("{}"));
    assertFalse(result.functionError(), result.payloadText());
    long timeLeft = MAPPER.readTree(result.payload()).asLong();
    assertTrue(timeLeft > 0 && timeLeft <= 300, "time left " + timeLeft);
  }

  @Test
  void exceptionFromTheHandler_becomesAFunctionErrorPayload() throws Exception {
    Invocation result =
        function("Throws", Duration.ofSeconds(3)).invoke(json("{\"why\":\"testing\"}"));
    assertTrue(result.functionError());
    JsonNode payload = MAPPER.readTree(result.payload());
    assertEquals("boom: testing", payload.get("errorMessage").asText());
    assertEquals("java.lang.IllegalStateException", payload.get("errorType").asText());
  }

  @Test
  void inputTheHandlerCannotRead_isAnUnmarshalError() {
    Invocation result = function("Throws", Duration.ofSeconds(3)).invoke(json("[1,2"));
    assertTrue(result.functionError());
    assertEquals("Runtime.UnmarshalError", result.errorType());
  }

  @Test
  void missingHandlerClass_isAFunctionError_notACrash() {
    LocalFunction missing =
        new LocalFunction(
            "Fn",
            "fn",
            "arn",
            "io.stagecoach.Nope::handleRequest",
            Duration.ofSeconds(1),
            128,
            Map.of());
    Invocation result = missing.invoke(json("{}"));
    assertTrue(result.functionError());
    assertTrue(result.payloadText().contains("Nope"), result.payloadText());
  }
}
