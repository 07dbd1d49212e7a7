package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.FunctionsTemplateTest.API_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PROMOTION_STEPS_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PUSH_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.SWEEPER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.PromotionTemplateTest.promotionStateMachineRoleId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.TIERS;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.provisionerRoleId;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resources;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class EventBusTemplateTest {

  private static final String BUS = "AWS::Events::EventBus";

  static String busId() {
    return template().getResourceId(BUS);
  }

  @Test
  void stagecoachBus_isTheOnlyBus_namedAfterTheStackInLowercase() {
    template().resourceCountIs(BUS, 1);
    template().hasResourceProperties(BUS, Map.of("Name", "stagecoach-events"));
    assertTrue(busId().startsWith("Bus"), busId());
  }

  @Test
  void stagecoachBus_hasNoResourcePolicy_soOnlyPrincipalsOfThisAccountMayPutEvents() {
    template().resourceCountIs("AWS::Events::EventBusPolicy", 0);
    template()
        .hasResourceProperties(
            BUS,
            Match.objectEquals(
                Map.of(
                    "Name", "stagecoach-events",
                    "Description", "Stagecoach events (source stagecoach)")));
  }

  @Test
  void apiFunction_mayOnlyPutEvents_onTheStagecoachBus() {
    assertMayOnlyPutEventsOnTheStagecoachBus(roleId(API_HANDLER));
  }

  @Test
  void provisionersAndSweeper_mayOnlyPutEvents_onTheStagecoachBus() {
    for (String tier : TIERS) {
      assertMayOnlyPutEventsOnTheStagecoachBus(provisionerRoleId(tier));
    }
    assertMayOnlyPutEventsOnTheStagecoachBus(roleId(SWEEPER_HANDLER));
  }

  /**
   * The promotion's steps function records events of the promotion; its state machine sends
   * Deployment Requested.
   */
  @Test
  void promotionStepsAndThePromotionStateMachine_mayOnlyPutEvents_onTheStagecoachBus() {
    assertMayOnlyPutEventsOnTheStagecoachBus(roleId(PROMOTION_STEPS_HANDLER));
    assertMayOnlyPutEventsOnTheStagecoachBus(promotionStateMachineRoleId());
  }

  /** The push function announces the releases it registers and the deployments it asks for. */
  @Test
  void pushFunction_mayOnlyPutEvents_onTheStagecoachBus() {
    assertMayOnlyPutEventsOnTheStagecoachBus(roleId(PUSH_HANDLER));
  }

  @Test
  void
      onlyTheApiTheSlackWebhookTheThreeProvisionersTheSweeperTheReaperTheDriftScheduleThePromotionAndThePushFunction_mayPutEvents() {
    Set<String> expected = new TreeSet<>();
    expected.add(roleId(API_HANDLER));
    expected.add(roleId(PUSH_HANDLER));
    expected.add(roleId(FunctionsTemplateTest.SLACK_WEBHOOK_HANDLER));
    expected.add(roleId(SWEEPER_HANDLER));
    expected.add(roleId(EphemeralReaper.HANDLER));
    expected.add(roleId(DriftSchedule.HANDLER));
    expected.add(roleId(PROMOTION_STEPS_HANDLER));
    expected.add(promotionStateMachineRoleId());
    TIERS.forEach(tier -> expected.add(provisionerRoleId(tier)));

    Set<String> putters = new TreeSet<>();
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      if (!eventsStatements(roleId).isEmpty()) {
        putters.add(roleId);
      }
    }

    assertEquals(expected, putters);
  }

  private static void assertMayOnlyPutEventsOnTheStagecoachBus(final String roleId) {
    List<Map<String, Object>> events = eventsStatements(roleId);

    assertEquals(1, events.size(), roleId + ": " + asJson(events));
    assertEquals(Set.of("events:PutEvents"), actions(events.get(0)), roleId);
    assertEquals(List.of(getAtt(busId(), "Arn")), resources(events.get(0)), roleId);
  }

  private static List<Map<String, Object>> eventsStatements(final String roleId) {
    return statements(roleId).stream()
        .filter(statement -> actions(statement).stream().anyMatch(a -> a.startsWith("events:")))
        .toList();
  }
}
