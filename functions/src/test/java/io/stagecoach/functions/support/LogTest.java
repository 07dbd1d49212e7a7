package io.stagecoach.functions.support;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogTest {

  private static final Log LOG = Log.of(LogTest.class);

  private final StringWriter written = new StringWriter();
  private WriterAppender capture;
  private Level rootLevel;

  /** The lines go through the JSON layout that log4j2.xml gives Lambda's appender. */
  @BeforeEach
  void captureLines() {
    // Not while Log4j2 is still being configured aside: that would replace this configuration.
    Log.awaitConfiguration();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    JsonTemplateLayout layout =
        JsonTemplateLayout.newBuilder()
            .setConfiguration(config)
            .setEventTemplateUri("classpath:" + layoutOfLambdaJsonFormat())
            .build();
    capture =
        WriterAppender.newBuilder().setName("LogTest").setTarget(written).setLayout(layout).build();
    capture.start();
    LoggerConfig root = config.getRootLogger();
    rootLevel = root.getLevel();
    root.addAppender(capture, Level.ALL, null);
    root.setLevel(Level.ALL);
    context.updateLoggers();
  }

  @AfterEach
  void stopCapture() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig root = context.getConfiguration().getRootLogger();
    root.removeAppender(capture.getName());
    root.setLevel(rootLevel);
    context.updateLoggers();
    capture.stop();
  }

  private List<JsonNode> lines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : written.toString().split("\n")) {
      // Only this test's lines: DynamoDB Local, running for other tests, logs too.
      if (!line.isBlank() && line.contains("\"logger\":\"" + LogTest.class.getName() + "\"")) {
        lines.add(Json.parse(line));
      }
    }
    return lines;
  }

  private static String layoutOfLambdaJsonFormat() {
    String config;
    try (InputStream in = LogTest.class.getResourceAsStream("/log4j2.xml")) {
      config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assertTrue(
        config.contains("<Lambda name=\"Lambda\" format=\"${env:AWS_LAMBDA_LOG_FORMAT:-TEXT}\">"),
        config);
    int json = config.indexOf("<LambdaJSONFormat>");
    String uri = "eventTemplateUri=\"classpath:";
    int start = config.indexOf(uri, json) + uri.length();
    return config.substring(start, config.indexOf('"', start));
  }

  @Test
  void aLine_carriesLevelMessageAndFields() throws IOException {
    LOG.warn("deployment of another tier refused", "app", "payments", "deploymentId", "d-1");

    List<JsonNode> lines = lines();
    assertEquals(1, lines.size(), written.toString());
    JsonNode line = lines.get(0);
    assertEquals("WARN", line.path("level").asText());
    assertEquals("deployment of another tier refused", line.path("message").asText());
    assertEquals("payments", line.path("app").asText());
    assertEquals("d-1", line.path("deploymentId").asText());
    assertEquals(LogTest.class.getName(), line.path("logger").asText());
    assertTrue(line.hasNonNull("timestamp"), line.toString());
  }

  @Test
  void aValueWithQuotesAndLineBreaks_staysOneValidJsonLine() throws IOException {
    String awkward = "he said \"no\",\nthen left\t\\ {\"level\":\"INFO\"}";

    LOG.error("event not published", "error", awkward);

    List<JsonNode> lines = lines();
    assertEquals(1, lines.size(), written.toString());
    assertEquals(awkward, lines.get(0).path("error").asText());
    assertEquals("ERROR", lines.get(0).path("level").asText());
  }

  @Test
  @SuppressWarnings("try") // the resource only scopes the request id
  void theRequestIdOfTheInvocation_isOnEveryLineOfIt() throws IOException {
    try (var invocation = Log.invocation(new RequestContext("8f1c-request"))) {
      LOG.info("approval posted", "app", "payments");
      LOG.info("approval already posted", "app", "payments");
    }
    LOG.info("after the invocation");

    List<JsonNode> lines = lines();
    assertEquals(3, lines.size(), written.toString());
    assertEquals("8f1c-request", lines.get(0).path(Log.REQUEST_ID).asText());
    assertEquals("8f1c-request", lines.get(1).path(Log.REQUEST_ID).asText());
    assertFalse(lines.get(2).has(Log.REQUEST_ID), lines.get(2).toString());
  }

  @Test
  void anError_carriesTheExceptionAndItsStackTrace() throws IOException {
    LOG.error(new IllegalStateException("table missing"), "API request failed", "method", "GET");

    JsonNode line = lines().get(0);
    assertEquals("API request failed", line.path("message").asText());
    assertEquals(IllegalStateException.class.getName(), line.path("errorType").asText());
    assertEquals("table missing", line.path("errorMessage").asText());
    assertTrue(line.path("stackTrace").size() > 0, line.toString());
  }

  @Test
  void aReport_logsAtItsOwnLevelWithItsScalarMembersAsFields() throws IOException {
    LOG.report(
        "CodeCommit push handled",
        Json.object().put("level", "WARN").put("outcome", "refused").put("repository", "shop"));

    JsonNode line = lines().get(0);
    assertEquals("WARN", line.path("level").asText());
    assertEquals("CodeCommit push handled", line.path("message").asText());
    assertEquals("refused", line.path("outcome").asText());
    assertEquals("shop", line.path("repository").asText());
  }

  @Test
  void fieldsComeInPairs_andDoNotTakeTheLayoutsOwnNames() {
    assertThrows(IllegalArgumentException.class, () -> LOG.info("odd", "app"));
    assertThrows(IllegalArgumentException.class, () -> LOG.info("clash", "level", "DEBUG"));
  }

  @Test
  void aMissingValue_leavesItsFieldOut() throws IOException {
    LOG.info("event not published", "app", null, "event", "Release Registered");

    JsonNode line = lines().get(0);
    assertFalse(line.has("app"), line.toString());
    assertEquals("Release Registered", line.path("event").asText());
  }

  private record RequestContext(String requestId) implements Context {
    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return null;
    }

    @Override
    public String getLogStreamName() {
      return null;
    }

    @Override
    public String getFunctionName() {
      return "test";
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return null;
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return 1000;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 512;
    }

    @Override
    public LambdaLogger getLogger() {
      return null;
    }
  }
}
