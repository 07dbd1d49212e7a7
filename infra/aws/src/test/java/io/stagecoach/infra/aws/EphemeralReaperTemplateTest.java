package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.logGroupIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.byActions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;

/** The reaper of expired ephemeral environments: its schedule and its least-privilege role. */
class EphemeralReaperTemplateTest {

  private static final String RULE = "AWS::Events::Rule";
  private static final String HANDLER = EphemeralReaper.HANDLER;

  @Test
  @SuppressWarnings("unchecked")
  void reaper_runsEveryFiveMinutesByDefault_onItsLiveAlias_withAFixedInput_retryingTwice() {
    String scheduleId =
        template()
            .getResourceId(
                RULE,
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of("Description", "Destroys expired ephemeral environments"))));
    Map<String, Object> schedule = properties(resourcesOfType(RULE).get(scheduleId));
    assertEquals("rate(5 minutes)", schedule.get("ScheduleExpression"));
    assertEquals("ENABLED", schedule.get("State"));
    assertNull(schedule.get("EventPattern"));
    List<Map<String, Object>> targets = (List<Map<String, Object>>) schedule.get("Targets");
    assertEquals(1, targets.size(), asJson(targets));
    Map<String, Object> target = new LinkedHashMap<>(targets.get(0));
    target.remove("Id");
    assertEquals(
        Map.of(
            "Arn", ref(liveAliasId(HANDLER)),
            "Input", "{\"reap\":\"ephemeral\"}",
            "RetryPolicy", Map.of("MaximumRetryAttempts", 2)),
        target);
  }

  @Test
  void
      reaperRole_getsQueriesPutsAndUpdatesRegistryItems_putsEventsOnTheBus_andWritesItsLogs_only() {
    Object table = getAtt(tableId(), "Arn");
    assertEquals(
        Map.of(
            Set.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(getAtt(logGroupIdOf(FunctionsTemplateTest.functionId(HANDLER)), "Arn")),
            Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"),
            List.of(
                table,
                Map.of("Fn::Join", List.of("", List.of(table, "/index/gsi1"))),
                Map.of("Fn::Join", List.of("", List.of(table, "/index/gsi2")))),
            Set.of("dynamodb:UpdateItem"),
            List.of(table),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn"))),
        byActions(statements(roleId(HANDLER))));
  }

  @Test
  void reaperRole_neverDeletesRegistryItems_norUpdatesAnIndex() {
    for (Map<String, Object> statement : statements(roleId(HANDLER))) {
      for (String action : actions(statement)) {
        assertFalse(
            Set.of("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Scan", "dynamodb:*")
                .contains(action),
            action);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void reaper_isToldTheWarningLeadTimes_24hAnd1hByDefault() {
    Map<String, Object> variables =
        (Map<String, Object>)
            ((Map<String, Object>)
                    properties(
                            resourcesOfType("AWS::Lambda::Function")
                                .get(FunctionsTemplateTest.functionId(HANDLER)))
                        .get("Environment"))
                .get("Variables");
    assertEquals("1440,60", variables.get(EphemeralReaper.WARNING_LEAD_VARIABLE));
  }

  @Test
  void theWarningLeadTimes_comeFromContext_andAreChecked(@TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path jar =
        java.nio.file.Files.writeString(dir.resolve("functions.jar"), "stand-in");
    StagecoachStack.Props props =
        StagecoachApp.stackProps(
            jar, Map.<String, Object>of(StagecoachApp.WARNING_LEAD_CONTEXT, "720,30")::get);
    assertEquals(List.of(720, 30), props.warningLeadMinutes());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StagecoachApp.stackProps(
                jar, Map.<String, Object>of(StagecoachApp.WARNING_LEAD_CONTEXT, "1h")::get));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new EphemeralReaper.Props(
                null,
                null,
                null,
                5,
                List.of(0),
                software.amazon.awscdk.services.logs.RetentionDays.ONE_DAY));
  }

  @Test
  void theRate_comesFromContext_andDefaultsToFiveMinutes(@TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path jar =
        java.nio.file.Files.writeString(dir.resolve("functions.jar"), "stand-in");
    assertEquals(
        15,
        StagecoachApp.stackProps(
                jar, Map.<String, Object>of(StagecoachApp.REAPER_RATE_CONTEXT, "15")::get)
            .reaperRateMinutes());
    assertEquals(5, StagecoachApp.stackProps(jar, key -> null).reaperRateMinutes());
  }
}
