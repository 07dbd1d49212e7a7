package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.local.testing.LocalAws;
import io.stagecoach.local.testing.ServeProcesses;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Durability of the local Step Functions across a hard stop: the local cloud runs as its own
 * process, as under {@code stagecoach serve} ({@link ServeProcesses}), is killed with SIGKILL while
 * an execution waits for a task token (or sleeps in a Wait state), and the restarted serve carries
 * the execution on to its end.
 */
class ServeRestartTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Waits for a token it puts on the default bus (no rule listens), then waits 2 s more, then ends.
   */
  private static final String DEFINITION =
      """
      {"StartAt": "Ask",
       "States": {
         "Ask": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
                 "Parameters": {"Entries": [{"Source": "test", "DetailType": "Approval Wanted",
                                             "Detail": {"token.$": "$$.Task.Token"}}]},
                 "ResultPath": "$.answer", "Next": "Pause"},
         "Pause": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
         "Done": {"Type": "Succeed"}}}""";

  @Test
  void executionWaitingForAToken_survivesSigkillOfServe_andCompletesWhenTheTokenArrives(
      @TempDir Path dir) throws Exception {
    int port = ServeProcesses.freePort();
    List<Process> started = new ArrayList<>();
    try {
      Process serve = ServeProcesses.start(dir, port, started);
      String executionArn;
      String token;
      try (SfnClient sfn = client(dir, port)) {
        String machine =
            sfn.createStateMachine(
                    r ->
                        r.name("approval")
                            .definition(DEFINITION)
                            .roleArn("arn:aws:iam::000000000000:role/local"))
                .stateMachineArn();
        executionArn =
            sfn.startExecution(r -> r.stateMachineArn(machine).input("{\"release\":\"1.0.0\"}"))
                .executionArn();
        token = awaitToken(sfn, executionArn);
      }
      serve.destroyForcibly().waitFor();
      assertFalse(serve.isAlive());

      Process again = ServeProcesses.start(dir, port, started);
      try (SfnClient sfn = client(dir, port)) {
        assertEquals(
            ExecutionStatus.RUNNING,
            sfn.describeExecution(r -> r.executionArn(executionArn)).status(),
            "the restarted serve still waits for the token");
        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{\"approved\":true}"));
        // Kill it again in the Wait state: the rest of the wait happens after the second restart.
        Thread.sleep(500);
        again.destroyForcibly().waitFor();
      }
      ServeProcesses.start(dir, port, started);
      try (SfnClient sfn = client(dir, port)) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        ExecutionStatus status = ExecutionStatus.RUNNING;
        while (status == ExecutionStatus.RUNNING && Instant.now().isBefore(deadline)) {
          Thread.sleep(200);
          status = sfn.describeExecution(r -> r.executionArn(executionArn)).status();
        }
        assertEquals(ExecutionStatus.SUCCEEDED, status);
        JsonNode output =
            MAPPER.readTree(sfn.describeExecution(r -> r.executionArn(executionArn)).output());
        assertTrue(output.at("/answer/approved").asBoolean(), output.toString());
        assertEquals("1.0.0", output.get("release").asText());
      }
    } finally {
      // Whatever happened, no serve outlives the test.
      for (Process p : started) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The token the execution waits for, once the wait is durable: the local service checkpoints the
   * token before it records TaskSubmitted.
   */
  private static String awaitToken(SfnClient sfn, String executionArn) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      List<HistoryEvent> events =
          sfn.getExecutionHistory(r -> r.executionArn(executionArn)).events();
      boolean submitted = events.stream().anyMatch(e -> e.taskSubmittedEventDetails() != null);
      for (HistoryEvent e : submitted ? events : List.<HistoryEvent>of()) {
        if (e.taskScheduledEventDetails() != null) {
          JsonNode parameters = MAPPER.readTree(e.taskScheduledEventDetails().parameters());
          JsonNode detail = parameters.at("/Entries/0/Detail");
          JsonNode token =
              detail.isTextual()
                  ? MAPPER.readTree(detail.asText()).get("token")
                  : detail.get("token");
          if (token != null) {
            return token.asText();
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the execution never asked for its token");
  }

  private static SfnClient client(Path dir, int port) {
    return SfnClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(LocalAws.credentials(dir))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }
}
