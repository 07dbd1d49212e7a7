package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.logGroupIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.byActions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The drift detector: its hourly schedule (each environment checked once a day by default), its
 * least-privilege role, and the per-tier rules that hand the checks to the provisioners.
 */
class DriftScheduleTemplateTest {

  private static final String RULE = "AWS::Events::Rule";
  private static final String HANDLER = DriftSchedule.HANDLER;

  @Test
  @SuppressWarnings("unchecked")
  void schedule_runsHourly_onItsLiveAlias_withAFixedInput_andChecksEachEnvironmentDaily() {
    String scheduleId =
        template()
            .getResourceId(
                RULE,
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of(
                            "Description",
                            "Starts a drift check of each deployed environment last checked 24"
                                + " hours ago or more"))));
    Map<String, Object> schedule = properties(resourcesOfType(RULE).get(scheduleId));
    assertEquals("rate(1 hour)", schedule.get("ScheduleExpression"));
    assertNull(schedule.get("EventPattern"));
    List<Map<String, Object>> targets = (List<Map<String, Object>>) schedule.get("Targets");
    assertEquals(1, targets.size(), asJson(targets));
    Map<String, Object> target = new LinkedHashMap<>(targets.get(0));
    target.remove("Id");
    assertEquals(
        Map.of(
            "Arn", ref(liveAliasId(HANDLER)),
            "Input", "{\"check\":\"drift\"}",
            "RetryPolicy", Map.of("MaximumRetryAttempts", 2)),
        target);
    Map<String, Object> function =
        properties(
            resourcesOfType("AWS::Lambda::Function")
                .get(FunctionsTemplateTest.functionId(HANDLER)));
    Map<String, Object> variables =
        (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
    assertEquals("24", variables.get(DriftSchedule.INTERVAL_VARIABLE));
  }

  @Test
  void scheduleRole_readsAndUpdatesRegistryItems_putsEvents_andTouchesNoStackNorRole() {
    Object table = getAtt(tableId(), "Arn");
    Map<Set<String>, List<Object>> granted = byActions(statements(roleId(HANDLER)));
    assertEquals(
        Map.of(
            Set.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(getAtt(logGroupIdOf(FunctionsTemplateTest.functionId(HANDLER)), "Arn")),
            Set.of("dynamodb:Query"),
            List.of(table, Map.of("Fn::Join", List.of("", List.of(table, "/index/gsi1")))),
            Set.of("dynamodb:GetItem", "dynamodb:UpdateItem"),
            List.of(table),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn"))),
        granted);
    String actions = asJson(granted.keySet());
    assertTrue(!actions.contains("cloudformation:") && !actions.contains("sts:"), actions);
  }

  @Test
  void eachTier_sendsItsOwnDriftChecks_toItsOwnProvisioner_theOneWithItsDeployRole() {
    for (String tier : Provisioners.DEFAULT_TIERS) {
      Object pattern =
          properties(
                  resourcesOfType(RULE)
                      .get(ProvisionersTemplateTest.deploymentRequestedRuleId(tier)))
              .get("EventPattern");
      assertEquals(
          Map.of(
              "source", List.of("stagecoach"),
              "detail-type", List.of("Deployment Requested", "Drift Check Requested"),
              "detail", Map.of("tier", List.of(tier))),
          pattern,
          tier);
    }
  }

  @Test
  void anIntervalOutsideAnHourToThirtyDays_isRefusedAtSynthesis() {
    for (int hours : new int[] {0, 721}) {
      IllegalArgumentException refused =
          assertThrows(
              IllegalArgumentException.class,
              () -> new DriftSchedule.Props(null, null, null, hours, null));
      assertTrue(refused.getMessage().contains("1 to 720 hours"), refused.getMessage());
    }
  }
}
