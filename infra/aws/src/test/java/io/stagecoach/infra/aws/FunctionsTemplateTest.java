package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

class FunctionsTemplateTest {

  static final String API_HANDLER = "io.stagecoach.functions.api.ApiHandler::handleRequest";
  static final String AUTHORIZER_HANDLER =
      "io.stagecoach.functions.auth.TokenAuthorizerHandler::handleRequest";
  static final String ARTIFACT_CHECK_HANDLER =
      "io.stagecoach.functions.intake.ArtifactCheckHandler::handleRequest";
  static final String PROVISIONER_HANDLER =
      "io.stagecoach.functions.provision.ProvisionerHandler::handleRequest";
  static final String SWEEPER_HANDLER =
      "io.stagecoach.functions.provision.DeploymentSweeperHandler::handleRequest";
  static final String PROMOTION_STEPS_HANDLER =
      "io.stagecoach.functions.promotion.PromotionStepsHandler::handleRequest";
  static final String PUSH_HANDLER =
      "io.stagecoach.functions.codecommit.PushHandler::handleRequest";
  static final String SLACK_WEBHOOK_HANDLER =
      "io.stagecoach.functions.slack.SlackWebhookHandler::handleRequest";
  static final String SLACK_NOTIFIER_HANDLER =
      "io.stagecoach.functions.slack.SlackNotifierHandler::handleRequest";
  static final String JIT_AT_C1 = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

  private static final String FUNCTION = "AWS::Lambda::Function";

  /** The logical id of the function with that handler. */
  static String functionId(final String handler) {
    return template()
        .getResourceId(
            FUNCTION, Map.of("Properties", Match.objectLike(Map.of("Handler", handler))));
  }

  /** The logical id of the alias {@code live} of the function with that handler. */
  static String liveAliasId(final String handler) {
    return liveAliasIdOf(functionId(handler));
  }

  /** The logical id of the alias {@code live} of that function. */
  static String liveAliasIdOf(final String functionId) {
    return template()
        .getResourceId(
            "AWS::Lambda::Alias",
            Map.of(
                "Properties",
                Match.objectLike(Map.of("FunctionName", ref(functionId), "Name", "live"))));
  }

  /** The logical id of the execution role of the function with that handler. */
  static String roleId(final String handler) {
    return roleIdOf(functionId(handler));
  }

  /** The logical id of that function's execution role. */
  @SuppressWarnings("unchecked")
  static String roleIdOf(final String functionId) {
    Map<String, Object> role =
        (Map<String, Object>) properties(resourcesOfType(FUNCTION).get(functionId)).get("Role");
    return (String) ((List<Object>) role.get("Fn::GetAtt")).get(0);
  }

  /** The logical id of the log group that function logs to. */
  @SuppressWarnings("unchecked")
  static String logGroupIdOf(final String functionId) {
    Map<String, Object> logging =
        (Map<String, Object>)
            properties(resourcesOfType(FUNCTION).get(functionId)).get("LoggingConfig");
    return (String) ((Map<String, Object>) logging.get("LogGroup")).get("Ref");
  }

  /** That function's environment variables. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> environmentOf(final String functionId) {
    return (Map<String, Object>)
        ((Map<String, Object>)
                properties(resourcesOfType(FUNCTION).get(functionId)).get("Environment"))
            .get("Variables");
  }

  static Map<String, Object> function(final String handler) {
    return resourcesOfType(FUNCTION).get(functionId(handler));
  }

  static String tableId() {
    return template().getResourceId("AWS::DynamoDB::Table");
  }

  @Test
  void theStackHasExactlyTheseFunctions_andOneProvisionerPerTier() {
    Map<Object, Integer> functionsByHandler = new TreeMap<>();
    resourcesOfType(FUNCTION)
        .values()
        .forEach(
            function ->
                functionsByHandler.merge(properties(function).get("Handler"), 1, Integer::sum));

    assertEquals(
        Map.ofEntries(
            Map.entry(API_HANDLER, 1),
            Map.entry(AUTHORIZER_HANDLER, 1),
            Map.entry(ARTIFACT_CHECK_HANDLER, 1),
            Map.entry(SWEEPER_HANDLER, 1),
            Map.entry(EphemeralReaper.HANDLER, 1),
            Map.entry(DriftSchedule.HANDLER, 1),
            Map.entry(PROMOTION_STEPS_HANDLER, 1),
            Map.entry(PUSH_HANDLER, 1),
            Map.entry(SLACK_WEBHOOK_HANDLER, 1),
            Map.entry(SLACK_NOTIFIER_HANDLER, 1),
            Map.entry(PROVISIONER_HANDLER, ProvisionersTemplateTest.TIERS.size())),
        functionsByHandler);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        API_HANDLER,
        AUTHORIZER_HANDLER,
        ARTIFACT_CHECK_HANDLER,
        SWEEPER_HANDLER,
        PROMOTION_STEPS_HANDLER,
        PUSH_HANDLER
      })
  void function_runsJava21OnArm64(final String handler) {
    template()
        .hasResourceProperties(
            FUNCTION,
            Map.of("Handler", handler, "Runtime", "java21", "Architectures", List.of("arm64")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        API_HANDLER,
        AUTHORIZER_HANDLER,
        ARTIFACT_CHECK_HANDLER,
        SWEEPER_HANDLER,
        PROMOTION_STEPS_HANDLER,
        PUSH_HANDLER
      })
  void function_snapshotsPublishedVersions(final String handler) {
    template()
        .hasResourceProperties(
            FUNCTION,
            Map.of("Handler", handler, "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
  }

  /**
   * Every Java function, the ones to come included, starts from a SnapStart snapshot (taken after
   * its priming: see {@code io.stagecoach.functions.support.Priming}), and every caller reaches it
   * through its alias {@code live}, which points at a published version: SnapStart never applies to
   * {@code $LATEST}.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyJavaFunction_snapshotsPublishedVersions_andIsCalledThroughAVersionedAlias() {
    Map<String, Map<String, Object>> javaFunctions = new TreeMap<>();
    resourcesOfType(FUNCTION)
        .forEach(
            (id, resource) -> {
              if (String.valueOf(properties(resource).get("Runtime")).startsWith("java")) {
                javaFunctions.put(id, resource);
              }
            });
    assertTrue(javaFunctions.size() >= 12, "the app's Java functions: " + javaFunctions.keySet());
    Map<String, Map<String, Object>> versions = resourcesOfType("AWS::Lambda::Version");
    javaFunctions.forEach(
        (id, resource) -> {
          assertEquals(
              Map.of("ApplyOn", "PublishedVersions"),
              properties(resource).get("SnapStart"),
              id + " has no SnapStart");
          Map<String, Object> alias =
              properties(resourcesOfType("AWS::Lambda::Alias").get(liveAliasIdOf(id)));
          Map<String, Object> version = (Map<String, Object>) alias.get("FunctionVersion");
          String versionId = (String) ((List<Object>) version.get("Fn::GetAtt")).get(0);
          assertEquals(
              ref(id),
              properties(versions.get(versionId)).get("FunctionName"),
              id + "'s alias live points at a version of another function");
        });
  }

  @ParameterizedTest
  @CsvSource({
    API_HANDLER + ", 1024, 15",
    AUTHORIZER_HANDLER + ", 512, 5",
    ARTIFACT_CHECK_HANDLER + ", 512, 10",
    SWEEPER_HANDLER + ", 512, 60",
    PROMOTION_STEPS_HANDLER + ", 1024, 60",
    PUSH_HANDLER + ", 1024, 30"
  })
  void function_hasItsMemoryAndTimeout(
      final String handler, final int memoryMb, final int timeoutSeconds) {
    template()
        .hasResourceProperties(
            FUNCTION,
            Map.of(
                "Handler", handler,
                "MemorySize", memoryMb,
                "Timeout", timeoutSeconds));
  }

  @Test
  void
      apiFunction_findsTheRegistryTableTheEventBusEachTiersProvisionerAliasAndThePromotionStateMachine_andKeepsTheJitAtC1_andNothingElse() {
    List<Object> provisioners =
        ProvisionersTemplateTest.TIERS.stream()
            .map(
                tier ->
                    (Object)
                        Map.of(
                            "Fn::Join",
                            List.of(
                                "",
                                List.of(
                                    tier + "=",
                                    ref(ProvisionersTemplateTest.provisionerAliasId(tier))))))
            .toList();

    assertEquals(
        Map.of(
            "REGISTRY_TABLE",
            ref(tableId()),
            "EVENT_BUS_NAME",
            ref(EventBusTemplateTest.busId()),
            "PROVISIONER_FUNCTIONS",
            Map.of("Fn::Join", List.of(",", provisioners)),
            "PROMOTION_STATE_MACHINE",
            PromotionTemplateTest.PROMOTION_STATE_MACHINE_ARN,
            "TEMPLATE_BUCKETS",
            "stagecoach-example-templates",
            "JAVA_TOOL_OPTIONS",
            JIT_AT_C1),
        environment(API_HANDLER));
  }

  @Test
  void
      promotionStepsFunction_findsTheRegistryTableTheEventBusThePromotionStateMachineAndTheProvisioners_andKeepsTheJitAtC1_andNothingElse() {
    assertEquals(
        Map.of(
            "REGISTRY_TABLE",
            ref(tableId()),
            "EVENT_BUS_NAME",
            ref(EventBusTemplateTest.busId()),
            // Approvals carry the plan of their stage, asked of the stage's provisioner.
            "PROVISIONER_FUNCTIONS",
            environment(API_HANDLER).get("PROVISIONER_FUNCTIONS"),
            "PROMOTION_STATE_MACHINE",
            PromotionTemplateTest.PROMOTION_STATE_MACHINE_ARN,
            "JAVA_TOOL_OPTIONS",
            JIT_AT_C1),
        environment(PROMOTION_STEPS_HANDLER));
  }

  @Test
  void
      pushFunction_findsTheRegistryTableTheEventBusAndThePromotionStateMachine_andKeepsTheJitAtC1_andNothingElse() {
    assertEquals(
        Map.of(
            "REGISTRY_TABLE",
            ref(tableId()),
            "EVENT_BUS_NAME",
            ref(EventBusTemplateTest.busId()),
            "PROMOTION_STATE_MACHINE",
            PromotionTemplateTest.PROMOTION_STATE_MACHINE_ARN,
            "JAVA_TOOL_OPTIONS",
            JIT_AT_C1),
        environment(PUSH_HANDLER));
  }

  @Test
  void authorizerFunction_findsTheRegistryTableByRef_andKeepsTheJitAtC1_andNothingElse() {
    assertEquals(
        Map.of("REGISTRY_TABLE", ref(tableId()), "JAVA_TOOL_OPTIONS", JIT_AT_C1),
        environment(AUTHORIZER_HANDLER));
  }

  @Test
  void artifactCheckFunction_isToldNoTableAndNoBus_onlyTheJitSetting() {
    assertEquals(Map.of("JAVA_TOOL_OPTIONS", JIT_AT_C1), environment(ARTIFACT_CHECK_HANDLER));
  }

  @Test
  void
      sweeperFunction_findsTheRegistryTableAndTheEventBusByRef_andKeepsTheJitAtC1_andNothingElse() {
    assertEquals(
        Map.of(
            "REGISTRY_TABLE", ref(tableId()),
            "EVENT_BUS_NAME", ref(EventBusTemplateTest.busId()),
            "JAVA_TOOL_OPTIONS", JIT_AT_C1),
        environment(SWEEPER_HANDLER));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        API_HANDLER,
        AUTHORIZER_HANDLER,
        ARTIFACT_CHECK_HANDLER,
        SWEEPER_HANDLER,
        PROMOTION_STEPS_HANDLER,
        PUSH_HANDLER
      })
  void function_isInvokedThroughItsAliasLive_pointingAtAPublishedVersion(final String handler) {
    String functionId = functionId(handler);
    String versionId =
        template()
            .getResourceId(
                "AWS::Lambda::Version",
                Map.of("Properties", Match.objectLike(Map.of("FunctionName", ref(functionId)))));

    template()
        .hasResourceProperties(
            "AWS::Lambda::Alias",
            Match.objectEquals(
                Map.of(
                    "Name", "live",
                    "FunctionName", ref(functionId),
                    "FunctionVersion", getAtt(versionId, "Version"))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        API_HANDLER,
        AUTHORIZER_HANDLER,
        ARTIFACT_CHECK_HANDLER,
        SWEEPER_HANDLER,
        PROMOTION_STEPS_HANDLER,
        PUSH_HANDLER
      })
  @SuppressWarnings("unchecked")
  void function_logsJsonToItsOwnLogGroup_keptOneMonth(final String handler) {
    Map<String, Object> logging =
        (Map<String, Object>) properties(function(handler)).get("LoggingConfig");
    assertEquals("JSON", logging.get("LogFormat"));
    String logGroupId = (String) ((Map<String, Object>) logging.get("LogGroup")).get("Ref");

    Map<String, Object> logGroup = resourcesOfType("AWS::Logs::LogGroup").get(logGroupId);
    assertEquals(30, properties(logGroup).get("RetentionInDays"));
  }

  @Test
  void functions_doNotShareALogGroup() {
    Set<String> functions = resourcesOfType(FUNCTION).keySet();
    Set<String> logGroups = new HashSet<>();
    functions.forEach(functionId -> logGroups.add(logGroupIdOf(functionId)));

    assertEquals(functions.size(), logGroups.size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        API_HANDLER,
        AUTHORIZER_HANDLER,
        ARTIFACT_CHECK_HANDLER,
        SWEEPER_HANDLER,
        PROMOTION_STEPS_HANDLER,
        PUSH_HANDLER
      })
  void function_hasARoleOfItsOwn_withoutManagedPolicies(final String handler) {
    Map<String, Object> role = resourcesOfType("AWS::IAM::Role").get(roleId(handler));

    assertNull(properties(role).get("ManagedPolicyArns"));
    assertEquals(
        1,
        resourcesOfType(FUNCTION).keySet().stream()
            .filter(other -> roleIdOf(other).equals(roleId(handler)))
            .count());
  }

  private static Map<String, Object> environment(final String handler) {
    return environmentOf(functionId(handler));
  }
}
