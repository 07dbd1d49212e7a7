package io.stagecoach.functions.events;

import static io.stagecoach.functions.events.EventContracts.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.ApprovalExpired;
import io.stagecoach.domain.promotion.ApprovalGranted;
import io.stagecoach.domain.promotion.ApprovalRejected;
import io.stagecoach.domain.promotion.ApprovalRequested;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.Promotion.StageProgress;
import io.stagecoach.domain.promotion.Promotion.StageStatus;
import io.stagecoach.domain.promotion.PromotionFailed;
import io.stagecoach.domain.promotion.PromotionStarted;
import io.stagecoach.domain.promotion.PromotionSucceeded;
import io.stagecoach.domain.promotion.StagePromoted;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Json;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.Plans;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The promotion and approval events' {@code detail} against their contracts in {@code events/}:
 * what {@link EventDetails} writes for promotions and approvals taken through the domain's own
 * transitions satisfies the schema of its detail-type and reads back as the same promotion or
 * approval (object → JSON → object), and each sample reads as one that is written back unchanged
 * (JSON → object → JSON). A field renamed or dropped on either side fails here, and the task token
 * an approval keeps never reaches an event.
 */
class PromotionEventDetailsTest {

  private static final String PROMOTION_ID = "p-7d2e91c04a5b";
  private static final String TASK_TOKEN =
      "AQCEAAAAKgAAAAMAAAAAAAAAAdLxJfkl0gVzmSp2qbNv7R8bG1xJ3T0m4y5QWc9pOe2uKiHa==";
  private static final Instant T0 = Instant.parse("2026-11-22T10:30:00.118Z");
  private static final ApprovalPolicy PROD_POLICY =
      new ApprovalPolicy(
          List.of(
              new ApprovalPolicy.GroupQuorum("staff", 1),
              new ApprovalPolicy.GroupQuorum("client", 1)),
          Duration.ofHours(24));
  private static final Principal ALICE =
      new Principal("alice@example.com", Set.of(), Set.of("staff"));
  private static final Principal CAROL =
      new Principal("carol@client.example", Set.of(), Set.of("client"));

  /** In both groups of the policy (and one it does not name): counted for those two only. */
  private static final Principal DANA =
      new Principal("dana@example.com", Set.of(), Set.of("staff", "client", "ops"));

  private static final Set<String> PROMOTION_FIELDS =
      Set.of(
          "promotionId",
          "app",
          "version",
          "digest",
          "status",
          "requestedBy",
          "startedAt",
          "stage",
          "stages",
          "failure",
          "reason",
          "finishedAt");
  private static final Set<String> STAGE_FIELDS =
      Set.of(
          "environment",
          "status",
          "approvalId",
          "deploymentId",
          "startedAt",
          "finishedAt",
          "reason");
  private static final Set<String> APPROVAL_FIELDS =
      Set.of(
          "approvalId",
          "app",
          "promotionId",
          "environment",
          "version",
          "status",
          "requestedBy",
          "requestedAt",
          "expiresAt",
          "policy",
          "decisions",
          "plan",
          "planUnavailable");

  // ------------------------------------------------------------ promotions, as PromotionService
  // moves them

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  private static Promotion started() {
    return new Promotion(
        PROMOTION_ID,
        "payments",
        "1.4.2",
        Fixtures.DIGEST,
        "ci-bot",
        T0,
        Promotion.Status.RUNNING,
        List.of(StageProgress.pending("staging"), StageProgress.pending("prod")),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        1);
  }

  private static StageProgress stage(Promotion p, String environment) {
    return p.stage(environment).orElseThrow();
  }

  /** Enter: the stage waits for approval (with its deployment's id), or deploys at once. */
  private static Promotion entered(Promotion p, String environment, boolean approve, int minute) {
    String deploymentId =
        environment.equals("staging") ? "p-3497fdf65b5140bedadd" : "p-bbba5e2a93fd453d00ae";
    return p.withStage(
        stage(p, environment)
            .with(approve ? StageStatus.AWAITING_APPROVAL : StageStatus.DEPLOYING, at(minute))
            .withDeployment(deploymentId));
  }

  private static Promotion approvalRequested(Promotion p, String environment, String approvalId) {
    return p.withStage(stage(p, environment).withApproval(approvalId));
  }

  private static Promotion moved(Promotion p, String environment, StageStatus status, int minute) {
    return p.withStage(stage(p, environment).with(status, at(minute)));
  }

  /** Through every gate of a stage to promoted; the stage before it must be promoted already. */
  private static Promotion promoted(Promotion p, String environment, int minute) {
    Promotion next =
        approvalRequested(
            entered(p, environment, true, minute), environment, "payments:4c1e9a07b3d2");
    next = moved(next, environment, StageStatus.DEPLOYING, minute + 5);
    next = moved(next, environment, StageStatus.SOAKING, minute + 10);
    return moved(next, environment, StageStatus.PROMOTED, minute + 30);
  }

  /**
   * As PromotionService.fail: the current stage fails (unless it stopped already), then the
   * promotion.
   */
  private static Promotion failed(
      Promotion p, Promotion.Status status, String code, String reason, int minute) {
    Promotion next = p;
    Optional<StageProgress> current = p.current();
    if (current.isPresent()
        && current.get().status() != StageStatus.ROLLED_BACK
        && current.get().status() != StageStatus.FAILED) {
      next = next.withStage(current.get().with(StageStatus.FAILED, at(minute)).withReason(reason));
    }
    return next.ended(status, Optional.of(code), Optional.of(reason), at(minute));
  }

  /**
   * As PromotionService.record: a gate or verification marks the stage and the promotion's failure
   * first.
   */
  private static Promotion recorded(Promotion p, StageProgress stage, String code, String reason) {
    Promotion next = p.withStage(stage);
    return new Promotion(
        next.id(),
        next.app(),
        next.version(),
        next.digest(),
        next.requestedBy(),
        next.startedAt(),
        next.status(),
        next.stages(),
        Optional.of(code),
        Optional.of(reason),
        next.finishedAt(),
        next.revision());
  }

  static Stream<Arguments> promotionEvents() {
    Promotion start = started();
    Promotion stagingDone = promoted(start, "staging", 1);
    Promotion prodWaiting =
        approvalRequested(entered(stagingDone, "prod", true, 40), "prod", "payments:9e0b5d2c71fa");
    Promotion prodDeploying = moved(prodWaiting, "prod", StageStatus.DEPLOYING, 60);
    Promotion prodVerifying = moved(prodDeploying, "prod", StageStatus.VERIFYING, 70);
    Promotion allDone = moved(prodVerifying, "prod", StageStatus.PROMOTED, 75);
    String frozen =
        "environment 'payments/staging' is frozen by alice@example.com since 2026-11-22T09:00:00Z: audit";
    String verification =
        "verification of 'prod' failed: health answered 503; rolling back to 1.4.1 (deployment d-6a0f3c9e2b71)";
    return Stream.of(
        Arguments.of("started", new PromotionStarted(start)),
        Arguments.of(
            "started with one stage",
            new PromotionStarted(
                new Promotion(
                    PROMOTION_ID,
                    "payments",
                    "1.4.2",
                    Fixtures.DIGEST,
                    "ci-bot",
                    T0,
                    Promotion.Status.RUNNING,
                    List.of(StageProgress.pending("prod")),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    1))),
        Arguments.of("staging promoted", new StagePromoted(stagingDone, "staging")),
        Arguments.of(
            "staging promoted without an approval",
            new StagePromoted(
                moved(
                    moved(entered(start, "staging", false, 1), "staging", StageStatus.VERIFYING, 5),
                    "staging",
                    StageStatus.PROMOTED,
                    6),
                "staging")),
        Arguments.of("last stage promoted", new StagePromoted(allDone, "prod")),
        Arguments.of(
            "succeeded",
            new PromotionSucceeded(
                allDone.ended(
                    Promotion.Status.SUCCEEDED, Optional.empty(), Optional.empty(), at(76)))),
        Arguments.of(
            "failed at a frozen first stage",
            new PromotionFailed(
                failed(
                    recorded(
                        start,
                        stage(start, "staging").with(StageStatus.FAILED, at(1)).withReason(frozen),
                        "frozen",
                        frozen),
                    Promotion.Status.FAILED,
                    "frozen",
                    frozen,
                    1))),
        Arguments.of(
            "approval rejected",
            new PromotionFailed(
                failed(
                    prodWaiting,
                    Promotion.Status.FAILED,
                    "approval_rejected",
                    "rejected by carol@client.example: not today",
                    50))),
        Arguments.of(
            "approval expired",
            new PromotionFailed(
                failed(
                    prodWaiting,
                    Promotion.Status.FAILED,
                    "approval_expired",
                    "nobody approved 'prod' in time",
                    1480))),
        Arguments.of(
            "superseded while waiting",
            new PromotionFailed(
                failed(
                    prodWaiting,
                    Promotion.Status.SUPERSEDED,
                    "superseded",
                    "superseded by promotion p-1b8d4f7e20c9 of release 1.4.3",
                    45))),
        Arguments.of(
            "deployment failed",
            new PromotionFailed(
                failed(
                    prodDeploying,
                    Promotion.Status.FAILED,
                    "deployment_failed",
                    "the deployment to 'prod' failed: stack rolled back",
                    65))),
        Arguments.of(
            "verification failed, rolled back",
            new PromotionFailed(
                failed(
                    recorded(
                        prodDeploying,
                        stage(prodDeploying, "prod")
                            .with(StageStatus.ROLLED_BACK, at(68))
                            .withReason(verification),
                        "verification_failed",
                        verification),
                    Promotion.Status.FAILED,
                    "verification_failed",
                    verification,
                    69))),
        Arguments.of(
            "timed out while verifying",
            new PromotionFailed(
                failed(prodVerifying, Promotion.Status.FAILED, "timeout", "a step timed out", 90))),
        Arguments.of(
            "failed after every stage",
            new PromotionFailed(
                failed(
                    allDone,
                    Promotion.Status.FAILED,
                    "error",
                    "Lambda.ServiceException: unavailable",
                    80))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("promotionEvents")
  void promotionEventDetail_satisfiesTheSchemaOfItsDetailType(String shape, StagecoachEvent event)
      throws Exception {
    assertEquals(Set.of(), schemaOf(event.detailType()).validate(EventDetails.detail(event)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("promotionEvents")
  void promotionEventDetail_readBack_isTheSamePromotion(String shape, StagecoachEvent event)
      throws Exception {
    JsonNode detail = Json.parse(Json.write(EventDetails.detail(event)));
    Promotion published = promotionOf(event);
    assertEquals(withRevision(published, 0), readPromotion(detail, event));
  }

  /**
   * Top-level and stage fields renamed are refused; dropped, refused unless the promotion may lack
   * them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("promotionEvents")
  void promotionEventDetail_withAnyFieldRenamedOrDropped_isRefusedByItsSchema(
      String shape, StagecoachEvent event) throws Exception {
    JsonSchema schema = schemaOf(event.detailType());
    ObjectNode detail = EventDetails.detail(event);
    Set<String> optional =
        event instanceof StagePromoted || event instanceof PromotionFailed
            ? Set.of("stage")
            : Set.of();
    assertRenamedAndDroppedFieldsRefused(schema, detail, "", optional);
    for (int i = 0; i < detail.get("stages").size(); i++) {
      assertRenamedAndDroppedFieldsRefused(
          schema, detail, "/stages/" + i, Set.of("approvalId", "deploymentId"));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "promotion-started",
        "stage-promoted",
        "promotion-succeeded",
        "promotion-failed",
        "promotion-failed-verification",
        "promotion-failed-superseded"
      })
  void samplePromotionDetail_readAsAPromotion_isWrittenBackUnchanged(String sample)
      throws Exception {
    JsonNode event = resource("/events/stagecoach/" + sample + ".json");
    JsonNode detail = event.get("detail");
    String detailType = event.get("detail-type").asText();
    Promotion promotion = readPromotion(detail, null);
    StagecoachEvent republished =
        switch (detailType) {
          case PromotionStarted.DETAIL_TYPE -> new PromotionStarted(promotion);
          case StagePromoted.DETAIL_TYPE ->
              new StagePromoted(promotion, detail.get("environment").textValue());
          case PromotionSucceeded.DETAIL_TYPE -> new PromotionSucceeded(promotion);
          case PromotionFailed.DETAIL_TYPE -> new PromotionFailed(promotion);
          default -> throw new AssertionError(sample + " has detail-type " + detailType);
        };
    assertEquals(detail, Json.parse(Json.write(EventDetails.detail(republished))));
    assertEquals(Set.of(), schemaOf(detailType).validate(EventDetails.detail(republished)));
  }

  // ------------------------------------------------------------ approvals, as people decide them

  private static Approval requested() {
    return new Approval(
        "payments:9e0b5d2c71fa",
        "payments",
        PROMOTION_ID,
        "prod",
        "1.4.2",
        PROD_POLICY,
        "ci-bot",
        at(40),
        at(40).plus(PROD_POLICY.timeout()),
        Approval.Status.PENDING,
        List.of(),
        Optional.of(TASK_TOKEN),
        Optional.of(
            Plans.ledgerReplaced("{}", Plans.environment("prod", Tier.PROD, true), List.of())),
        Optional.empty());
  }

  private static Approval decided(
      Approval a, Principal who, boolean approve, String comment, int minute) {
    Outcome<Approval> outcome = a.decide(who, approve, comment, at(minute));
    if (outcome instanceof Outcome.Accepted<Approval> accepted) {
      return accepted.value();
    }
    throw new AssertionError(who.name() + " could not decide: " + outcome);
  }

  static Stream<Arguments> approvalEvents() {
    Approval alice = decided(requested(), ALICE, true, "staging soaked clean", 45);
    Approval granted = decided(alice, CAROL, true, "", 50);
    Approval rejected =
        decided(alice, CAROL, false, "the change freeze for the audit starts today", 50);
    assertEquals(Approval.Status.APPROVED, granted.status());
    assertEquals(Approval.Status.REJECTED, rejected.status());
    Approval oneQuorumPerPerson =
        new Approval(
            "payments:0a1b2c3d4e5f",
            "payments",
            PROMOTION_ID,
            "staging",
            "1.4.2",
            new ApprovalPolicy(
                List.of(new ApprovalPolicy.GroupQuorum("staff", 1)), Duration.ofMinutes(90)),
            "ci-bot",
            at(1),
            at(91),
            Approval.Status.PENDING,
            List.of(),
            Optional.of(TASK_TOKEN),
            Optional.empty(),
            Optional.of("the staging provisioner could not plan now (ServiceException)"));
    return Stream.of(
        Arguments.of("requested", new ApprovalRequested(requested())),
        Arguments.of("requested, 90 minutes to decide", new ApprovalRequested(oneQuorumPerPerson)),
        Arguments.of("granted by two people", new ApprovalGranted(granted)),
        Arguments.of(
            "granted by one in several groups",
            new ApprovalGranted(decided(oneQuorumPerPerson, DANA, true, "fine by me", 2))),
        Arguments.of("rejected after an approval", new ApprovalRejected(rejected)),
        Arguments.of(
            "rejected at once", new ApprovalRejected(decided(requested(), DANA, false, "", 41))),
        Arguments.of(
            "expired half approved", new ApprovalExpired(alice.ended(Approval.Status.EXPIRED))),
        Arguments.of(
            "expired untouched", new ApprovalExpired(requested().ended(Approval.Status.EXPIRED))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("approvalEvents")
  void approvalEventDetail_satisfiesTheSchemaOfItsDetailType_andNeverCarriesTheTaskToken(
      String shape, StagecoachEvent event) throws Exception {
    ObjectNode detail = EventDetails.detail(event);
    assertEquals(Set.of(), schemaOf(event.detailType()).validate(detail));
    assertTrue(approvalOf(event).taskToken().isPresent(), "the approval keeps its token");
    assertFalse(Json.write(detail).contains(TASK_TOKEN), "the token never reaches the bus");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("approvalEvents")
  void approvalEventDetail_readBack_isTheSameApproval_withoutItsTaskToken(
      String shape, StagecoachEvent event) throws Exception {
    JsonNode detail = Json.parse(Json.write(EventDetails.detail(event)));
    Approval a = approvalOf(event);
    Approval shown =
        new Approval(
            a.id(),
            a.app(),
            a.promotionId(),
            a.environment(),
            a.version(),
            a.policy(),
            a.requestedBy(),
            a.requestedAt(),
            a.expiresAt(),
            a.status(),
            a.decisions(),
            Optional.empty(),
            // Only Approval Requested carries the plan (or why there is none).
            event instanceof ApprovalRequested ? a.plan() : Optional.empty(),
            event instanceof ApprovalRequested ? a.planUnavailable() : Optional.empty());
    assertEquals(shown, readApproval(detail));
  }

  /**
   * Fields renamed are refused at every depth (the policy, its groups, each decision); dropped, all
   * refused.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("approvalEvents")
  void approvalEventDetail_withAnyFieldRenamedOrDropped_isRefusedByItsSchema(
      String shape, StagecoachEvent event) throws Exception {
    JsonSchema schema = schemaOf(event.detailType());
    ObjectNode detail = EventDetails.detail(event);
    assertRenamedAndDroppedFieldsRefused(schema, detail, "", Set.of());
    assertRenamedAndDroppedFieldsRefused(schema, detail, "/policy", Set.of());
    for (int i = 0; i < detail.at("/policy/groups").size(); i++) {
      assertRenamedAndDroppedFieldsRefused(schema, detail, "/policy/groups/" + i, Set.of());
    }
    for (int i = 0; i < detail.get("decisions").size(); i++) {
      assertRenamedAndDroppedFieldsRefused(schema, detail, "/decisions/" + i, Set.of());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"approval-requested", "approval-granted", "approval-rejected", "approval-expired"})
  void sampleApprovalDetail_readAsAnApproval_isWrittenBackUnchanged(String sample)
      throws Exception {
    JsonNode event = resource("/events/stagecoach/" + sample + ".json");
    JsonNode detail = event.get("detail");
    String detailType = event.get("detail-type").asText();
    Approval approval = readApproval(detail);
    StagecoachEvent republished =
        switch (detailType) {
          case ApprovalRequested.DETAIL_TYPE -> new ApprovalRequested(approval);
          case ApprovalGranted.DETAIL_TYPE -> new ApprovalGranted(approval);
          case ApprovalRejected.DETAIL_TYPE -> new ApprovalRejected(approval);
          case ApprovalExpired.DETAIL_TYPE -> new ApprovalExpired(approval);
          default -> throw new AssertionError(sample + " has detail-type " + detailType);
        };
    assertEquals(detail, Json.parse(Json.write(EventDetails.detail(republished))));
    assertEquals(Set.of(), schemaOf(detailType).validate(EventDetails.detail(republished)));
  }

  // ------------------------------------------------------------ renaming and dropping

  /**
   * Each field of the object at {@code pointer}: renamed, refused; dropped, refused unless {@code
   * optional}.
   */
  private static void assertRenamedAndDroppedFieldsRefused(
      JsonSchema schema, ObjectNode detail, String pointer, Set<String> optional) {
    List<String> fields = new ArrayList<>();
    detail.at(pointer).fieldNames().forEachRemaining(fields::add);
    assertFalse(fields.isEmpty(), pointer);
    for (String field : fields) {
      ObjectNode renamed = detail.deepCopy();
      ObjectNode in = (ObjectNode) renamed.at(pointer);
      in.set(field + "Renamed", in.remove(field));
      assertFalse(schema.validate(renamed).isEmpty(), pointer + "/" + field + " renamed");
      ObjectNode dropped = detail.deepCopy();
      ((ObjectNode) dropped.at(pointer)).remove(field);
      assertEquals(
          optional.contains(field),
          schema.validate(dropped).isEmpty(),
          pointer + "/" + field + " dropped");
    }
  }

  // ------------------------------------------------------------ reading a detail

  private static Promotion promotionOf(StagecoachEvent event) {
    return switch (event) {
      case PromotionStarted p -> p.promotion();
      case StagePromoted p -> p.promotion();
      case PromotionSucceeded p -> p.promotion();
      case PromotionFailed p -> p.promotion();
      default -> throw new AssertionError(event.detailType() + " is not a promotion event");
    };
  }

  private static Approval approvalOf(StagecoachEvent event) {
    return switch (event) {
      case ApprovalRequested a -> a.approval();
      case ApprovalGranted a -> a.approval();
      case ApprovalRejected a -> a.approval();
      case ApprovalExpired a -> a.approval();
      default -> throw new AssertionError(event.detailType() + " is not an approval event");
    };
  }

  private static Promotion withRevision(Promotion p, long revision) {
    return new Promotion(
        p.id(),
        p.app(),
        p.version(),
        p.digest(),
        p.requestedBy(),
        p.startedAt(),
        p.status(),
        p.stages(),
        p.failure(),
        p.reason(),
        p.finishedAt(),
        revision);
  }

  /**
   * A promotion from its event detail, strictly: every field the record needs under its name and of
   * its type, nothing else (but Stage Promoted's environment, which names one of its stages);
   * revision is not shown.
   */
  private static Promotion readPromotion(JsonNode detail, StagecoachEvent event) {
    List<String> fields = new ArrayList<>();
    detail.fieldNames().forEachRemaining(fields::add);
    fields.remove("environment");
    assertTrue(PROMOTION_FIELDS.containsAll(fields), "only known fields: " + fields);
    if (event instanceof StagePromoted p) {
      assertEquals(p.environment(), text(detail, "environment"));
    }
    List<StageProgress> stages = new ArrayList<>();
    for (JsonNode s : required(detail, "stages", JsonNode::isArray)) {
      List<String> stageFields = new ArrayList<>();
      s.fieldNames().forEachRemaining(stageFields::add);
      assertTrue(STAGE_FIELDS.containsAll(stageFields), "only known stage fields: " + stageFields);
      stages.add(
          new StageProgress(
              text(s, "environment"),
              wire(s, "status", StageStatus::fromWire),
              optionalText(s, "approvalId"),
              optionalText(s, "deploymentId"),
              optionalText(s, "startedAt").map(Instant::parse),
              optionalText(s, "finishedAt").map(Instant::parse),
              optionalText(s, "reason")));
    }
    Promotion p =
        new Promotion(
            text(detail, "promotionId"),
            text(detail, "app"),
            text(detail, "version"),
            text(detail, "digest"),
            text(detail, "requestedBy"),
            Instant.parse(text(detail, "startedAt")),
            wire(detail, "status", PromotionEventDetailsTest::promotionStatus),
            stages,
            optionalText(detail, "failure"),
            optionalText(detail, "reason"),
            optionalText(detail, "finishedAt").map(Instant::parse),
            0);
    if (event instanceof StagePromoted sp) {
      assertEquals(
          Optional.of(StageStatus.PROMOTED), p.stage(sp.environment()).map(StageProgress::status));
    }
    return p;
  }

  private static Optional<Promotion.Status> promotionStatus(String wire) {
    return Stream.of(Promotion.Status.values()).filter(s -> s.wireName().equals(wire)).findFirst();
  }

  /** An approval from its event detail, strictly; the task token is never there to read. */
  private static Approval readApproval(JsonNode detail) {
    List<String> fields = new ArrayList<>();
    detail.fieldNames().forEachRemaining(fields::add);
    assertTrue(APPROVAL_FIELDS.containsAll(fields), "only known fields: " + fields);
    JsonNode policy = required(detail, "policy", JsonNode::isObject);
    List<ApprovalPolicy.GroupQuorum> quorums = new ArrayList<>();
    for (JsonNode q : required(policy, "groups", JsonNode::isArray)) {
      assertEquals(Set.of("group", "min"), names(q));
      quorums.add(
          new ApprovalPolicy.GroupQuorum(
              text(q, "group"), required(q, "min", JsonNode::isInt).intValue()));
    }
    assertEquals(Set.of("groups", "timeoutMinutes"), names(policy));
    Duration timeout =
        Duration.ofMinutes(
            required(policy, "timeoutMinutes", JsonNode::isIntegralNumber).longValue());
    List<Approval.Decision> decisions = new ArrayList<>();
    for (JsonNode d : required(detail, "decisions", JsonNode::isArray)) {
      assertEquals(Set.of("principal", "decision", "comment", "at", "groups"), names(d));
      String verdict = text(d, "decision");
      assertTrue(verdict.equals("approve") || verdict.equals("reject"), verdict);
      Set<String> groups = new HashSet<>();
      ArrayNode groupNodes = (ArrayNode) required(d, "groups", JsonNode::isArray);
      groupNodes.forEach(g -> groups.add(g.textValue()));
      decisions.add(
          new Approval.Decision(
              text(d, "principal"),
              groups,
              verdict.equals("approve"),
              text(d, "comment"),
              Instant.parse(text(d, "at"))));
    }
    return new Approval(
        text(detail, "approvalId"),
        text(detail, "app"),
        text(detail, "promotionId"),
        text(detail, "environment"),
        text(detail, "version"),
        new ApprovalPolicy(quorums, timeout),
        text(detail, "requestedBy"),
        Instant.parse(text(detail, "requestedAt")),
        Instant.parse(text(detail, "expiresAt")),
        wire(detail, "status", Approval.Status::fromWire),
        decisions,
        Optional.empty(),
        Optional.ofNullable(detail.get("plan")).map(DeploymentJson::plan),
        optionalText(detail, "planUnavailable"));
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theEventsAbove_coverEveryDetailTypeOfPromotionsAndApprovals() {
    Set<String> covered = new HashSet<>();
    promotionEvents().forEach(a -> covered.add(((StagecoachEvent) a.get()[1]).detailType()));
    approvalEvents().forEach(a -> covered.add(((StagecoachEvent) a.get()[1]).detailType()));
    assertEquals(
        Set.of(
            PromotionStarted.DETAIL_TYPE,
            StagePromoted.DETAIL_TYPE,
            PromotionSucceeded.DETAIL_TYPE,
            PromotionFailed.DETAIL_TYPE,
            ApprovalRequested.DETAIL_TYPE,
            ApprovalGranted.DETAIL_TYPE,
            ApprovalRejected.DETAIL_TYPE,
            ApprovalExpired.DETAIL_TYPE),
        covered);
  }
}
