package io.stagecoach.domain.promotion;

import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.pipeline.DeploymentWindow;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.pipeline.StageRules;
import io.stagecoach.domain.pipeline.Verification;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentFreeze;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.testing.Plans;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules of a stage's gates: approval quorums, deployment windows, freezes. Pure, time passed
 * in.
 */
class PromotionGatesTest {

  private static final ApprovalPolicy PROD =
      new ApprovalPolicy(
          List.of(
              new ApprovalPolicy.GroupQuorum("staff", 1),
              new ApprovalPolicy.GroupQuorum("client", 1)),
          Duration.ofHours(1));

  @Test
  void onePersonCountsOnce_evenWhenTheyBelongToEveryGroupThePolicyNames() {
    assertFalse(PROD.isSatisfiedBy(Map.of("pat", Set.of("staff", "client"))));
    assertTrue(
        PROD.isSatisfiedBy(Map.of("pat", Set.of("staff", "client"), "cleo", Set.of("client"))),
        "pat takes the staff seat so that cleo can take the client one");
    assertTrue(PROD.isSatisfiedBy(Map.of("sam", Set.of("staff"), "cleo", Set.of("client"))));
    assertFalse(PROD.isSatisfiedBy(Map.of("sam", Set.of("staff"), "sue", Set.of("staff"))));
    ApprovalPolicy twoStaff =
        new ApprovalPolicy(
            List.of(new ApprovalPolicy.GroupQuorum("staff", 2)), Duration.ofHours(1));
    assertFalse(twoStaff.isSatisfiedBy(Map.of("sam", Set.of("staff"))));
    assertTrue(
        twoStaff.isSatisfiedBy(Map.of("sam", Set.of("staff"), "sue", Set.of("staff", "ops"))));
  }

  @Test
  void whatIsMissing_isWhatTheDecisionsSoFarLeaveOpen_notThePolicy() {
    assertEquals(Map.of("staff", 1, "client", 1), PROD.missing(Map.of()));
    assertEquals(Map.of("client", 1), PROD.missing(Map.of("sam", Set.of("staff"))));
    assertEquals(
        Map.of("client", 1),
        PROD.missing(Map.of("pat", Set.of("staff", "client"))),
        "one person fills one seat");
    assertEquals(
        Map.of(), PROD.missing(Map.of("pat", Set.of("staff", "client"), "cleo", Set.of("client"))));
    ApprovalPolicy twoStaff =
        new ApprovalPolicy(
            List.of(new ApprovalPolicy.GroupQuorum("staff", 2)), Duration.ofHours(1));
    assertEquals(Map.of("staff", 1), twoStaff.missing(Map.of("sam", Set.of("staff"))));
  }

  private static Approval pending(ApprovalPolicy policy) {
    return new Approval(
        "shop:0a1b2c3d4e5f",
        "shop",
        "pr-1",
        "prod",
        "1.0.0",
        policy,
        "rita",
        NOW,
        NOW.plus(Duration.ofHours(1)),
        Approval.Status.PENDING,
        List.of(),
        Optional.of("token"));
  }

  @Test
  void anApproval_keepsThePlanItWasAskedWith_throughDecisionsTokensAndItsEnd() {
    Plan plan =
        Plans.ledgerReplaced(
            "[]",
            Plans.environment("prod", io.stagecoach.domain.registry.Tier.PROD, true),
            List.of());
    Approval a = pending(PROD);
    Approval withPlan =
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
            a.taskToken(),
            Optional.of(plan),
            Optional.empty());

    Approval decided =
        ((Outcome.Accepted<Approval>) withPlan.decide(person("sam", "staff"), true, "", NOW))
            .value();

    assertEquals(Optional.of(plan), decided.plan());
    assertEquals(Optional.of(plan), decided.withTaskToken("another").plan());
    assertEquals(Optional.of(plan), decided.ended(Approval.Status.EXPIRED).plan());
    assertEquals(Optional.empty(), decided.planUnavailable());
  }

  private static Principal person(String name, String... groups) {
    return new Principal(name, Set.of(Role.VIEWER), Set.of(groups));
  }

  @Test
  void requesterCannotApproveOwnPromotion_andOutsidersAndRepeatsAreRefused_andLateDecisionsToo() {
    Approval a = pending(PROD);
    assertEquals(
        Rejection.Code.SELF_APPROVAL, refusal(a.decide(person("rita", "staff"), true, "", NOW)));
    assertEquals(Rejection.Code.FORBIDDEN, refusal(a.decide(person("olga", "ops"), true, "", NOW)));
    Approval once =
        ((Outcome.Accepted<Approval>) a.decide(person("sam", "staff"), true, "ok", NOW)).value();
    assertEquals(Approval.Status.PENDING, once.status());
    assertEquals(
        Set.of("staff"), once.decisions().get(0).groups(), "only the policy's groups are recorded");
    assertEquals(
        Rejection.Code.CONFLICT, refusal(once.decide(person("sam", "staff"), true, "", NOW)));
    assertEquals(
        Rejection.Code.CONFLICT,
        refusal(a.decide(person("cleo", "client"), true, "", NOW.plus(Duration.ofHours(2)))),
        "expired");
    Approval done =
        ((Outcome.Accepted<Approval>) once.decide(person("cleo", "client"), true, "", NOW)).value();
    assertEquals(Approval.Status.APPROVED, done.status());
    assertEquals(
        Rejection.Code.CONFLICT, refusal(done.decide(person("sue", "staff"), false, "", NOW)));
    Approval rejected =
        ((Outcome.Accepted<Approval>) a.decide(person("cleo", "client"), false, "no", NOW)).value();
    assertEquals(Approval.Status.REJECTED, rejected.status(), "one rejection stops it");
    assertEquals(
        Rejection.Code.VALIDATION_FAILED,
        refusal(a.decide(person("sam", "staff"), true, "x".repeat(501), NOW)));
  }

  @Test
  void aWindow_isOpenOnItsDaysBetweenItsHours_inItsTimeZone_andRunsPastMidnight() {
    ZoneId london = ZoneId.of("Europe/London");
    DeploymentWindow office =
        new DeploymentWindow(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.THURSDAY),
            LocalTime.of(9, 0),
            LocalTime.of(16, 0),
            london);
    Instant mondayTen = Instant.parse("2026-11-23T10:00:00Z");
    assertTrue(office.isOpenAt(mondayTen));
    assertFalse(office.isOpenAt(Instant.parse("2026-11-23T16:00:00Z")), "the end is exclusive");
    assertFalse(office.isOpenAt(Instant.parse("2026-11-27T10:00:00Z")), "Friday");
    assertFalse(office.isOpenAt(Instant.parse("2026-11-23T08:59:00Z")));
    DeploymentWindow night =
        new DeploymentWindow(
            EnumSet.of(DayOfWeek.SATURDAY),
            LocalTime.of(22, 0),
            LocalTime.of(2, 0),
            ZoneId.of("UTC"));
    assertTrue(night.isOpenAt(Instant.parse("2026-11-28T23:00:00Z")), "Saturday night");
    assertTrue(
        night.isOpenAt(Instant.parse("2026-11-29T01:00:00Z")),
        "still Saturday's window on Sunday morning");
    assertFalse(
        night.isOpenAt(Instant.parse("2026-11-29T23:00:00Z")), "Sunday night is not Saturday's");
  }

  @Test
  void theGate_refusesAFrozenEnvironment_thenAClosedWindow_withTheirCodes() {
    Environment env =
        new Environment(
            "shop",
            "prod",
            EnvironmentKind.PIPELINE,
            Tier.PROD,
            "123456789012",
            "eu-west-1",
            Map.of(),
            Map.of(),
            true,
            "rita",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            NOW,
            "rita",
            NOW,
            1);
    Stage closed =
        new Stage(
            "prod",
            Optional.empty(),
            Optional.of(
                new DeploymentWindow(
                    EnumSet.of(DayOfWeek.SUNDAY),
                    LocalTime.of(9, 0),
                    LocalTime.of(10, 0),
                    ZoneId.of("UTC"))),
            Optional.empty(),
            Duration.ZERO);
    assertEquals(
        Rejection.Code.WINDOW_CLOSED, PromotionService.gate(closed, env, NOW).orElseThrow().code());
    assertTrue(PromotionService.gate(new Stage("prod"), env, NOW).isEmpty());
    Environment frozen =
        new Environment(
            "shop",
            "prod",
            EnvironmentKind.PIPELINE,
            Tier.PROD,
            "123456789012",
            "eu-west-1",
            Map.of(),
            Map.of(),
            true,
            "rita",
            Optional.empty(),
            Optional.empty(),
            Optional.of(new EnvironmentFreeze("incident 42", "sam", NOW)),
            Optional.empty(),
            NOW,
            "rita",
            NOW,
            2);
    PromotionService.GateClosed gate = PromotionService.gate(closed, frozen, NOW).orElseThrow();
    assertEquals(Rejection.Code.FROZEN, gate.code());
    assertTrue(gate.getMessage().contains("incident 42"));
  }

  /** mon–thu 09:00–16:00 in London; NOW (2026-11-22T10:00Z) is a Sunday. */
  private static Stage officeHours(Duration maxWait) {
    return new Stage(
        "prod",
        Optional.empty(),
        Optional.of(
            new DeploymentWindow(
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.THURSDAY),
                LocalTime.of(9, 0),
                LocalTime.of(16, 0),
                ZoneId.of("Europe/London"))),
        Optional.empty(),
        Duration.ZERO,
        maxWait);
  }

  @Test
  void aClosedWindow_isWaitedFor_untilItsNextOpening_withTheWindowAsThePolicyWritesIt() {
    PromotionService.WindowGate gate =
        PromotionService.windowGate(officeHours(Stage.DEFAULT_MAX_WAIT), "prod", NOW, NOW);
    PromotionService.WindowGate.WaitUntil wait =
        assertInstanceOf(PromotionService.WindowGate.WaitUntil.class, gate);
    assertEquals(Instant.parse("2026-11-23T09:00:00Z"), wait.opensAt(), "Monday 09:00 in London");
    assertTrue(
        wait.reason().contains("mon\u2013thu 09:00\u201316:00 Europe/London"), wait.reason());
    assertTrue(wait.reason().contains("2026-11-23T09:00:00Z"), wait.reason());
    assertInstanceOf(
        PromotionService.WindowGate.Open.class,
        PromotionService.windowGate(
            officeHours(Stage.DEFAULT_MAX_WAIT),
            "prod",
            NOW,
            Instant.parse("2026-11-23T09:00:00Z")),
        "open at its opening");
    assertInstanceOf(
        PromotionService.WindowGate.Open.class,
        PromotionService.windowGate(new Stage("prod"), "prod", NOW, NOW),
        "a stage without a window");
  }

  @Test
  void aWindowThatOpensLaterThanTheStageWaits_isClosed_fromTheTimeTheWaitBegan() {
    PromotionService.WindowGate.TooLate late =
        assertInstanceOf(
            PromotionService.WindowGate.TooLate.class,
            PromotionService.windowGate(officeHours(Duration.ofHours(12)), "prod", NOW, NOW));
    assertTrue(late.reason().contains("maxWaitHours 12"), late.reason());
    // Waiting since Friday 17:00 with 72 h to wait: Monday 09:00 is 64 h later, within it.
    Instant friday = Instant.parse("2026-11-20T17:00:00Z");
    assertInstanceOf(
        PromotionService.WindowGate.WaitUntil.class,
        PromotionService.windowGate(officeHours(Stage.DEFAULT_MAX_WAIT), "prod", friday, NOW));
    // Waiting since Thursday 17:00: Monday 09:00 is 88 h later, past the 72 h the stage waits.
    Instant thursday = Instant.parse("2026-11-19T17:00:00Z");
    assertInstanceOf(
        PromotionService.WindowGate.TooLate.class,
        PromotionService.windowGate(officeHours(Stage.DEFAULT_MAX_WAIT), "prod", thursday, NOW));
  }

  @Test
  void stageRules_boundTheWaitForAWindow() {
    assertTrue(StageRules.problems(officeHours(Duration.ofHours(72)), "p").isEmpty());
    for (Duration bad : List.of(Duration.ZERO, Duration.ofMinutes(30), Duration.ofDays(15))) {
      assertEquals(
          List.of("p.maxWaitHours"),
          StageRules.problems(officeHours(bad), "p").stream().map(FieldError::field).toList(),
          bad.toString());
    }
  }

  @Test
  void stageRules_refuseGatesThatCannotWork() {
    Stage bad =
        new Stage(
            "prod",
            Optional.of(
                new ApprovalPolicy(
                    List.of(new ApprovalPolicy.GroupQuorum("Staff!", 0)), Duration.ofSeconds(1))),
            Optional.of(
                new DeploymentWindow(
                    EnumSet.noneOf(DayOfWeek.class),
                    LocalTime.NOON,
                    LocalTime.NOON,
                    ZoneId.of("UTC"))),
            Optional.of(new Verification("Api Url", "health", 0, Duration.ofSeconds(30))),
            Duration.ofDays(2));
    List<String> fields =
        StageRules.problems(bad, "pipeline[2]").stream().map(FieldError::field).toList();
    assertTrue(
        fields.containsAll(
            List.of(
                "pipeline[2].approval.groups[0].group",
                "pipeline[2].approval.groups[0].min",
                "pipeline[2].approval.timeoutMinutes",
                "pipeline[2].window.days",
                "pipeline[2].window",
                "pipeline[2].verification",
                "pipeline[2].soakSeconds")),
        fields.toString());
  }

  private static Rejection.Code refusal(Outcome<?> outcome) {
    return ((Outcome.Rejected<?>) outcome).rejection().code();
  }
}
