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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The promotion events ({@code Promotion Started}, {@code Stage Promoted}, {@code Promotion
 * Succeeded}, {@code Promotion Failed}) share one detail, a promotion as the API shows it; the
 * approval events ({@code Approval Requested}, {@code Granted}, {@code Rejected}, {@code Expired})
 * share another. Each test varies one field of a sample. None of them ever carries the workflow's
 * task token.
 */
class PromotionSchemasTest {

  private static final List<String> PROMOTION_SCHEMAS =
      List.of("promotion-started", "stage-promoted", "promotion-succeeded", "promotion-failed");

  /**
   * The definitions of a plan: Approval Requested carries one (the other approval events do not),
   * described as the deployment events describe theirs.
   */
  private static final List<String> PLAN_DEFS =
      List.of(
          "plan",
          "planSummary",
          "resourceChange",
          "propertyChange",
          "parameterChange",
          "blastRadius",
          "touchedResource",
          "costEstimate",
          "costLine",
          "notEstimated");

  private static JsonNode withoutPlan(JsonNode defs) {
    ObjectNode copy = defs.deepCopy();
    PLAN_DEFS.forEach(copy::remove);
    return copy;
  }

  private static final List<String> APPROVAL_SCHEMAS =
      List.of("approval-requested", "approval-granted", "approval-rejected", "approval-expired");
  private static final List<String> PROMOTION_SAMPLES =
      List.of(
          "promotion-started",
          "stage-promoted",
          "promotion-succeeded",
          "promotion-failed",
          "promotion-failed-verification",
          "promotion-failed-superseded");
  private static final List<String> STAGE_STATUSES =
      List.of(
          "pending",
          "waiting_for_window",
          "awaiting_approval",
          "deploying",
          "verifying",
          "soaking",
          "promoted",
          "failed",
          "rolled_back");
  private static final List<String> FAILURES =
      List.of(
          "approval_rejected",
          "approval_expired",
          "frozen",
          "window_closed",
          "order_violation",
          "not_found",
          "deployment_failed",
          "verification_failed",
          "superseded",
          "timeout",
          "error");

  private static ObjectNode detail(String sample) throws Exception {
    return (ObjectNode) sample(sample).get("detail").deepCopy();
  }

  private static String schemaNameOf(String sample) throws Exception {
    return EventSchemasTest.schemaNameOf(sample(sample).get("detail-type").asText());
  }

  private static JsonSchema schemaOf(String sample) throws Exception {
    return schema(schemaNameOf(sample));
  }

  private static void assertValid(JsonSchema schema, JsonNode detail, String what) {
    Set<ValidationMessage> messages = schema.validate(detail);
    assertEquals(Set.of(), messages, what);
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
                .map(m -> m.getType() + " " + m.getInstanceLocation() + " " + m.getMessage())
                .collect(Collectors.joining("; ")));
  }

  private static ObjectNode stage(ObjectNode detail, int index) {
    return (ObjectNode) detail.get("stages").get(index);
  }

  // ------------------------------------------------------------ both kinds

  /**
   * Every field, at every depth (stages, decisions, the policy and its groups), renamed; every
   * required one dropped.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "promotion-started", "stage-promoted", "promotion-succeeded", "promotion-failed",
            "promotion-failed-verification",
        "promotion-failed-superseded", "approval-requested", "approval-granted",
            "approval-rejected", "approval-expired"
      })
  void schema_refusesEveryFieldOfItsSampleRenamed_andEveryRequiredOneDropped(String sample)
      throws Exception {
    JsonSchema schema = schemaOf(sample);
    ObjectNode original = detail(sample);
    assertValid(schema, original, sample);
    Set<String> required = new HashSet<>();
    schemaDocument(schemaNameOf(sample)).get("required").forEach(r -> required.add(r.asText()));
    List<String> fields = new ArrayList<>();
    original.fieldNames().forEachRemaining(fields::add);
    for (String field : fields) {
      ObjectNode renamed = original.deepCopy();
      renamed.set(field + "X", renamed.remove(field));
      assertRefused(schema, renamed, "additionalProperties", field + "X");
      if (required.contains(field)) {
        ObjectNode dropped = original.deepCopy();
        dropped.remove(field);
        assertRefused(schema, dropped, "required", field);
      }
    }
    int nested = 0;
    for (String pointer : nestedObjects(original)) {
      ObjectNode inner = (ObjectNode) original.at(pointer);
      List<String> innerFields = new ArrayList<>();
      inner.fieldNames().forEachRemaining(innerFields::add);
      for (String field : innerFields) {
        ObjectNode renamed = original.deepCopy();
        ObjectNode at = (ObjectNode) renamed.at(pointer);
        at.set(field + "X", at.remove(field));
        assertRefused(schema, renamed, "additionalProperties", field + "X");
        nested++;
      }
    }
    assertTrue(nested > 0, sample + " has nested objects to vary");
  }

  /** JSON pointers of the objects inside a detail: stages, decisions, policy, policy groups. */
  private static List<String> nestedObjects(JsonNode node) {
    List<String> pointers = new ArrayList<>();
    collect(node, "", pointers);
    pointers.remove("");
    return pointers;
  }

  private static void collect(JsonNode node, String at, List<String> pointers) {
    if (node.isObject()) {
      pointers.add(at);
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        collect(e.getValue(), at + "/" + e.getKey(), pointers);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), at + "/" + i, pointers);
      }
    }
  }

  /** Task tokens answer workflow steps; they stay with Stagecoach and are never announced. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "promotion-started", "stage-promoted", "promotion-succeeded", "promotion-failed",
            "promotion-failed-verification",
        "promotion-failed-superseded", "approval-requested", "approval-granted",
            "approval-rejected", "approval-expired"
      })
  void noPromotionOrApprovalSchema_allowsATaskToken_anywhere(String sample) throws Exception {
    JsonSchema schema = schemaOf(sample);
    assertFalse(
        schemaDocument(schemaNameOf(sample))
            .toString()
            .toLowerCase(java.util.Locale.ROOT)
            .contains("tasktoken"),
        schemaNameOf(sample) + " does not describe a task token");
    ObjectNode top = detail(sample);
    top.put("taskToken", "AQCEAAAAKgAAAAMAAAAAAAAAAe");
    assertRefused(schema, top, "additionalProperties", "taskToken");
    ObjectNode original = detail(sample);
    for (String pointer : nestedObjects(original)) {
      ObjectNode detail = original.deepCopy();
      ((ObjectNode) detail.at(pointer)).put("taskToken", "AQCEAAAAKgAAAAMAAAAAAAAAAe");
      assertRefused(schema, detail, "additionalProperties", "taskToken");
    }
  }

  @Test
  void promotionAndApprovalSchemas_shareTheDefinitionsOfTheirKind_andTheDeploymentsNames()
      throws Exception {
    for (List<String> kind : List.of(PROMOTION_SCHEMAS, APPROVAL_SCHEMAS)) {
      JsonNode first = schemaDocument(kind.get(0));
      for (String name : kind) {
        JsonNode other = schemaDocument(name);
        assertEquals(
            withoutPlan(first.get("$defs")),
            withoutPlan(other.get("$defs")),
            name + " shares the $defs of " + kind.get(0));
        List<String> properties = new ArrayList<>();
        other.get("properties").fieldNames().forEachRemaining(properties::add);
        for (String property : properties) {
          if (!property.equals("status")
              && !property.equals("decisions")
              && first.get("properties").has(property)) {
            assertEquals(
                first.get("properties").get(property),
                other.get("properties").get(property),
                name + " " + property);
          }
        }
      }
    }
    JsonNode deployments = schemaDocument("deployment-succeeded").get("$defs");
    JsonNode promotions = schemaDocument("promotion-started").get("$defs");
    JsonNode approvals = schemaDocument("approval-requested").get("$defs");
    for (String def : PLAN_DEFS) {
      assertEquals(
          deployments.get(def), approvals.get(def), "an approval's " + def + " is a deployment's");
    }
    for (String def :
        List.of(
            "appName",
            "environmentName",
            "version",
            "digest",
            "reason",
            "instant",
            "deploymentId")) {
      assertEquals(
          deployments.get(def), promotions.get(def), "promotions' " + def + " is the deployments'");
    }
    for (String def :
        List.of("appName", "environmentName", "version", "instant", "promotionId", "approvalId")) {
      assertEquals(
          promotions.get(def), approvals.get(def), "approvals' " + def + " is the promotions'");
    }
    assertEquals(
        promotions.at("/promotionId/pattern"),
        schemaDocument("deployment-requested").at("/properties/promotionId/pattern"),
        "Deployment Requested names promotions alike");
  }

  @Test
  void approvalIds_areTheAppAColonAndTwelveHexDigits() throws Exception {
    JsonSchema schema = schema("approval-requested");
    for (String good :
        List.of("payments:0a1b2c3d4e5f", "a:000000000000", "web-shop-2:ffffffffffff")) {
      ObjectNode detail = detail("approval-requested");
      detail.put("approvalId", good);
      assertValid(schema, detail, good);
    }
    for (String bad :
        List.of(
            "payments-0a1b2c3d4e5f",
            "Payments:0a1b2c3d4e5f",
            "payments:0A1B2C3D4E5F",
            "payments:0a1b2c",
            "payments:0a1b2c3d4e5f0",
            ":0a1b2c3d4e5f",
            "payments:",
            "payments::0a1b2c3d4e5f",
            "a-very-long-app-name-over-24:0a1b2c3d4e5f")) {
      ObjectNode detail = detail("approval-requested");
      detail.put("approvalId", bad);
      assertRefused(schema, detail, "pattern", "approvalId");
      ObjectNode inStage = detail("stage-promoted");
      stage(inStage, 0).put("approvalId", bad);
      assertRefused(schema("stage-promoted"), inStage, "pattern", "approvalId");
    }
  }

  @Test
  void schemas_refuseIdsNamesAndTimesOutsideTheirRules() throws Exception {
    Map<String, String> bad =
        Map.of(
            "promotionId", "p 1",
            "app", "Payments",
            "digest", "sha256:" + "AB".repeat(32),
            "version", "-1",
            "startedAt", "2026-11-22T11:30:00+01:00",
            "stage", "a-very-long-environment");
    for (var e : bad.entrySet()) {
      ObjectNode detail = detail("promotion-started");
      detail.put(e.getKey(), e.getValue());
      assertRefused(
          schema("promotion-started"),
          detail,
          e.getKey().equals("stage") ? "maxLength" : "pattern",
          e.getKey());
    }
    ObjectNode expires = detail("approval-requested");
    expires.put("expiresAt", "2026-11-23 11:02:13Z");
    assertRefused(schema("approval-requested"), expires, "pattern", "expiresAt");
    ObjectNode stageTime = detail("promotion-failed");
    stage(stageTime, 1).put("finishedAt", "2026-11-22T12:15:08.770+00:00");
    assertRefused(schema("promotion-failed"), stageTime, "pattern", "finishedAt");
    ObjectNode stageDeployment = detail("stage-promoted");
    stage(stageDeployment, 0).put("deploymentId", "q-3497fdf65b5140bedadd");
    assertRefused(schema("stage-promoted"), stageDeployment, "pattern", "deploymentId");
  }

  // ------------------------------------------------------------ promotions

  @Test
  void promotionSchemas_takeThePromotionStatuses_eachItsOwn() throws Exception {
    Map<String, Set<String>> own =
        Map.of(
            "promotion-started", Set.of("running"),
            "stage-promoted", Set.of("running"),
            "promotion-succeeded", Set.of("succeeded"),
            "promotion-failed", Set.of("failed", "superseded"));
    Set<String> all = new TreeSet<>();
    for (String schema : PROMOTION_SCHEMAS) {
      JsonNode status = schemaDocument(schema).at("/properties/status");
      Set<String> values = new TreeSet<>();
      if (status.has("const")) {
        values.add(status.get("const").asText());
      } else {
        status.get("enum").forEach(v -> values.add(v.asText()));
      }
      assertEquals(own.get(schema), values, schema);
      all.addAll(values);
      for (String other :
          List.of("running", "succeeded", "failed", "superseded", "pending", "promoted")) {
        if (!values.contains(other)) {
          ObjectNode detail = detail(schema);
          detail.put("status", other);
          assertFalse(
              schema(schema).validate(detail).isEmpty(), schema + " refuses status " + other);
        }
      }
    }
    assertEquals(new TreeSet<>(List.of("running", "succeeded", "failed", "superseded")), all);
  }

  @Test
  void stageStatuses_areTheNineOfThePipeline_andNoOther() throws Exception {
    List<String> statuses = new ArrayList<>();
    schemaDocument("promotion-failed")
        .at("/$defs/stageStatus/enum")
        .forEach(s -> statuses.add(s.asText()));
    assertEquals(STAGE_STATUSES, statuses);
    for (String bad : List.of("rolled-back", "approved", "succeeded", "PROMOTED")) {
      ObjectNode detail = detail("promotion-failed");
      stage(detail, 1).put("status", bad);
      assertRefused(schema("promotion-failed"), detail, "enum", "stages[1].status");
    }
  }

  /** Each stage status with the times and fields that go with it. */
  @Test
  void stageProgress_hasTheTimesOfItsStatus() throws Exception {
    JsonSchema schema = schema("stage-promoted");
    for (String status : STAGE_STATUSES) {
      ObjectNode detail = detail("stage-promoted");
      ObjectNode next = stage(detail, 1);
      boolean pending = status.equals("pending");
      boolean ended = List.of("promoted", "failed", "rolled_back").contains(status);
      next.put("status", status);
      if (!pending) {
        next.put("approvalId", "payments:9e0b5d2c71fa")
            .put("deploymentId", "p-bbba5e2a93fd453d00ae")
            .put("startedAt", "2026-11-22T11:02:13.611Z");
      }
      if (ended) {
        next.put("finishedAt", "2026-11-22T12:00:00Z");
      }
      boolean saysWhy = List.of("failed", "rolled_back", "waiting_for_window").contains(status);
      if (saysWhy) {
        next.put("reason", "it did not work");
      }
      assertValid(schema, detail, status);
      if (pending) {
        for (String field : List.of("startedAt", "finishedAt", "approvalId", "deploymentId")) {
          ObjectNode started = detail.deepCopy();
          stage(started, 1)
              .put(
                  field,
                  field.endsWith("At")
                      ? "2026-11-22T12:00:00Z"
                      : field.equals("approvalId")
                          ? "payments:9e0b5d2c71fa"
                          : "p-bbba5e2a93fd453d00ae");
          assertFalse(schema.validate(started).isEmpty(), "a pending stage has no " + field);
        }
      } else {
        ObjectNode unstarted = detail.deepCopy();
        stage(unstarted, 1).remove("startedAt");
        assertRefused(schema, unstarted, "required", "startedAt");
        ObjectNode times = detail.deepCopy();
        if (ended) {
          stage(times, 1).remove("finishedAt");
          assertRefused(schema, times, "required", "finishedAt");
        } else {
          stage(times, 1).put("finishedAt", "2026-11-22T12:00:00Z");
          assertFalse(schema.validate(times).isEmpty(), "a " + status + " stage has not finished");
        }
      }
      if (saysWhy) {
        ObjectNode silent = detail.deepCopy();
        stage(silent, 1).remove("reason");
        assertRefused(schema, silent, "required", "reason");
      } else {
        ObjectNode why = detail.deepCopy();
        stage(why, 1).put("reason", "because");
        assertFalse(schema.validate(why).isEmpty(), "a " + status + " stage gives no reason");
      }
    }
  }

  @Test
  void promotionStarted_isRunning_withEveryStagePending_andNoEnd() throws Exception {
    JsonSchema schema = schema("promotion-started");
    ObjectNode begun = detail("promotion-started");
    stage(begun, 0)
        .put("status", "deploying")
        .put("startedAt", "2026-11-22T10:30:01Z")
        .put("deploymentId", "p-3497fdf65b5140bedadd");
    assertRefused(schema, begun, "const", "stages[0].status");
    for (String field : List.of("failure", "reason", "finishedAt")) {
      ObjectNode ended = detail("promotion-started");
      ended.put(field, field.equals("finishedAt") ? "2026-11-22T10:31:00Z" : "error");
      assertRefused(schema, ended, "additionalProperties", field);
    }
    ObjectNode stageless = detail("promotion-started");
    stageless.remove("stage");
    assertRefused(schema, stageless, "required", "stage");
    ObjectNode empty = detail("promotion-started");
    empty.putArray("stages");
    assertRefused(schema, empty, "minItems", "stages");
  }

  @Test
  void stagePromoted_namesThePassedStage_whichIsPromoted() throws Exception {
    JsonSchema schema = schema("stage-promoted");
    ObjectNode unnamed = detail("stage-promoted");
    unnamed.remove("environment");
    assertRefused(schema, unnamed, "required", "environment");
    ObjectNode nonePromoted = detail("stage-promoted");
    stage(nonePromoted, 0).put("status", "soaking").remove("finishedAt");
    assertRefused(schema, nonePromoted, "minContains", "stages");
    ObjectNode last = detail("stage-promoted");
    last.remove("stage");
    ((ArrayNode) last.get("stages")).remove(1);
    assertValid(schema, last, "after the last stage the promotion is at none");
    ObjectNode failed = detail("stage-promoted");
    failed.put("failure", "error");
    assertRefused(schema, failed, "additionalProperties", "failure");
  }

  @Test
  void promotionSucceeded_hasEveryStagePromoted_isAtNone_andEnded() throws Exception {
    JsonSchema schema = schema("promotion-succeeded");
    ObjectNode at = detail("promotion-succeeded");
    at.put("stage", "prod");
    assertRefused(schema, at, "additionalProperties", "stage");
    ObjectNode unfinished = detail("promotion-succeeded");
    stage(unfinished, 1).put("status", "soaking").remove("finishedAt");
    assertRefused(schema, unfinished, "const", "stages[1].status");
    ObjectNode open = detail("promotion-succeeded");
    open.remove("finishedAt");
    assertRefused(schema, open, "required", "finishedAt");
    ObjectNode failure = detail("promotion-succeeded");
    failure.put("failure", "error");
    assertRefused(schema, failure, "additionalProperties", "failure");
  }

  @Test
  void promotionFailed_carriesItsFailureCode_andReason() throws Exception {
    JsonSchema schema = schema("promotion-failed");
    List<String> codes = new ArrayList<>();
    schemaDocument("promotion-failed")
        .at("/$defs/failure/enum")
        .forEach(c -> codes.add(c.asText()));
    assertEquals(FAILURES, codes);
    for (String code : FAILURES) {
      ObjectNode detail = detail("promotion-failed");
      detail.put("failure", code);
      detail.put("status", code.equals("superseded") ? "superseded" : "failed");
      assertValid(schema, detail, code);
    }
    for (String bad :
        List.of("rejected", "approval-rejected", "APPROVAL_REJECTED", "not_started", "")) {
      ObjectNode detail = detail("promotion-failed");
      detail.put("failure", bad);
      assertRefused(schema, detail, "enum", "failure");
    }
    for (String field : List.of("failure", "reason", "finishedAt")) {
      ObjectNode detail = detail("promotion-failed");
      detail.remove(field);
      assertRefused(schema, detail, "required", field);
    }
    ObjectNode blank = detail("promotion-failed");
    blank.put("reason", "");
    assertRefused(schema, blank, "minLength", "reason");
    ObjectNode supersededButRejected = detail("promotion-failed-superseded");
    supersededButRejected.put("failure", "approval_rejected");
    assertRefused(schema, supersededButRejected, "const", "failure");
    ObjectNode failedButSuperseded = detail("promotion-failed");
    failedButSuperseded.put("failure", "superseded");
    assertFalse(
        schema.validate(failedButSuperseded).isEmpty(),
        "a superseded promotion has status superseded");
  }

  // ------------------------------------------------------------ approvals

  @Test
  void approvalSchemas_eachTakeTheirOwnStatus() throws Exception {
    Map<String, String> own =
        Map.of(
            "approval-requested",
            "pending",
            "approval-granted",
            "approved",
            "approval-rejected",
            "rejected",
            "approval-expired",
            "expired");
    for (String schema : APPROVAL_SCHEMAS) {
      assertEquals(
          own.get(schema), schemaDocument(schema).at("/properties/status/const").asText(), schema);
      for (String status :
          List.of("pending", "approved", "rejected", "expired", "superseded", "granted")) {
        if (!status.equals(own.get(schema))) {
          ObjectNode detail = detail(schema);
          detail.put("status", status);
          assertRefused(schema(schema), detail, "const", "status");
        }
      }
    }
  }

  @Test
  void decisions_followTheApprovalsEnd() throws Exception {
    ObjectNode reject = (ObjectNode) detail("approval-rejected").get("decisions").get(1).deepCopy();
    ObjectNode approve = (ObjectNode) detail("approval-granted").get("decisions").get(0).deepCopy();

    ObjectNode decided = detail("approval-requested");
    ((ArrayNode) decided.get("decisions")).add(approve);
    assertRefused(schema("approval-requested"), decided, "maxItems", "decisions");

    ObjectNode grantedEmpty = detail("approval-granted");
    grantedEmpty.putArray("decisions");
    assertRefused(schema("approval-granted"), grantedEmpty, "minItems", "decisions");
    ObjectNode grantedRejected = detail("approval-granted");
    ((ArrayNode) grantedRejected.get("decisions")).add(reject);
    assertRefused(schema("approval-granted"), grantedRejected, "const", "decisions[2].decision");

    ObjectNode rejectedWithout = detail("approval-rejected");
    ((ArrayNode) rejectedWithout.get("decisions")).remove(1);
    assertRefused(schema("approval-rejected"), rejectedWithout, "minContains", "decisions");
    ObjectNode rejectedTwice = detail("approval-rejected");
    ((ArrayNode) rejectedTwice.get("decisions"))
        .add(reject.deepCopy().put("principal", "dave@client.example"));
    assertRefused(schema("approval-rejected"), rejectedTwice, "maxContains", "decisions");

    ObjectNode expiredRejected = detail("approval-expired");
    ((ArrayNode) expiredRejected.get("decisions")).add(reject);
    assertRefused(schema("approval-expired"), expiredRejected, "const", "decisions[1].decision");
    ObjectNode expiredEmpty = detail("approval-expired");
    expiredEmpty.putArray("decisions");
    assertValid(schema("approval-expired"), expiredEmpty, "nobody decided at all");
  }

  @Test
  void decisionsAndPolicy_keepToTheirRules() throws Exception {
    JsonSchema schema = schema("approval-granted");
    ObjectNode longComment = detail("approval-granted");
    ((ObjectNode) longComment.at("/decisions/0")).put("comment", "x".repeat(501));
    assertRefused(schema, longComment, "maxLength", "comment");
    ObjectNode longestComment = detail("approval-granted");
    ((ObjectNode) longestComment.at("/decisions/0")).put("comment", "x".repeat(500));
    assertValid(schema, longestComment, "500 characters");
    ObjectNode verdict = detail("approval-rejected");
    ((ObjectNode) verdict.at("/decisions/1")).put("decision", "rejected");
    assertFalse(schema("approval-rejected").validate(verdict).isEmpty(), "approve or reject");
    ObjectNode noGroups = detail("approval-granted");
    ((ObjectNode) noGroups.at("/decisions/0")).putArray("groups");
    assertRefused(schema, noGroups, "minItems", "groups");
    ObjectNode twice = detail("approval-granted");
    ((ArrayNode) twice.at("/decisions/0/groups")).add("staff");
    assertRefused(schema, twice, "uniqueItems", "groups");
    ObjectNode badGroup = detail("approval-granted");
    ((ObjectNode) badGroup.at("/policy/groups/0")).put("group", "Staff");
    assertRefused(schema, badGroup, "pattern", "group");
    for (int min : new int[] {0, 11}) {
      ObjectNode quorum = detail("approval-granted");
      ((ObjectNode) quorum.at("/policy/groups/0")).put("min", min);
      assertFalse(schema.validate(quorum).isEmpty(), "min " + min);
    }
    for (int minutes : new int[] {0, 10081}) {
      ObjectNode timeout = detail("approval-granted");
      ((ObjectNode) timeout.get("policy")).put("timeoutMinutes", minutes);
      assertFalse(schema.validate(timeout).isEmpty(), "timeoutMinutes " + minutes);
    }
    ObjectNode fractional = detail("approval-granted");
    ((ObjectNode) fractional.get("policy")).put("timeoutMinutes", 90.5);
    assertRefused(schema, fractional, "type", "timeoutMinutes");
    ObjectNode noQuorum = detail("approval-granted");
    ((ObjectNode) noQuorum.get("policy")).putArray("groups");
    assertRefused(schema, noQuorum, "minItems", "groups");
  }
}
