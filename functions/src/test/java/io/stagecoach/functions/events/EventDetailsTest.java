package io.stagecoach.functions.events;

import static io.stagecoach.functions.events.EventContracts.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentAction;
import io.stagecoach.domain.deployment.DeploymentFailed;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.DeploymentSucceeded;
import io.stagecoach.domain.deployment.RollbackCompleted;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.Plans;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment events' {@code detail} (and {@code Rollback Completed}'s, a deployment's too)
 * against their contracts in {@code events/}: what {@link EventDetails} writes satisfies the schema
 * of its detail-type and reads back as the same deployment (object → JSON → object), and each
 * sample event reads as a deployment that is written back unchanged (JSON → object → JSON). A field
 * renamed or dropped on either side fails here.
 */
class EventDetailsTest {

  private static final Instant REQUESTED_AT = Instant.parse("2026-11-22T10:05:00Z");
  private static final Instant STARTED_AT = Instant.parse("2026-11-22T10:05:01.250Z");
  private static final Instant FINISHED_AT = Instant.parse("2026-11-22T10:07:43.800Z");

  /**
   * The task token of a promotion's Deploy step: in the step's own request only, never in
   * Stagecoach's events.
   */
  private static final String TASK_TOKEN =
      "AQCEAAAAKgAAAAMAAAAAAAAAAdLxJfkl0gVzmSp2qbNv7R8bG1xJ3T0m4y5QWc9pOe2uKiHa==";

  /** Not part of any event: the reader is given it to rebuild the whole record. */
  private static final String REQUEST_HASH = "request-hash";

  /** Every field a deployment detail may carry. */
  private static final Set<String> FIELDS =
      Set.of(
          "deploymentId",
          "app",
          "environment",
          "tier",
          "action",
          "version",
          "digest",
          "templateRevision",
          "status",
          "reason",
          "plan",
          "outputs",
          "requestedBy",
          "origin",
          "attempts",
          "requestedAt",
          "startedAt",
          "finishedAt",
          "durationMillis",
          "overrides");

  /** Reviewed, with properties, a secret parameter, a blast radius and a cost estimate. */
  private static final Plan PLAN =
      Plans.ledgerReplaced(
          "[{\"Key\":\"team\",\"Value\":\"payments\"}]",
          Plans.environment("staging", Tier.STAGING, false),
          List.of("prod"));

  private static final Plan PLAN_WITH_UNSUPPORTED =
      new Plan(
          List.of(
              new ResourceChange(
                  "Orders", "AWS::DynamoDB::Table", ResourceChange.Action.MODIFY, false, true),
              new ResourceChange(
                  "Events", "AWS::SQS::Queue", ResourceChange.Action.ADD, false, false)));
  private static final Plan REMOVALS =
      new Plan(
          List.of(
              new ResourceChange(
                  "Orders", "AWS::DynamoDB::Table", ResourceChange.Action.REMOVE, false, true),
              new ResourceChange(
                  "Events", "AWS::SQS::Queue", ResourceChange.Action.REMOVE, false, false)));

  private static Deployment deployRequested() {
    return new Deployment(
        "d-5f0c2a9e41b7",
        "payments",
        "staging",
        Tier.STAGING,
        DeploymentAction.DEPLOY,
        Optional.of("1.4.2"),
        Optional.of(Fixtures.DIGEST),
        DeploymentStatus.REQUESTED,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        "alice@example.com",
        Deployment.ORIGIN_API,
        REQUEST_HASH,
        0,
        REQUESTED_AT,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.of(2));
  }

  private static Deployment destroyRequested() {
    return new Deployment(
        "x-3e9a4c0d7b21f8e65a90",
        "payments",
        "alice",
        Tier.DEV,
        DeploymentAction.DESTROY,
        Optional.empty(),
        Optional.empty(),
        DeploymentStatus.REQUESTED,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        "alice@example.com",
        Deployment.ORIGIN_API,
        REQUEST_HASH,
        0,
        REQUESTED_AT,
        Optional.empty(),
        Optional.empty());
  }

  /** A rollback a promotion asked for after its verification failed: back to the release before. */
  private static Deployment rollbackSucceeded() {
    return new Deployment(
            "d-6a0f3c9e2b71",
            "payments",
            "prod",
            Tier.PROD,
            DeploymentAction.DEPLOY,
            Optional.of("1.4.1"),
            Optional.of(Fixtures.DIGEST),
            DeploymentStatus.REQUESTED,
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            "ci-bot",
            Deployment.ORIGIN_ROLLBACK + ":promotion:p-7d2e91c04a5b",
            REQUEST_HASH,
            0,
            REQUESTED_AT,
            Optional.empty(),
            Optional.empty())
        .withTemplateRevision(1)
        .provisioning(STARTED_AT)
        .succeeded(PLAN, Map.of("OrdersTable", "payments-prod-orders"), FINISHED_AT);
  }

  /** Each event the deployments publish, in each shape its deployment can have then. */
  static Stream<Arguments> deploymentEvents() {
    Deployment provisioning = deployRequested().provisioning(STARTED_AT);
    return Stream.of(
        Arguments.of("requested deploy", new DeploymentRequested(deployRequested())),
        Arguments.of("requested destroy", new DeploymentRequested(destroyRequested())),
        Arguments.of(
            "requested from a promotion",
            new DeploymentRequested(
                new Deployment(
                    "d-a41c07e9b2d65f3810cc",
                    "payments",
                    "prod",
                    Tier.PROD,
                    DeploymentAction.DEPLOY,
                    Optional.of("1.4.2"),
                    Optional.of(Fixtures.DIGEST),
                    DeploymentStatus.REQUESTED,
                    Optional.empty(),
                    Optional.empty(),
                    Map.of(),
                    "ci-bot",
                    "promotion:p-7d2e91c04a5b",
                    REQUEST_HASH,
                    0,
                    REQUESTED_AT,
                    Optional.empty(),
                    Optional.empty()))),
        Arguments.of("sent again while provisioning", new DeploymentRequested(provisioning)),
        Arguments.of(
            "sent again to retry a technical error",
            new DeploymentRequested(
                provisioning.retrying("the provisioner failed: SdkClientException: timed out"))),
        Arguments.of(
            "succeeded with plan and outputs",
            new DeploymentSucceeded(
                provisioning.succeeded(
                    PLAN,
                    Map.of(
                        "OrdersTable",
                        "payments-staging-orders",
                        "OrdersTableArn",
                        "arn:aws:dynamodb:eu-west-1:123456789012:table/payments-staging-orders"),
                    FINISHED_AT))),
        Arguments.of(
            "succeeded destroy",
            new DeploymentSucceeded(
                destroyRequested()
                    .provisioning(STARTED_AT)
                    .succeeded(REMOVALS, Map.of(), FINISHED_AT))),
        Arguments.of(
            "failed destroy",
            new DeploymentFailed(
                destroyRequested()
                    .provisioning(STARTED_AT)
                    .failed(
                        "Orders (AWS::DynamoDB::Table): deletion protection is enabled",
                        Optional.of(REMOVALS),
                        FINISHED_AT))),
        Arguments.of(
            "failed with an unsupported resource",
            new DeploymentFailed(
                provisioning.failed(
                    "Fn::GetAtt Events.QueueUrl in Outputs.EventsQueue is not available in the local cloud",
                    Optional.of(PLAN_WITH_UNSUPPORTED),
                    FINISHED_AT))),
        Arguments.of(
            "failed before a plan",
            new DeploymentFailed(
                provisioning
                    .attempted()
                    .attempted()
                    .failed(
                        "the provisioner failed: SdkClientException: timed out (after 3 attempts)",
                        Optional.empty(),
                        FINISHED_AT))),
        Arguments.of(
            "a promotion's deploy of a stage, sent again while provisioning",
            new DeploymentRequested(promotionDeploy().provisioning(STARTED_AT))),
        Arguments.of(
            "a promotion's deploy of a stage, succeeded",
            new DeploymentSucceeded(
                promotionDeploy().provisioning(STARTED_AT).succeeded(PLAN, Map.of(), FINISHED_AT))),
        Arguments.of("a rollback, succeeded", new DeploymentSucceeded(rollbackSucceeded())),
        Arguments.of("a rollback, completed", new RollbackCompleted(rollbackSucceeded())),
        Arguments.of(
            "a rollback through a freeze, completed",
            new RollbackCompleted(
                rollbackSucceeded()
                    .overriding(
                        new GateOverride(
                            GateOverride.FREEZE,
                            GateOverride.BASIS_POLICY,
                            "rollback during a freeze, let through by app 'payments'"
                                + " freeze.allowRollback: environment 'payments/prod' is frozen"
                                + " by sam since 2026-11-22T13:00:00Z: incident 42")))));
  }

  /**
   * The deployment a promotion's Deploy step asked for, as {@code
   * DeploymentService.recordForPromotion} records it: its p- id, and the step's task token kept as
   * its callback token.
   */
  private static Deployment promotionDeploy() {
    return new Deployment(
        "p-bbba5e2a93fd453d00ae",
        "payments",
        "prod",
        Tier.PROD,
        DeploymentAction.DEPLOY,
        Optional.of("1.4.2"),
        Optional.of(Fixtures.DIGEST),
        DeploymentStatus.REQUESTED,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        "ci-bot",
        "promotion:p-7d2e91c04a5b",
        REQUEST_HASH,
        0,
        REQUESTED_AT,
        Optional.empty(),
        Optional.empty(),
        Optional.of(TASK_TOKEN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deploymentEvents")
  void deploymentEventDetail_satisfiesTheSchemaOfItsDetailType(String shape, StagecoachEvent event)
      throws Exception {
    assertEquals(Set.of(), schemaOf(event.detailType()).validate(EventDetails.detail(event)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deploymentEvents")
  void deploymentEventDetail_readBack_isTheSameDeployment(String shape, StagecoachEvent event)
      throws Exception {
    Deployment published = deploymentOf(event);
    String text = Json.write(EventDetails.detail(event));
    assertFalse(text.contains(TASK_TOKEN), "the callback token is never announced");
    assertEquals(withoutCallbackToken(published), read(Json.parse(text)));
  }

  /**
   * Every field of a detail is required, or appears only when its deployment has it (and is then
   * checked).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("deploymentEvents")
  void deploymentEventDetail_withAnyFieldRenamedOrDropped_isRefusedByItsSchema(
      String shape, StagecoachEvent event) throws Exception {
    JsonSchema schema = schemaOf(event.detailType());
    ObjectNode detail = EventDetails.detail(event);
    List<String> fields = new ArrayList<>();
    detail.fieldNames().forEachRemaining(fields::add);
    assertTrue(FIELDS.containsAll(fields), "fields " + fields);
    for (String field : fields) {
      ObjectNode renamed = detail.deepCopy();
      renamed.set(field + "Renamed", renamed.remove(field));
      assertFalse(schema.validate(renamed).isEmpty(), field + " renamed");
      ObjectNode dropped = detail.deepCopy();
      dropped.remove(field);
      boolean optional =
          field.equals("overrides")
              || field.equals("templateRevision")
              || field.equals("reason") && event instanceof DeploymentRequested
              || field.equals("plan")
                  && !(event instanceof DeploymentSucceeded || event instanceof RollbackCompleted);
      assertEquals(optional, schema.validate(dropped).isEmpty(), field + " dropped");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "deployment-requested",
        "deployment-requested-destroy",
        "deployment-requested-provisioning",
        "deployment-succeeded",
        "deployment-failed",
        "deployment-failed-destroy",
        "rollback-completed"
      })
  void sampleEventDetail_readAsADeployment_isWrittenBackUnchanged(String sample) throws Exception {
    JsonNode event = resource("/events/stagecoach/" + sample + ".json");
    JsonNode detail = event.get("detail");
    Deployment deployment = read(detail);
    String detailType = event.get("detail-type").asText();
    StagecoachEvent republished =
        switch (detailType) {
          case DeploymentRequested.DETAIL_TYPE -> new DeploymentRequested(deployment);
          case DeploymentSucceeded.DETAIL_TYPE -> new DeploymentSucceeded(deployment);
          case DeploymentFailed.DETAIL_TYPE -> new DeploymentFailed(deployment);
          case RollbackCompleted.DETAIL_TYPE -> new RollbackCompleted(deployment);
          default -> throw new AssertionError(sample + " has detail-type " + detailType);
        };
    assertEquals("stagecoach", event.get("source").asText());
    assertEquals(EventDetails.SOURCE, event.get("source").asText());
    assertEquals(detail, Json.parse(Json.write(EventDetails.detail(republished))));
    assertEquals(Set.of(), schemaOf(detailType).validate(EventDetails.detail(republished)));
  }

  /**
   * The promotion workflow's own Deployment Requested (events:putEvents.waitForTaskToken) is the
   * deployment's detail as {@link EventDetails} writes it, plus the promotion and the step's task
   * token. Recorded, the deployment keeps that token as its callback token; every event Stagecoach
   * publishes about it after that (sent again, provisioning, succeeded, failed) satisfies its
   * schema and carries neither.
   */
  @Test
  void
      deploymentRequestedByAPromotion_isTheDetailOfTheDeploymentItRecords_withThePromotionAndTaskToken()
          throws Exception {
    JsonNode event = resource("/events/stagecoach/deployment-requested-from-promotion.json");
    ObjectNode detail = (ObjectNode) event.get("detail").deepCopy();
    assertEquals(Set.of(), schemaOf(DeploymentRequested.DETAIL_TYPE).validate(detail));
    String promotionId = detail.remove("promotionId").textValue();
    String taskToken = detail.remove("taskToken").textValue();
    assertEquals("promotion:" + promotionId, detail.get("origin").asText());
    Deployment recorded = withCallbackToken(read(detail), taskToken);
    assertFalse(detail.has("startedAt"), "the workflow's request has not started");

    ObjectNode republished = EventDetails.detail(new DeploymentRequested(recorded));
    assertEquals(detail, Json.parse(Json.write(republished)));
    ObjectNode asTheWorkflowPutsIt =
        republished.deepCopy().put("promotionId", promotionId).put("taskToken", taskToken);
    assertEquals(event.get("detail"), Json.parse(Json.write(asTheWorkflowPutsIt)));

    for (StagecoachEvent later :
        List.<StagecoachEvent>of(
            new DeploymentRequested(recorded),
            new DeploymentRequested(recorded.provisioning(STARTED_AT)),
            new DeploymentSucceeded(
                recorded.provisioning(STARTED_AT).succeeded(PLAN, Map.of(), FINISHED_AT)),
            new DeploymentFailed(
                recorded.provisioning(STARTED_AT).failed("no", Optional.empty(), FINISHED_AT)))) {
      ObjectNode written = EventDetails.detail(later);
      assertFalse(
          Json.write(written).contains(taskToken),
          later.detailType() + " never carries the task token");
      assertFalse(written.has("taskToken") || written.has("promotionId"));
      assertEquals(Set.of(), schemaOf(later.detailType()).validate(written), later.detailType());
    }
  }

  private static Deployment withCallbackToken(Deployment d, String token) {
    return new Deployment(
        d.id(),
        d.app(),
        d.environment(),
        d.tier(),
        d.action(),
        d.version(),
        d.digest(),
        d.status(),
        d.reason(),
        d.plan(),
        d.outputs(),
        d.requestedBy(),
        d.origin(),
        d.requestHash(),
        d.attempts(),
        d.requestedAt(),
        d.startedAt(),
        d.finishedAt(),
        Optional.of(token));
  }

  private static Deployment withoutCallbackToken(Deployment d) {
    return new Deployment(
        d.id(),
        d.app(),
        d.environment(),
        d.tier(),
        d.action(),
        d.version(),
        d.digest(),
        d.status(),
        d.reason(),
        d.plan(),
        d.outputs(),
        d.requestedBy(),
        d.origin(),
        d.requestHash(),
        d.attempts(),
        d.requestedAt(),
        d.startedAt(),
        d.finishedAt(),
        Optional.empty(),
        d.overrides(),
        d.templateRevision());
  }

  /**
   * Each sample with a plan reads, through {@link DeploymentJson#plan(JsonNode)}, as the plan its
   * summary counts.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "deployment-succeeded",
        "deployment-failed",
        "deployment-failed-destroy",
        "rollback-completed"
      })
  void samplePlan_readBack_isWrittenUnchanged_andItsSummaryCountsItsChanges(String sample)
      throws Exception {
    JsonNode plan = resource("/events/stagecoach/" + sample + ".json").at("/detail/plan");
    Plan read = DeploymentJson.plan(plan);
    assertEquals(plan, Json.parse(Json.write(DeploymentJson.plan(read))));
    assertEquals(
        plan.get("summary"), Json.parse(Json.write(DeploymentJson.summary(read.summary()))));
  }

  // ------------------------------------------------------------ reading a detail

  private static Deployment deploymentOf(StagecoachEvent event) {
    return switch (event) {
      case DeploymentRequested r -> r.deployment();
      case DeploymentSucceeded s -> s.deployment();
      case DeploymentFailed f -> f.deployment();
      case RollbackCompleted r -> r.deployment();
      default -> throw new AssertionError(event.detailType() + " is not a deployment event");
    };
  }

  /**
   * A deployment from its event detail, strictly: every field the record needs must be there under
   * its name and of its type, and no other field may be. The domain has no reader of its own; plans
   * are read by {@link DeploymentJson#plan(JsonNode)}, as the API reads a provisioner's answer.
   */
  private static Deployment read(JsonNode detail) {
    List<String> fields = new ArrayList<>();
    detail.fieldNames().forEachRemaining(fields::add);
    assertTrue(FIELDS.containsAll(fields), "only known fields: " + fields);
    Optional<Instant> startedAt = optionalText(detail, "startedAt").map(Instant::parse);
    Optional<Instant> finishedAt = optionalText(detail, "finishedAt").map(Instant::parse);
    Optional<Long> durationMillis =
        Optional.ofNullable(detail.get("durationMillis")).map(JsonNode::longValue);
    assertEquals(
        startedAt.flatMap(s -> finishedAt.map(f -> Duration.between(s, f).toMillis())),
        durationMillis,
        "durationMillis is from startedAt to finishedAt");
    List<GateOverride> overrides = new ArrayList<>();
    detail
        .path("overrides")
        .forEach(
            o ->
                overrides.add(
                    new GateOverride(text(o, "gate"), text(o, "basis"), text(o, "detail"))));
    Map<String, String> outputs = new TreeMap<>();
    JsonNode outputsNode = required(detail, "outputs", JsonNode::isObject);
    outputsNode.properties().forEach(e -> outputs.put(e.getKey(), e.getValue().textValue()));
    return new Deployment(
        text(detail, "deploymentId"),
        text(detail, "app"),
        text(detail, "environment"),
        wire(detail, "tier", Tier::fromWire),
        wire(detail, "action", DeploymentAction::fromWire),
        optionalText(detail, "version"),
        optionalText(detail, "digest"),
        wire(detail, "status", DeploymentStatus::fromWire),
        optionalText(detail, "reason"),
        Optional.ofNullable(detail.get("plan")).map(DeploymentJson::plan),
        outputs,
        text(detail, "requestedBy"),
        text(detail, "origin"),
        REQUEST_HASH,
        required(detail, "attempts", JsonNode::isInt).intValue(),
        Instant.parse(text(detail, "requestedAt")),
        startedAt,
        finishedAt,
        Optional.empty(),
        overrides,
        Optional.ofNullable(detail.get("templateRevision")).map(JsonNode::intValue));
  }
}
