package io.stagecoach.functions.events;

import static io.stagecoach.functions.events.EventContracts.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.EnvironmentDestroyed;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.expiry.EnvironmentExpired;
import io.stagecoach.domain.expiry.EnvironmentExpiring;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.functions.support.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The expiry events' {@code detail} against their contracts in {@code events/}: what {@link
 * EventDetails} writes satisfies the schema of its detail-type and reads back as the same event
 * (object → JSON → object); each sample reads as an event that is written back unchanged (JSON →
 * object → JSON); every field renamed, and every field dropped, is refused.
 */
class ExpiryEventDetailsTest {

  private static final Instant CREATED = Instant.parse("2026-11-21T13:00:00Z");
  private static final Instant EXPIRES = Instant.parse("2026-11-22T14:00:00Z");

  private static Environment environment(
      String app, String name, String owner, Instant createdAt, Instant expiresAt) {
    return new Environment(
        app,
        name,
        EnvironmentKind.EPHEMERAL,
        Tier.DEV,
        "123456789012",
        "eu-west-1",
        Map.of(),
        Map.of(),
        false,
        owner,
        Optional.of(expiresAt),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        createdAt,
        owner,
        createdAt,
        1);
  }

  private static Deployment destroy(
      String id,
      String app,
      String env,
      Tier tier,
      DeploymentStatus status,
      String requestedBy,
      String origin,
      Instant requestedAt,
      Optional<Instant> finishedAt) {
    return new Deployment(
        id,
        app,
        env,
        tier,
        DeploymentAction.DESTROY,
        Optional.empty(),
        Optional.empty(),
        status,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        requestedBy,
        origin,
        "destroy:" + env,
        0,
        requestedAt,
        finishedAt.map(f -> requestedAt),
        finishedAt);
  }

  static Stream<Arguments> expiryEvents() {
    Environment env = environment("shop", "pr-42", "pat@example.com", CREATED, EXPIRES);
    Deployment requested =
        destroy(
            "x-4f1c0a9b2e7d35a8c6b1",
            "shop",
            "pr-42",
            Tier.DEV,
            DeploymentStatus.REQUESTED,
            "reaper",
            "reaper",
            EXPIRES.plusSeconds(300),
            Optional.empty());
    Deployment succeeded =
        destroy(
            "x-0123456789ab",
            "shop",
            "pr-42",
            Tier.DEV,
            DeploymentStatus.SUCCEEDED,
            "pat@example.com",
            "api",
            EXPIRES.minusSeconds(60),
            Optional.of(EXPIRES.plusMillis(1234)));
    return Stream.of(
        Arguments.of(
            "expiring in 24 h",
            new EnvironmentExpiring(
                env, Duration.ofHours(24), EXPIRES.minus(Duration.ofHours(23)))),
        Arguments.of(
            "expiring in 1 h",
            new EnvironmentExpiring(env, Duration.ofHours(1), EXPIRES.minusSeconds(1800))),
        Arguments.of("expired", new EnvironmentExpired(env, requested, EXPIRES.plusSeconds(300))),
        Arguments.of("destroyed", new EnvironmentDestroyed(succeeded)));
  }

  /** The event a detail of {@code detailType} describes, read field by field. */
  private static StagecoachEvent read(String detailType, JsonNode detail) {
    return switch (detailType) {
      case EnvironmentExpiring.DETAIL_TYPE ->
          new EnvironmentExpiring(
              environmentOf(detail),
              Duration.ofMinutes(
                  required(detail, "leadTimeMinutes", JsonNode::isIntegralNumber).asLong()),
              Instant.parse(text(detail, "warnedAt")));
      case EnvironmentExpired.DETAIL_TYPE -> {
        Instant foundAt = Instant.parse(text(detail, "foundAt"));
        yield new EnvironmentExpired(
            environmentOf(detail),
            destroy(
                text(detail, "destroyDeploymentId"),
                text(detail, "app"),
                text(detail, "environment"),
                Tier.DEV,
                DeploymentStatus.REQUESTED,
                "reaper",
                "reaper",
                foundAt,
                Optional.empty()),
            foundAt);
      }
      case EnvironmentDestroyed.DETAIL_TYPE -> {
        Instant destroyedAt = Instant.parse(text(detail, "destroyedAt"));
        yield new EnvironmentDestroyed(
            destroy(
                text(detail, "deploymentId"),
                text(detail, "app"),
                text(detail, "environment"),
                wire(detail, "tier", Tier::fromWire),
                DeploymentStatus.SUCCEEDED,
                text(detail, "requestedBy"),
                text(detail, "origin"),
                destroyedAt,
                Optional.of(destroyedAt)));
      }
      default -> throw new AssertionError("not an expiry event: " + detailType);
    };
  }

  private static Environment environmentOf(JsonNode detail) {
    return environment(
        text(detail, "app"),
        text(detail, "environment"),
        text(detail, "owner"),
        Instant.parse(text(detail, "createdAt")),
        Instant.parse(text(detail, "expiresAt")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expiryEvents")
  void expiryEventDetail_satisfiesTheSchemaOfItsDetailType(String shape, StagecoachEvent event)
      throws Exception {
    assertEquals(Set.of(), schemaOf(event.detailType()).validate(EventDetails.detail(event)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expiryEvents")
  void expiryEventDetail_readBack_saysWhatTheEventSaid(String shape, StagecoachEvent event)
      throws Exception {
    JsonNode written = Json.parse(Json.write(EventDetails.detail(event)));
    StagecoachEvent back = read(event.detailType(), written);
    // Written again, the event read back is the same detail: nothing was lost on the way.
    assertEquals(EventDetails.detail(event), EventDetails.detail(back));
    switch (event) {
      case EnvironmentExpiring e -> {
        EnvironmentExpiring b = (EnvironmentExpiring) back;
        assertEquals(e.leadTime(), b.leadTime());
        assertEquals(e.expiresAt(), b.expiresAt());
        assertEquals(e.environment().owner(), b.environment().owner());
      }
      case EnvironmentExpired e ->
          assertEquals(e.destroy().id(), ((EnvironmentExpired) back).destroy().id());
      case EnvironmentDestroyed e -> {
        Deployment d = ((EnvironmentDestroyed) back).destroy();
        assertEquals(e.destroy().id(), d.id());
        assertEquals(e.destroy().finishedAt(), d.finishedAt());
        assertEquals(e.destroy().origin(), d.origin());
      }
      default -> fail("not an expiry event");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expiryEvents")
  void expiryEventDetail_withAnyFieldRenamedOrDropped_isRefusedByItsSchema(
      String shape, StagecoachEvent event) throws Exception {
    JsonSchema schema = schemaOf(event.detailType());
    ObjectNode detail = EventDetails.detail(event);
    List<String> fields = new ArrayList<>();
    detail.fieldNames().forEachRemaining(fields::add);
    assertFalse(fields.isEmpty());
    for (String field : fields) {
      ObjectNode renamed = detail.deepCopy();
      renamed.set(field + "Renamed", renamed.remove(field));
      assertFalse(schema.validate(renamed).isEmpty(), field + " renamed");
      ObjectNode dropped = detail.deepCopy();
      dropped.remove(field);
      assertFalse(schema.validate(dropped).isEmpty(), field + " dropped");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"environment-expiring", "environment-expired", "environment-destroyed"})
  void sampleExpiryEventDetail_readAsAnEvent_isWrittenBackUnchanged(String sample)
      throws Exception {
    JsonNode event = resource("/events/stagecoach/" + sample + ".json");
    String detailType = event.get("detail-type").asText();
    JsonNode detail = event.get("detail");
    assertEquals(Set.of(), schemaOf(detailType).validate(detail));

    // Compared as it goes on the wire: written out and parsed again.
    assertEquals(detail, Json.parse(Json.write(EventDetails.detail(read(detailType, detail)))));
  }
}
