package io.stagecoach.local.eventbridge;

import static io.stagecoach.local.eventbridge.EventBridgeFixture.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.http.WireServer;
import io.stagecoach.local.testing.RawHttp;
import io.stagecoach.local.testing.RecordingHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * PutEvents over the AWS JSON 1.1 protocol, driven by the SDK's own EventBridgeClient as the
 * functions build it. The functions find the local cloud through {@code AWS_ENDPOINT_URL}, which a
 * test cannot set in its own process; {@code endpointOverride} is the same redirection, and
 * everything else (region and credentials from the surefire system properties, the URLConnection
 * HTTP client) is the default build.
 */
class PutEventsProtocolTest {

  private static LocalEventBridge bridge;
  private static WireServer server;
  private static EventBridgeClient client;

  @BeforeAll
  static void start() throws Exception {
    bridge =
        new LocalEventBridge(
            EventBridgeFixture.template(),
            new EventBridgeFixture.InProcessTargets(EventBridgeFixture.template()),
            Clock.systemUTC(),
            LocalEventBridge.Options.defaults());
    server = new WireServer(0, bridge::handle);
    client =
        EventBridgeClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
    bridge.close();
  }

  @BeforeEach
  void forget() {
    RecordingHandler.forget("eb-dev");
  }

  private static PutEventsRequestEntry deployment(String bus) {
    return PutEventsRequestEntry.builder()
        .source("stagecoach")
        .detailType("Deployment Requested")
        .detail("{\"tier\":\"dev\",\"app\":\"shop\"}")
        .eventBusName(bus)
        .build();
  }

  @Test
  void sdkPutEvents_getsAnEventId_andTheRuleTargetGetsTheEvent() throws Exception {
    Instant sent = Instant.parse("2026-11-22T10:15:30Z");
    PutEventsResponse response =
        client.putEvents(
            r ->
                r.entries(
                    deployment("stagecoach").toBuilder()
                        .time(sent)
                        .resources("arn:aws:codecommit:us-east-1:000000000000:shop")
                        .build()));

    assertEquals(0, response.failedEntryCount());
    String id = response.entries().get(0).eventId();
    assertTrue(bridge.awaitDeliveries(Duration.ofSeconds(10)));
    // By its id: another test's event may still be arriving (the bus is shared and its deliveries
    // asynchronous).
    JsonNode event = null;
    for (String received : RecordingHandler.received("eb-dev")) {
      JsonNode candidate = MAPPER.readTree(received);
      event = candidate.get("id").asText().equals(id) ? candidate : event;
    }
    assertNotNull(
        event,
        "the target got the event with the id PutEvents answered: "
            + RecordingHandler.received("eb-dev"));
    assertEquals("2026-11-22T10:15:30Z", event.get("time").asText());
    assertEquals(
        "arn:aws:codecommit:us-east-1:000000000000:shop", event.get("resources").get(0).asText());
  }

  @Test
  void sdkPutEvents_reportsPerEntryFailures_forAnUnknownBusAndBadDetail() {
    PutEventsResponse response =
        client.putEvents(
            r ->
                r.entries(
                    deployment("arn:aws:events:us-east-1:000000000000:event-bus/stagecoach"),
                    deployment("missing-bus"),
                    deployment("stagecoach").toBuilder().detail("not json").build()));

    assertEquals(2, response.failedEntryCount());
    assertNull(response.entries().get(0).errorCode());
    assertEquals("InvalidArgument", response.entries().get(1).errorCode());
    assertTrue(response.entries().get(1).errorMessage().contains("missing-bus"));
    assertEquals("MalformedDetail", response.entries().get(2).errorCode());
  }

  @Test
  void sdkPutEvents_withElevenEntries_isAValidationException() {
    EventBridgeException e =
        assertThrows(
            EventBridgeException.class,
            () ->
                client.putEvents(
                    r -> r.entries(Collections.nCopies(11, deployment("stagecoach")))));
    assertEquals(400, e.statusCode());
    assertEquals("ValidationException", e.awsErrorDetails().errorCode());
  }

  @Test
  void anOperationTheLocalCloudDoesNotRun_isAnUnknownOperationException() {
    EventBridgeException e =
        assertThrows(EventBridgeException.class, () -> client.listRules(r -> r.namePrefix("x")));
    assertEquals("UnknownOperationException", e.awsErrorDetails().errorCode());
  }

  @Test
  void malformedBody_isA400WithTheAwsJsonErrorShape() throws Exception {
    RawHttp.Response response =
        RawHttp.send(
            server.port(),
            "POST",
            "/",
            List.of(
                Map.entry("X-Amz-Target", "AWSEvents.PutEvents"),
                Map.entry("Content-Type", "application/x-amz-json-1.1")),
            "{\"Entries\": [".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, response.status());
    JsonNode body = MAPPER.readTree(response.body());
    assertEquals("ValidationException", body.get("__type").asText());
    assertTrue(body.get("message").asText().length() > 0);
  }
}
