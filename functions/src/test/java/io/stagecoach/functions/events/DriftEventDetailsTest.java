package io.stagecoach.functions.events;

import static io.stagecoach.functions.events.EventContracts.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.drift.DriftCheckRequested;
import io.stagecoach.domain.drift.DriftDetected;
import io.stagecoach.domain.drift.DriftResolved;
import io.stagecoach.domain.drift.DriftStatus;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.events.StagecoachEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The drift events' {@code detail} against their contracts in {@code events/}: what {@link
 * EventDetails} writes satisfies the schema of its detail-type and reads back as the same event
 * (object → JSON → object); each sample reads as an event written back unchanged (JSON → object →
 * JSON); every required field dropped, and every field renamed, is refused.
 */
class DriftEventDetailsTest {

  private static final Instant CHECKED = Instant.parse("2026-12-05T03:00:04Z");
  private static final DriftedResource DELETED =
      DriftedResource.deleted("LedgerTable", "AWS::DynamoDB::Table");
  private static final DriftedResource MODIFIED =
      new DriftedResource(
          "LogLevel",
          "AWS::SSM::Parameter",
          DriftedResource.Difference.MODIFIED,
          List.of(
              PropertyDifference.of("/Value", "info", "debug"),
              new PropertyDifference("/Tags", Optional.empty(), Optional.of("[]"))));

  static Stream<StagecoachEvent> events() {
    Drift drifted = Drift.found(List.of(DELETED, MODIFIED), CHECKED);
    return Stream.of(
        new DriftCheckRequested(
            "payments",
            "dev",
            "dev",
            new DriftCheck("k-3f9a1c0e72d4", "drift-schedule", CHECKED.minusSeconds(4))),
        new DriftDetected("payments", "dev", "dev", "k-3f9a1c0e72d4", drifted),
        new DriftResolved(
            "payments",
            "prod",
            "prod",
            "after-d-8e2a4b6c9f01",
            Drift.found(List.of(), CHECKED.plusSeconds(3600)),
            drifted));
  }

  /** The event a detail of {@code detailType} describes. */
  private static StagecoachEvent read(String detailType, JsonNode d) {
    String app = text(d, "app");
    String env = text(d, "environment");
    String tier = text(d, "tier");
    String checkId = text(d, "checkId");
    return switch (detailType) {
      case DriftCheckRequested.DETAIL_TYPE ->
          new DriftCheckRequested(
              app,
              env,
              tier,
              new DriftCheck(checkId, text(d, "requestedBy"), Instant.parse(text(d, "startedAt"))));
      case DriftDetected.DETAIL_TYPE -> new DriftDetected(app, env, tier, checkId, drift(d));
      case DriftResolved.DETAIL_TYPE ->
          new DriftResolved(
              app,
              env,
              tier,
              checkId,
              drift(d),
              drift(required(d, "previous", JsonNode::isObject)));
      default -> throw new AssertionError(detailType);
    };
  }

  private static Drift drift(JsonNode d) {
    List<DriftedResource> resources = new ArrayList<>();
    for (JsonNode r : required(d, "resources", JsonNode::isArray)) {
      List<PropertyDifference> properties = new ArrayList<>();
      for (JsonNode p : required(r, "properties", JsonNode::isArray)) {
        properties.add(
            new PropertyDifference(
                text(p, "path"), optionalText(p, "expected"), optionalText(p, "actual")));
      }
      resources.add(
          new DriftedResource(
              text(r, "logicalId"),
              text(r, "type"),
              wire(r, "difference", DriftedResource.Difference::fromWire),
              properties));
    }
    return new Drift(
        wire(d, "status", DriftStatus::fromWire),
        Optional.of(Instant.parse(text(d, "checkedAt"))),
        resources,
        Optional.empty());
  }

  @ParameterizedTest
  @MethodSource("events")
  void eachDriftEvent_satisfiesItsSchema_andReadsBackAsTheSameEvent(StagecoachEvent event)
      throws Exception {
    ObjectNode detail = EventDetails.detail(event);
    assertEquals(java.util.Set.of(), schemaOf(event.detailType()).validate(detail));
    assertEquals(event, read(event.detailType(), detail));
  }

  @ParameterizedTest
  @ValueSource(strings = {"drift-check-requested", "drift-detected", "drift-resolved"})
  void eachSample_readsAsAnEvent_writtenBackUnchanged(String sample) throws Exception {
    JsonNode event = resource("/events/stagecoach/" + sample + ".json");
    String detailType = event.get("detail-type").asText();
    JsonNode detail = event.get("detail");
    assertEquals(detail, EventDetails.detail(read(detailType, detail)));
  }

  @ParameterizedTest
  @MethodSource("events")
  void everyFieldDropped_orRenamed_isRefused(StagecoachEvent event) throws Exception {
    JsonSchema schema = schemaOf(event.detailType());
    ObjectNode detail = EventDetails.detail(event);
    List<String> fields = new ArrayList<>();
    detail.fieldNames().forEachRemaining(fields::add);
    for (String field : fields) {
      ObjectNode dropped = detail.deepCopy();
      dropped.remove(field);
      assertFalse(schema.validate(dropped).isEmpty(), field + " dropped");
      ObjectNode renamed = detail.deepCopy();
      renamed.set(field + "Renamed", renamed.remove(field));
      assertFalse(schema.validate(renamed).isEmpty(), field + " renamed");
    }
  }
}
