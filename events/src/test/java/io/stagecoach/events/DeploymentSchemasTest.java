package io.stagecoach.events;

import static io.stagecoach.events.EventSchemasTest.sample;
import static io.stagecoach.events.EventSchemasTest.schema;
import static io.stagecoach.events.EventSchemasTest.schemaDocument;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three deployment events share one detail (a deployment as the API shows it, with {@code
 * deploymentId}) and differ in the statuses and the fields each one guarantees. Each test varies
 * one field of a sample.
 */
class DeploymentSchemasTest {

  private static final List<String> SCHEMAS =
      List.of("deployment-requested", "deployment-succeeded", "deployment-failed");
  private static final Map<String, String> STATUS_OF =
      Map.of(
          "deployment-requested",
          "requested",
          "deployment-succeeded",
          "succeeded",
          "deployment-failed",
          "failed");

  private static ObjectNode detail(String sample) throws Exception {
    return (ObjectNode) sample(sample).get("detail").deepCopy();
  }

  /** The schema named after the sample's detail-type, as {@link EventSchemasTest} pairs them. */
  private static JsonSchema schemaOf(String sample) throws Exception {
    return schema(EventSchemasTest.schemaNameOf(sample(sample).get("detail-type").asText()));
  }

  /**
   * Refused, and for the stated reason: a keyword of JSON Schema and where in the detail it
   * applied.
   */
  private static void assertRefused(
      JsonSchema schema, JsonNode detail, String keyword, String where) {
    Set<ValidationMessage> messages = schema.validate(detail);
    assertTrue(
        messages.stream()
            .anyMatch(
                m ->
                    m.getType().equals(keyword)
                        && (m.getInstanceLocation().toString() + "/" + m.getProperty())
                            .contains(where)),
        "expected "
            + keyword
            + " at "
            + where
            + ", got "
            + messages.stream()
                .map(m -> m.getType() + " " + m.getMessage())
                .collect(Collectors.joining("; ")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"deployment-requested", "deployment-succeeded", "deployment-failed"})
  void deploymentSchema_refusesADetailWithoutDeploymentId(String sample) throws Exception {
    ObjectNode detail = detail(sample);
    detail.remove("deploymentId");
    assertRefused(schemaOf(sample), detail, "required", "deploymentId");
  }

  @ParameterizedTest
  @ValueSource(strings = {"deployment-requested", "deployment-succeeded", "deployment-failed"})
  void deploymentSchema_refusesAnUnknownStatus(String sample) throws Exception {
    ObjectNode detail = detail(sample);
    detail.put("status", "rolled-back");
    assertFalse(schemaOf(sample).validate(detail).isEmpty());
    assertTrue(
        schemaOf(sample).validate(detail).stream()
            .anyMatch(m -> m.getInstanceLocation().toString().endsWith("status")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"deployment-requested", "deployment-succeeded", "deployment-failed"})
  void deploymentSchema_refusesADigestThatIsNotSha256InLowercaseHex(String sample)
      throws Exception {
    for (String bad :
        List.of(
            "sha256:" + "AB".repeat(32),
            "sha256:" + "ab".repeat(31),
            "md5:" + "ab".repeat(16),
            "ab".repeat(32))) {
      ObjectNode detail = detail(sample);
      detail.put("digest", bad);
      assertRefused(schemaOf(sample), detail, "pattern", "digest");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"deployment-requested", "deployment-succeeded", "deployment-failed"})
  void deploymentSchema_refusesAFieldItDoesNotDescribe(String sample) throws Exception {
    ObjectNode detail = detail(sample);
    detail.put("environmentName", "staging");
    assertRefused(schemaOf(sample), detail, "additionalProperties", "environmentName");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "deployment-requested",
        "deployment-requested-destroy",
        "deployment-requested-provisioning",
        "deployment-requested-from-promotion",
        "deployment-succeeded",
        "deployment-failed",
        "deployment-failed-destroy",
        "rollback-completed"
      })
  void deploymentSchema_refusesEveryFieldOfItsSampleRenamed_andEveryRequiredOneDropped(
      String sample) throws Exception {
    JsonSchema schema = schemaOf(sample);
    ObjectNode original = detail(sample);
    Set<String> required = new java.util.HashSet<>();
    schemaDocument(EventSchemasTest.schemaNameOf(sample(sample).get("detail-type").asText()))
        .get("required")
        .forEach(r -> required.add(r.asText()));
    List<String> fields = new ArrayList<>();
    original.fieldNames().forEachRemaining(fields::add);
    for (String field : fields) {
      ObjectNode renamed = original.deepCopy();
      renamed.set(field + "X", renamed.remove(field));
      assertFalse(schema.validate(renamed).isEmpty(), field + " renamed is refused");
      if (required.contains(field)) {
        ObjectNode dropped = original.deepCopy();
        dropped.remove(field);
        assertRefused(schema, dropped, "required", field);
      }
    }
  }

  @Test
  void eachDeploymentSchema_refusesTheStatusesOfTheOthers() throws Exception {
    for (String schema : SCHEMAS) {
      for (String status :
          List.of("requested", "provisioning", "succeeded", "failed", "superseded")) {
        ObjectNode detail = detail(schema);
        detail.put("status", status);
        boolean own =
            status.equals(STATUS_OF.get(schema))
                || (schema.equals("deployment-requested") && status.equals("provisioning"));
        if (!own) {
          assertFalse(
              schema(schema).validate(detail).isEmpty(), schema + " refuses status " + status);
        }
      }
    }
  }

  @Test
  void deploymentFailed_needsItsReason_andDeploymentSucceeded_hasNone() throws Exception {
    ObjectNode failed = detail("deployment-failed-destroy");
    failed.remove("reason");
    assertRefused(schema("deployment-failed"), failed, "required", "reason");
    ObjectNode succeeded = detail("deployment-succeeded");
    succeeded.put("reason", "all went well");
    assertRefused(schema("deployment-succeeded"), succeeded, "additionalProperties", "reason");
    ObjectNode empty = detail("deployment-failed");
    empty.put("reason", "");
    assertRefused(schema("deployment-failed"), empty, "minLength", "reason");
  }

  @Test
  void finishedDeployments_needTheirTimes_andAPlanWhenTheySucceeded() throws Exception {
    for (String field : List.of("startedAt", "finishedAt", "durationMillis", "plan")) {
      ObjectNode detail = detail("deployment-succeeded");
      detail.remove(field);
      assertRefused(schema("deployment-succeeded"), detail, "required", field);
    }
    for (String field : List.of("startedAt", "finishedAt", "durationMillis")) {
      ObjectNode detail = detail("deployment-failed");
      detail.remove(field);
      assertRefused(schema("deployment-failed"), detail, "required", field);
    }
    ObjectNode planless = detail("deployment-failed");
    planless.remove("plan");
    assertEquals(
        Set.of(),
        schema("deployment-failed").validate(planless),
        "a deployment may fail before it has a plan");
  }

  @Test
  void deploymentRequested_isUnfinished_andStartedOnlyWhenProvisioning() throws Exception {
    ObjectNode finished = detail("deployment-requested");
    finished.put("finishedAt", "2026-11-22T10:06:00Z");
    assertRefused(schema("deployment-requested"), finished, "additionalProperties", "finishedAt");
    ObjectNode provisioning = detail("deployment-requested-provisioning");
    provisioning.remove("startedAt");
    assertRefused(schema("deployment-requested"), provisioning, "required", "startedAt");
    ObjectNode requested = detail("deployment-requested");
    requested.put("startedAt", "2026-11-22T10:05:01Z");
    assertFalse(
        schema("deployment-requested").validate(requested).isEmpty(),
        "a requested deployment has not started");
  }

  @Test
  void aDeployNamesItsRelease_andADestroyNone() throws Exception {
    for (String field : List.of("version", "digest")) {
      for (String sample :
          List.of("deployment-requested", "deployment-succeeded", "deployment-failed")) {
        ObjectNode deploy = detail(sample);
        deploy.remove(field);
        assertRefused(schemaOf(sample), deploy, "required", field);
      }
      for (String sample : List.of("deployment-requested-destroy", "deployment-failed-destroy")) {
        ObjectNode destroy = detail(sample);
        destroy.put(field, field.equals("version") ? "1.4.2" : "sha256:" + "ab".repeat(32));
        assertFalse(
            schemaOf(sample).validate(destroy).isEmpty(),
            sample + " with a " + field + " is refused");
      }
    }
  }

  @Test
  void deploymentSchema_refusesAnUnknownTierActionOrResourceChange() throws Exception {
    JsonSchema schema = schema("deployment-succeeded");
    ObjectNode tier = detail("deployment-succeeded");
    tier.put("tier", "production");
    assertRefused(schema, tier, "enum", "tier");
    ObjectNode action = detail("deployment-succeeded");
    action.put("action", "rollback");
    assertRefused(schema, action, "enum", "action");
    ObjectNode change = detail("deployment-succeeded");
    ((ObjectNode) change.at("/plan/changes/0")).put("action", "recreate");
    assertRefused(schema, change, "enum", "changes[0].action");
    ObjectNode recreation = detail("deployment-succeeded");
    ((ObjectNode) recreation.at("/plan/changes/0/properties/0")).put("requiresRecreation", "yes");
    assertRefused(schema, recreation, "enum", "requiresRecreation");
    ObjectNode level = detail("deployment-succeeded");
    ((ObjectNode) level.at("/plan/blastRadius")).put("level", "severe");
    assertRefused(schema, level, "enum", "level");
    ObjectNode unpriced = detail("deployment-succeeded");
    ((ObjectNode) unpriced.at("/plan/cost")).remove("notEstimated");
    assertRefused(schema, unpriced, "required", "notEstimated");
    ObjectNode source = detail("deployment-succeeded");
    ((ObjectNode) source.at("/plan/parameters/0")).put("source", "vault");
    assertRefused(schema, source, "enum", "source");
    ObjectNode unsupported = detail("deployment-failed");
    ((ObjectNode) unsupported.at("/plan/summary")).remove("unsupported");
    assertRefused(schema("deployment-failed"), unsupported, "required", "unsupported");
    ObjectNode supported = detail("deployment-failed");
    ((ObjectNode) supported.at("/plan/changes/1")).remove("supported");
    assertRefused(schema("deployment-failed"), supported, "required", "supported");
    ObjectNode extra = detail("deployment-failed");
    ((ArrayNode) extra.at("/plan/changes"))
        .addObject()
        .put("logicalId", "Topic")
        .put("type", "AWS::SNS::Topic")
        .put("action", "add")
        .put("replacement", false)
        .put("supported", false)
        .put("reason", "not made locally");
    assertRefused(schema("deployment-failed"), extra, "additionalProperties", "reason");
  }

  @Test
  void deploymentSchema_refusesIdsNamesAndTimesOutsideTheirRules() throws Exception {
    JsonSchema schema = schema("deployment-requested");
    Map<String, String> bad =
        Map.of(
            "deploymentId", "deployment-1",
            "app", "Payments",
            "environment", "a-very-long-environment",
            "requestedAt", "2026-11-22T11:05:00+01:00",
            "origin", "slack");
    for (var e : bad.entrySet()) {
      ObjectNode detail = detail("deployment-requested");
      detail.put(e.getKey(), e.getValue());
      assertFalse(
          schema.validate(detail).isEmpty(), e.getKey() + " " + e.getValue() + " is refused");
    }
    ObjectNode date = detail("deployment-requested");
    date.put("requestedAt", "2026-13-40T10:05:00Z");
    assertRefused(schema, date, "pattern", "requestedAt");
    ObjectNode outputs = detail("deployment-requested");
    outputs.putObject("outputs").put("Port", 8080);
    assertRefused(schema, outputs, "type", "Port");
    ObjectNode attempts = detail("deployment-requested");
    attempts.put("attempts", -1);
    assertRefused(schema, attempts, "minimum", "attempts");
  }

  /**
   * The promotion workflow puts its own Deployment Requested on the bus
   * (events:putEvents.waitForTaskToken): the deployment as the API function would write it, and
   * also the promotion and the step's task token.
   */
  @Test
  void deploymentRequestedFromAPromotion_namesThePromotionAndTheTaskToken_together()
      throws Exception {
    JsonSchema schema = schema("deployment-requested");
    ObjectNode sample = detail("deployment-requested-from-promotion");
    assertEquals(Set.of(), schema.validate(sample));
    assertEquals(
        "promotion:" + sample.get("promotionId").asText(),
        sample.get("origin").asText(),
        "the sample's origin is its promotion");
    for (String field : List.of("promotionId", "taskToken")) {
      ObjectNode alone = sample.deepCopy();
      alone.remove(field);
      assertRefused(schema, alone, "required", field);
    }
    ObjectNode neither = sample.deepCopy();
    neither.remove("promotionId");
    neither.remove("taskToken");
    assertEquals(
        Set.of(),
        schema.validate(neither),
        "the same deployment sent again (by a provisioner, the sweeper)");
    for (String origin : List.of("api", "rollback:promotion:p-7d2e91c04a5b")) {
      ObjectNode other = sample.deepCopy();
      other.put("origin", origin);
      assertRefused(schema, other, "pattern", "origin");
    }
    ObjectNode started = sample.deepCopy();
    started.put("status", "provisioning");
    started.put("startedAt", "2026-11-22T11:31:04Z");
    assertFalse(schema.validate(started).isEmpty(), "the workflow's request has not started");
    ObjectNode blank = sample.deepCopy();
    blank.put("taskToken", "");
    assertRefused(schema, blank, "minLength", "taskToken");
    ObjectNode huge = sample.deepCopy();
    huge.put("taskToken", "A".repeat(2049));
    assertRefused(schema, huge, "maxLength", "taskToken");
    ObjectNode badId = sample.deepCopy();
    badId.put("promotionId", "p 7d2e91c04a5b");
    assertRefused(schema, badId, "pattern", "promotionId");
    for (String other :
        List.of("deployment-succeeded", "deployment-failed", "rollback-completed")) {
      for (String field : List.of("promotionId", "taskToken")) {
        ObjectNode detail = detail(other);
        detail.put(field, sample.get(field).asText());
        assertRefused(schema(other), detail, "additionalProperties", field);
      }
    }
    ObjectNode destroy = detail("deployment-requested-destroy");
    destroy.put("taskToken", sample.get("taskToken").asText());
    destroy.put("promotionId", sample.get("promotionId").asText());
    assertRefused(schema, destroy, "pattern", "origin");
  }

  /**
   * A promotion's deploy of a stage has a p- id; rollbacks come from rollback
   * (rollback:promotion:...).
   */
  @Test
  void deploymentSchemas_takePromotionDeployIds_andRollbackOrigins() throws Exception {
    for (String schema : SCHEMAS) {
      ObjectNode promoted = detail(schema);
      promoted.put("deploymentId", "p-bbba5e2a93fd453d00ae");
      promoted.put("origin", "promotion:p-7d2e91c04a5b");
      assertEquals(Set.of(), schema(schema).validate(promoted), schema);
      for (String origin : List.of("rollback", "rollback:promotion:p-7d2e91c04a5b")) {
        ObjectNode rollback = detail(schema);
        rollback.put("origin", origin);
        assertEquals(Set.of(), schema(schema).validate(rollback), schema + " " + origin);
      }
      for (String origin : List.of("rollback:", "rollbacks", "promotion:", "api:p-1")) {
        ObjectNode bad = detail(schema);
        bad.put("origin", origin);
        assertRefused(schema(schema), bad, "pattern", "origin");
      }
      ObjectNode badId = detail(schema);
      badId.put("deploymentId", "r-bbba5e2a93fd453d00ae");
      assertRefused(schema(schema), badId, "pattern", "deploymentId");
    }
    assertEquals(
        Set.of(),
        schema("deployment-succeeded").validate(detail("rollback-completed")),
        "a completed rollback is announced as Deployment Succeeded first");
  }

  @Test
  void rollbackCompleted_isASucceededDeployOfARollback() throws Exception {
    JsonSchema schema = schema("rollback-completed");
    for (String origin : List.of("api", "promotion:p-7d2e91c04a5b", "rollbacks", "rollback:")) {
      ObjectNode detail = detail("rollback-completed");
      detail.put("origin", origin);
      assertRefused(schema, detail, "pattern", "origin");
    }
    ObjectNode plain = detail("rollback-completed");
    plain.put("origin", "rollback");
    assertEquals(Set.of(), schema.validate(plain));
    for (String status :
        List.of("requested", "provisioning", "failed", "superseded", "rolled_back")) {
      ObjectNode detail = detail("rollback-completed");
      detail.put("status", status);
      assertRefused(schema, detail, "const", "status");
    }
    ObjectNode destroy = detail("rollback-completed");
    destroy.put("action", "destroy");
    destroy.remove("version");
    destroy.remove("digest");
    assertRefused(schema, destroy, "const", "action");
    for (String field :
        List.of("version", "digest", "plan", "startedAt", "finishedAt", "durationMillis")) {
      ObjectNode detail = detail("rollback-completed");
      detail.remove(field);
      assertRefused(schema, detail, "required", field);
    }
    JsonNode succeeded = schemaDocument("deployment-succeeded");
    JsonNode rollback = schemaDocument("rollback-completed");
    assertEquals(succeeded.get("$defs"), rollback.get("$defs"), "the deployment's definitions");
    assertEquals(succeeded.get("allOf"), rollback.get("allOf"));
    assertEquals(succeeded.get("required"), rollback.get("required"));
    List<String> properties = new ArrayList<>();
    succeeded.get("properties").fieldNames().forEachRemaining(properties::add);
    List<String> rollbackProperties = new ArrayList<>();
    rollback.get("properties").fieldNames().forEachRemaining(rollbackProperties::add);
    assertEquals(properties, rollbackProperties);
    for (String property : properties) {
      if (!property.equals("origin") && !property.equals("action")) {
        assertEquals(
            succeeded.get("properties").get(property),
            rollback.get("properties").get(property),
            property);
      }
    }
  }

  /**
   * The schemas are self-contained, so that each can be read alone (by the validator here, by a
   * schema registry, by a consumer); this keeps their copies of the shared definitions identical.
   */
  @Test
  void deploymentSchemas_describeTheSameDeployment() throws Exception {
    JsonNode first = schemaDocument(SCHEMAS.get(0));
    for (String name : SCHEMAS.subList(1, SCHEMAS.size())) {
      JsonNode other = schemaDocument(name);
      assertEquals(
          first.get("$defs"), other.get("$defs"), name + " shares the $defs of " + SCHEMAS.get(0));
      assertEquals(
          first.at("/allOf/0"), other.at("/allOf/0"), name + " applies the same action rule");
      List<String> properties = new ArrayList<>();
      other.get("properties").fieldNames().forEachRemaining(properties::add);
      for (String property : properties) {
        if (!property.equals("status") && first.get("properties").has(property)) {
          assertEquals(
              first.get("properties").get(property),
              other.get("properties").get(property),
              name + " " + property);
        }
      }
    }
  }
}
