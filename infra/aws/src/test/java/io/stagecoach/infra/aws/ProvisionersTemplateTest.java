package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.JIT_AT_C1;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PROVISIONER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.SWEEPER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.logGroupIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.byActions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.json;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resources;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

/**
 * The per-tier provisioners and the deployment sweeper: each tier's function, role, rule,
 * asynchronous invocation settings and dead-letter queue. The build synthesizes with example deploy
 * accounts (infra/aws/pom.xml): dev 111111111111, staging 222222222222, prod 333333333333 and
 * 444444444444.
 */
class ProvisionersTemplateTest {

  static final List<String> TIERS = List.of("dev", "staging", "prod");

  /** The example accounts the build passes in {@code CDK_CONTEXT_JSON}. */
  private static final Map<String, List<String>> DEPLOY_ACCOUNTS =
      Map.of(
          "dev", List.of("111111111111"),
          "staging", List.of("222222222222"),
          "prod", List.of("333333333333", "444444444444"));

  private static final String FUNCTION = "AWS::Lambda::Function";
  private static final String RULE = "AWS::Events::Rule";
  private static final String QUEUE = "AWS::SQS::Queue";
  private static final String QUEUE_POLICY = "AWS::SQS::QueuePolicy";
  private static final String INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig";

  /**
   * What {@code grantItemReadWrite} gives on the table itself; Query comes in a statement of its
   * own.
   */
  private static final Set<String> ITEM_ACTIONS =
      Set.of(
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:BatchWriteItem");

  /** What a Lambda on-failure destination needs on its SQS queue. */
  private static final Set<String> SEND_ACTIONS =
      Set.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");

  /** The logical id of the provisioner function of that tier. */
  static String provisionerId(final String tier) {
    return template()
        .getResourceId(
            FUNCTION,
            Map.of(
                "Properties",
                Match.objectLike(
                    Map.of(
                        "Handler",
                        PROVISIONER_HANDLER,
                        "Environment",
                        Match.objectLike(
                            Map.of(
                                "Variables",
                                Match.objectLike(Map.of("PROVISIONER_TIER", tier))))))));
  }

  /** The logical id of the alias {@code live} of that tier's provisioner. */
  static String provisionerAliasId(final String tier) {
    return liveAliasIdOf(provisionerId(tier));
  }

  /** The logical id of the execution role of that tier's provisioner. */
  static String provisionerRoleId(final String tier) {
    return roleIdOf(provisionerId(tier));
  }

  /**
   * The rule that matches {@code Deployment Requested} (and {@code Drift Check Requested}) events
   * of that tier.
   */
  static String deploymentRequestedRuleId(final String tier) {
    return template()
        .getResourceId(
            RULE,
            Map.of(
                "Properties",
                Match.objectLike(
                    Map.of(
                        "EventPattern",
                        Match.objectLike(
                            Map.of(
                                "detail-type",
                                List.of("Deployment Requested", "Drift Check Requested"),
                                "detail",
                                Match.objectLike(Map.of("tier", List.of(tier)))))))));
  }

  /**
   * The queue of that tier, found by its place in the construct tree ({@code
   * Provisioners/<Tier>DeadLetters}).
   */
  static String deadLetterQueueId(final String tier) {
    String prefix =
        "Provisioners"
            + tier.substring(0, 1).toUpperCase(Locale.ROOT)
            + tier.substring(1)
            + "DeadLetters";
    List<String> queues =
        resourcesOfType(QUEUE).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
    assertEquals(1, queues.size(), prefix + ": " + queues);
    return queues.get(0);
  }

  // ---- functions ----

  @Test
  void thereIsOneProvisionerPerTier_eachWithARoleOfItsOwn_sharedWithNoOtherFunction() {
    List<Object> tiers = new ArrayList<>();
    resourcesOfType(FUNCTION)
        .forEach(
            (id, function) -> {
              if (PROVISIONER_HANDLER.equals(properties(function).get("Handler"))) {
                tiers.add(FunctionsTemplateTest.environmentOf(id).get("PROVISIONER_TIER"));
              }
            });
    assertEquals(new TreeSet<>(TIERS), new TreeSet<>(tiers));
    assertEquals(TIERS.size(), tiers.size(), tiers.toString());

    for (String tier : TIERS) {
      long sharing =
          resourcesOfType(FUNCTION).keySet().stream()
              .filter(other -> roleIdOf(other).equals(provisionerRoleId(tier)))
              .count();
      assertEquals(1, sharing, tier + " shares its role");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "dev     | 111111111111",
        "staging | 222222222222",
        "prod    | 333333333333,444444444444"
      })
  void provisioner_isToldItsTier_itsDeployRoleName_andItsAccounts_besidesTheTableAndTheBus(
      final String tier, final String accounts) {
    assertEquals(
        Map.of(
            "REGISTRY_TABLE",
            ref(tableId()),
            "EVENT_BUS_NAME",
            ref(busId()),
            "PROVISIONER_TIER",
            tier,
            "DEPLOY_ROLE_NAME",
            "stagecoach-deploy-" + tier,
            "DEPLOY_ACCOUNTS",
            accounts,
            "JAVA_TOOL_OPTIONS",
            JIT_AT_C1),
        FunctionsTemplateTest.environmentOf(provisionerId(tier)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisioner_runsJava21OnArm64_withSnapStart_1024Mb_forUpToFifteenMinutes(final String tier) {
    Map<String, Object> function = properties(resourcesOfType(FUNCTION).get(provisionerId(tier)));

    assertEquals("java21", function.get("Runtime"));
    assertEquals(List.of("arm64"), function.get("Architectures"));
    assertEquals(Map.of("ApplyOn", "PublishedVersions"), function.get("SnapStart"));
    assertEquals(1024, function.get("MemorySize"));
    assertEquals(900, function.get("Timeout"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisioner_logsJsonToItsOwnLogGroup_keptOneMonth(final String tier) {
    @SuppressWarnings("unchecked")
    Map<String, Object> logging =
        (Map<String, Object>)
            properties(resourcesOfType(FUNCTION).get(provisionerId(tier))).get("LoggingConfig");

    assertEquals("JSON", logging.get("LogFormat"));
    assertEquals(
        30,
        properties(resourcesOfType("AWS::Logs::LogGroup").get(logGroupIdOf(provisionerId(tier))))
            .get("RetentionInDays"));
  }

  // ---- roles ----

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  @SuppressWarnings("unchecked")
  void provisionerRole_isAssumedByLambdaOnly_withoutManagedPolicies(final String tier) {
    Map<String, Object> role =
        properties(resourcesOfType("AWS::IAM::Role").get(provisionerRoleId(tier)));

    assertEquals(
        List.of(
            Map.of(
                "Action", "sts:AssumeRole",
                "Effect", "Allow",
                "Principal", Map.of("Service", "lambda.amazonaws.com"))),
        ((Map<String, Object>) role.get("AssumeRolePolicyDocument")).get("Statement"));
    assertNull(role.get("ManagedPolicyArns"));
    assertNull(role.get("Policies"));
    assertTrue(
        policiesNaming(provisionerRoleId(tier)).stream()
            .allMatch(policy -> "AWS::IAM::Policy".equals(policy.get("Type"))),
        tier);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "dev     | arn:aws:iam::111111111111:role/stagecoach-deploy-dev",
        "staging | arn:aws:iam::222222222222:role/stagecoach-deploy-staging",
        "prod    | arn:aws:iam::333333333333:role/stagecoach-deploy-prod"
            + " arn:aws:iam::444444444444:role/stagecoach-deploy-prod"
      })
  void provisionerRole_mayAssumeOnlyItsTiersDeployRole_inItsTiersAccounts(
      final String tier, final String roles) {
    List<Object> assumable = new ArrayList<>();
    for (Map<String, Object> statement : statements(provisionerRoleId(tier))) {
      if (actions(statement).stream().anyMatch(action -> action.startsWith("sts:"))) {
        assertEquals("Allow", statement.get("Effect"), asJson(statement));
        assertEquals(Set.of("sts:AssumeRole"), actions(statement), asJson(statement));
        assertFalse(statement.containsKey("NotResource"), asJson(statement));
        assumable.addAll(resources(statement));
      }
    }

    assertEquals(Arrays.asList((Object[]) roles.split(" ")), assumable);
  }

  /**
   * Rotation status is read with {@code secretsmanager:DescribeSecret} as the tier's deploy role in
   * the environment's account (README, "Deploying to AWS"); the provisioner's own role never
   * touches Secrets Manager, so it can neither describe nor read any secret itself.
   */
  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerRole_hasNoSecretsManagerAction_secretsAreDescribedAsTheDeployRole(
      final String tier) {
    for (Map<String, Object> statement : statements(provisionerRoleId(tier))) {
      for (String action : actions(statement)) {
        assertFalse(
            action.toLowerCase(Locale.ROOT).startsWith("secretsmanager:"),
            tier + ": " + asJson(statement));
      }
    }
    assertFalse(
        everythingGrantedTo(provisionerRoleId(tier)).contains("secretsmanager"),
        tier + " provisioner role mentions Secrets Manager");
  }

  @Test
  void devProvisionerRole_neverMentionsProd_itsDeployRole_orItsAccounts_inAnyOfItsPolicies() {
    String dev = everythingGrantedTo(provisionerRoleId("dev")).toLowerCase(Locale.ROOT);

    assertFalse(dev.contains("prod"), dev);
    assertFalse(dev.contains("stagecoach-deploy-prod"), dev);
    for (String account : DEPLOY_ACCOUNTS.get("prod")) {
      assertFalse(dev.contains(account), dev);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerRole_mentionsNoOtherTiersDeployRole_accounts_orResources(final String tier) {
    String granted = everythingGrantedTo(provisionerRoleId(tier));

    for (String other : TIERS) {
      if (other.equals(tier)) {
        continue;
      }
      assertFalse(
          granted.contains("stagecoach-deploy-" + other),
          tier + " mentions " + other + ": " + granted);
      for (String account : DEPLOY_ACCOUNTS.get(other)) {
        assertFalse(
            granted.contains(account),
            tier + " mentions " + other + "'s " + account + ": " + granted);
      }
      for (String resource :
          List.of(
              provisionerId(other),
              provisionerAliasId(other),
              provisionerRoleId(other),
              deadLetterQueueId(other),
              deploymentRequestedRuleId(other),
              logGroupIdOf(provisionerId(other)))) {
        assertFalse(
            granted.contains("\"" + resource + "\""),
            tier + " mentions " + resource + ": " + granted);
      }
    }
  }

  @Test
  void onlyTheProvisionerRoles_mayAssumeRoles() {
    Set<String> provisionerRoles = new TreeSet<>();
    TIERS.forEach(tier -> provisionerRoles.add(provisionerRoleId(tier)));

    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      if (!provisionerRoles.contains(roleId)) {
        for (Map<String, Object> statement : statements(roleId)) {
          assertTrue(
              actions(statement).stream().noneMatch(action -> action.startsWith("sts:")),
              roleId + ": " + asJson(statement));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerRole_hasNoScan_andNoWildcardAction_andNoStatementOnEveryResource(
      final String tier) {
    for (Map<String, Object> statement : statements(provisionerRoleId(tier))) {
      assertEquals("Allow", statement.get("Effect"), asJson(statement));
      assertFalse(statement.containsKey("NotAction"), asJson(statement));
      for (String action : actions(statement)) {
        assertFalse(action.contains("*"), tier + ": wildcard action " + action);
        assertNotEquals("dynamodb:Scan", action, tier);
      }
      assertFalse(resources(statement).contains("*"), tier + ": " + asJson(statement));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void
      provisionerRole_isGrantedLogsRegistryItemsEventsItsDeployRoleItsQueueAndPromotionDeployAnswers_only(
          final String tier) {
    Object table = getAtt(tableId(), "Arn");

    assertEquals(
        Map.of(
            Set.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(getAtt(logGroupIdOf(provisionerId(tier)), "Arn")),
            ITEM_ACTIONS,
            List.of(table),
            Set.of("dynamodb:Query"),
            List.of(table, Map.of("Fn::Join", List.of("", List.of(table, "/index/*")))),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn")),
            Set.of("sts:AssumeRole"),
            deployRoles(tier),
            SEND_ACTIONS,
            List.of(getAtt(deadLetterQueueId(tier), "Arn")),
            Set.of("states:SendTaskSuccess", "states:SendTaskFailure"),
            List.of(ref(PromotionTemplateTest.promotionStateMachineId()))),
        byActions(statements(provisionerRoleId(tier))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerRole_maySendMessagesToItsTiersDeadLetterQueue_only(final String tier) {
    List<Map<String, Object>> sqs =
        statements(provisionerRoleId(tier)).stream()
            .filter(
                statement ->
                    actions(statement).stream().anyMatch(action -> action.startsWith("sqs:")))
            .toList();

    assertEquals(1, sqs.size(), asJson(sqs));
    assertTrue(actions(sqs.get(0)).contains("sqs:SendMessage"), asJson(sqs));
    assertTrue(SEND_ACTIONS.containsAll(actions(sqs.get(0))), asJson(sqs));
    assertEquals(List.of(getAtt(deadLetterQueueId(tier), "Arn")), resources(sqs.get(0)));
  }

  /**
   * Each sends its failed asynchronous runs to its own dead-letter queue (the push function too).
   */
  @Test
  void onlyTheProvisionerPushAndSlackNotifierRoles_maySendToQueues() {
    Set<String> provisionerRoles = new TreeSet<>();
    TIERS.forEach(tier -> provisionerRoles.add(provisionerRoleId(tier)));
    provisionerRoles.add(FunctionsTemplateTest.roleId(FunctionsTemplateTest.PUSH_HANDLER));
    // Its failed asynchronous runs go to its own dead-letter queue (see SlackTemplateTest).
    provisionerRoles.add(roleId(FunctionsTemplateTest.SLACK_NOTIFIER_HANDLER));

    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      if (!provisionerRoles.contains(roleId)) {
        for (Map<String, Object> statement : statements(roleId)) {
          assertTrue(
              actions(statement).stream().noneMatch(action -> action.startsWith("sqs:")),
              roleId + ": " + asJson(statement));
        }
      }
    }
  }

  // ---- rules ----

  @Test
  void deploymentRequestedRules_areOnePerTier() {
    long rules =
        resourcesOfType(RULE).values().stream()
            .filter(
                rule ->
                    asJson(properties(rule).get("EventPattern")).contains("Deployment Requested"))
            .count();
    Set<String> ruleIds = new TreeSet<>();
    TIERS.forEach(tier -> ruleIds.add(deploymentRequestedRuleId(tier)));

    assertEquals(TIERS.size(), rules);
    assertEquals(TIERS.size(), ruleIds.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void
      deploymentRequestedRule_onTheStagecoachBus_matchesExactlyItsTiersDeploymentRequestedFromStagecoach(
          final String tier) {
    Map<String, Object> rule =
        properties(resourcesOfType(RULE).get(deploymentRequestedRuleId(tier)));

    assertEquals(ref(busId()), rule.get("EventBusName"));
    assertEquals("ENABLED", rule.get("State"));
    assertEquals(
        Map.of(
            "source", List.of("stagecoach"),
            "detail-type", List.of("Deployment Requested", "Drift Check Requested"),
            "detail", Map.of("tier", List.of(tier))),
        rule.get("EventPattern"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  @SuppressWarnings("unchecked")
  void
      deploymentRequestedRule_targetsOnlyItsTiersProvisionerAlias_retrying3TimesWithinAnHour_thenDeadLetters(
          final String tier) {
    List<Map<String, Object>> targets =
        (List<Map<String, Object>>)
            properties(resourcesOfType(RULE).get(deploymentRequestedRuleId(tier))).get("Targets");

    assertEquals(1, targets.size(), asJson(targets));
    Map<String, Object> target = new LinkedHashMap<>(targets.get(0));
    target.remove("Id");
    assertEquals(
        Map.of(
            "Arn", ref(provisionerAliasId(tier)),
            "RetryPolicy", Map.of("MaximumRetryAttempts", 3, "MaximumEventAgeInSeconds", 3600),
            "DeadLetterConfig", Map.of("Arn", getAtt(deadLetterQueueId(tier), "Arn"))),
        target);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  @SuppressWarnings("unchecked")
  void provisionerAlias_isTheTargetOfItsTiersRuleOnly(final String tier) {
    resourcesOfType(RULE)
        .forEach(
            (id, rule) -> {
              List<Map<String, Object>> targets =
                  (List<Map<String, Object>>) properties(rule).get("Targets");
              if (!id.equals(deploymentRequestedRuleId(tier))) {
                assertFalse(asJson(targets).contains("\"" + provisionerAliasId(tier) + "\""), id);
                assertFalse(asJson(targets).contains("\"" + provisionerId(tier) + "\""), id);
              }
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerAlias_mayBeInvokedByEventBridge_onlyForItsTiersRule(final String tier) {
    List<Map<String, Object>> permissions =
        resourcesOfType("AWS::Lambda::Permission").values().stream()
            .map(SynthesizedTemplate::properties)
            .filter(
                permission ->
                    asJson(permission.get("FunctionName"))
                            .contains("\"" + provisionerAliasId(tier) + "\"")
                        || asJson(permission.get("FunctionName"))
                            .contains("\"" + provisionerId(tier) + "\""))
            .toList();

    assertEquals(
        List.of(
            Map.of(
                "Action",
                "lambda:InvokeFunction",
                "FunctionName",
                ref(provisionerAliasId(tier)),
                "Principal",
                "events.amazonaws.com",
                "SourceArn",
                getAtt(deploymentRequestedRuleId(tier), "Arn"))),
        permissions);
  }

  // ---- asynchronous invocation ----

  @Test
  void eachProvisioner_hasOneAsynchronousInvocationConfig_andOnlyThePushAndSlackFunctionsBesides() {
    Set<String> configs = new TreeSet<>();
    TIERS.forEach(tier -> configs.add(invokeConfigId(tier)));
    Set<String> others = new TreeSet<>(resourcesOfType(INVOKE_CONFIG).keySet());
    others.removeIf(id -> id.startsWith("Slack"));
    others.removeAll(configs);

    assertEquals(TIERS.size(), configs.size());
    assertEquals(1, others.size(), others.toString());
    assertTrue(others.iterator().next().startsWith("CodeCommitPushes"), others.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisioner_retriesAFailedAsynchronousRunTwice_thenSendsItToItsTiersDeadLetterQueue(
      final String tier) {
    Map<String, Object> config =
        properties(resourcesOfType(INVOKE_CONFIG).get(invokeConfigId(tier)));

    assertEquals(2, config.get("MaximumRetryAttempts"));
    assertEquals(
        Map.of("OnFailure", Map.of("Destination", getAtt(deadLetterQueueId(tier), "Arn"))),
        config.get("DestinationConfig"));
  }

  /**
   * EventBridge invokes the alias {@code live}, so the retries and the destination must be
   * configured on it: handed the alias without a qualifier, CDK would write {@code Qualifier
   * $LATEST}, a version nothing invokes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerInvokeConfig_appliesToTheLiveAlias_thatEventBridgeInvokes(final String tier) {
    Map<String, Object> config =
        properties(resourcesOfType(INVOKE_CONFIG).get(invokeConfigId(tier)));

    assertEquals(ref(provisionerId(tier)), config.get("FunctionName"));
    assertEquals("live", config.get("Qualifier"));
  }

  // ---- dead-letter queues ----

  @Test
  void theStackHasOneDeadLetterQueuePerTier_besidesReleaseIntakesThePushFunctionsAndSlacks() {
    Set<String> expected = new TreeSet<>();
    TIERS.forEach(tier -> expected.add(deadLetterQueueId(tier)));
    Set<String> others = new TreeSet<>(resourcesOfType(QUEUE).keySet());
    others.removeAll(expected);
    others.removeIf(id -> id.startsWith("Slack"));

    assertEquals(TIERS.size(), expected.size());
    assertEquals(2, others.size(), others.toString());
    assertTrue(others.stream().anyMatch(id -> id.startsWith("ReleaseIntake")), others.toString());
    assertTrue(
        others.stream().anyMatch(id -> id.startsWith("CodeCommitPushes")), others.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void deadLetterQueue_isEncryptedWithSqsManagedKeys_andKeepsUndeliveredEventsFourteenDays(
      final String tier) {
    assertEquals(
        Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600),
        properties(resourcesOfType(QUEUE).get(deadLetterQueueId(tier))));
  }

  @Test
  void everyQueue_isEncrypted_andRefusesPlainHttp() {
    for (String queueId : resourcesOfType(QUEUE).keySet()) {
      Map<String, Object> queue = properties(resourcesOfType(QUEUE).get(queueId));
      assertTrue(
          Boolean.TRUE.equals(queue.get("SqsManagedSseEnabled"))
              || queue.containsKey("KmsMasterKeyId"),
          queueId + " is not encrypted: " + asJson(queue));
      assertTrue(
          queuePolicyStatements(queueId).contains(plainHttpDenied(queueId)),
          queueId + " accepts plain HTTP: " + asJson(queuePolicyStatements(queueId)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void deadLetterQueue_refusesPlainHttp_andOnlyItsTiersRuleMaySendToIt(final String tier) {
    String queueId = deadLetterQueueId(tier);
    List<Map<String, Object>> statements = queuePolicyStatements(queueId);

    assertEquals(2, statements.size(), asJson(statements));
    assertTrue(statements.contains(plainHttpDenied(queueId)), asJson(statements));
    Map<String, Object> send =
        statements.stream()
            .filter(statement -> "Allow".equals(statement.get("Effect")))
            .findFirst()
            .map(LinkedHashMap::new)
            .orElseThrow();
    send.remove("Sid");
    assertEquals(
        Map.of(
            "Action", "sqs:SendMessage",
            "Condition",
                Map.of(
                    "ArnEquals",
                    Map.of("aws:SourceArn", getAtt(deploymentRequestedRuleId(tier), "Arn"))),
            "Effect", "Allow",
            "Principal", Map.of("Service", "events.amazonaws.com"),
            "Resource", getAtt(queueId, "Arn")),
        send);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void deadLetterQueue_andItsPolicy_acknowledgeOnlySqs3_withAReasonThatNamesTheTier(
      final String tier) {
    String queueId = deadLetterQueueId(tier);
    for (String id : List.of(queueId, queuePolicyId(queueId))) {
      List<Map<String, Object>> acknowledged = acknowledgedFindings(id);

      assertEquals(1, acknowledged.size(), id + ": " + acknowledged);
      assertEquals("AwsSolutions-SQS3", acknowledged.get(0).get("id"), id);
      Object reason = acknowledged.get(0).get("reason");
      assertTrue(
          reason instanceof String text && text.length() >= 20 && text.contains(tier),
          id + ": " + reason);
    }
  }

  // ---- sweeper ----

  @Test
  void sweeperRole_mayOnlyGetItemsAndQueryTheTableAndGsi2_putEventsOnTheBus_andWriteItsLogs() {
    Object table = getAtt(tableId(), "Arn");

    assertEquals(
        Map.of(
            Set.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(getAtt(logGroupIdOf(FunctionsTemplateTest.functionId(SWEEPER_HANDLER)), "Arn")),
            Set.of("dynamodb:GetItem", "dynamodb:Query"),
            List.of(table, Map.of("Fn::Join", List.of("", List.of(table, "/index/gsi2")))),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn"))),
        byActions(statements(roleId(SWEEPER_HANDLER))));
  }

  @Test
  void sweeperRole_neverWritesTheRegistry() {
    for (Map<String, Object> statement : statements(roleId(SWEEPER_HANDLER))) {
      for (String action : actions(statement)) {
        if (action.startsWith("dynamodb:")) {
          assertTrue(Set.of("dynamodb:GetItem", "dynamodb:Query").contains(action), action);
        }
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void sweeper_runsEveryFiveMinutes_onItsLiveAlias_withAFixedInput_retryingTwice() {
    String scheduleId =
        template()
            .getResourceId(
                RULE,
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of(
                            "Description",
                            "Resends Deployment Requested for deployments that stalled"))));
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
            "Arn", ref(liveAliasId(SWEEPER_HANDLER)),
            "Input", "{\"sweep\":\"deployments\"}",
            "RetryPolicy", Map.of("MaximumRetryAttempts", 2)),
        target);
  }

  // ---- helpers ----

  /** The sts:AssumeRole resources a tier's role should have, built from the example accounts. */
  private static List<Object> deployRoles(final String tier) {
    return DEPLOY_ACCOUNTS.get(tier).stream()
        .map(account -> (Object) ("arn:aws:iam::" + account + ":role/stagecoach-deploy-" + tier))
        .toList();
  }

  /**
   * The asynchronous invocation config that names that tier's provisioner (its alias or its
   * function).
   */
  private static String invokeConfigId(final String tier) {
    List<String> configs =
        resourcesOfType(INVOKE_CONFIG).entrySet().stream()
            .filter(
                config -> {
                  String name = asJson(properties(config.getValue()).get("FunctionName"));
                  return name.contains("\"" + provisionerAliasId(tier) + "\"")
                      || name.contains("\"" + provisionerId(tier) + "\"");
                })
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, configs.size(), tier + ": " + configs);
    return configs.get(0);
  }

  /** Every policy resource (inline, managed or not) whose roles include that role. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> policiesNaming(final String roleId) {
    List<Map<String, Object>> policies = new ArrayList<>();
    for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
      for (Map<String, Object> policy : resourcesOfType(type).values()) {
        List<Object> roles = (List<Object>) properties(policy).get("Roles");
        if (roles != null && roles.contains(ref(roleId))) {
          policies.add(policy);
        }
      }
    }
    return policies;
  }

  /**
   * The role's own definition (trust, inline policies) and every policy attached to it, as JSON.
   */
  private static String everythingGrantedTo(final String roleId) {
    List<Object> all = new ArrayList<>();
    all.add(properties(resourcesOfType("AWS::IAM::Role").get(roleId)));
    policiesNaming(roleId).forEach(policy -> all.add(properties(policy).get("PolicyDocument")));
    all.add(statements(roleId));
    return asJson(all);
  }

  static String queuePolicyId(final String queueId) {
    List<String> policies =
        resourcesOfType(QUEUE_POLICY).entrySet().stream()
            .filter(
                policy ->
                    ((List<?>) properties(policy.getValue()).get("Queues")).contains(ref(queueId)))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, policies.size(), queueId + ": " + policies);
    assertEquals(
        List.of(ref(queueId)),
        properties(resourcesOfType(QUEUE_POLICY).get(policies.get(0))).get("Queues"));
    return policies.get(0);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> queuePolicyStatements(final String queueId) {
    Map<String, Object> policy =
        properties(resourcesOfType(QUEUE_POLICY).get(queuePolicyId(queueId)));
    return (List<Map<String, Object>>)
        ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement");
  }

  static Map<String, Object> plainHttpDenied(final String queueId) {
    return Map.of(
        "Action", "sqs:*",
        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")),
        "Effect", "Deny",
        "Principal", Map.of("AWS", "*"),
        "Resource", getAtt(queueId, "Arn"));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> acknowledgedFindings(final String logicalId) {
    Map<String, Object> resource =
        (Map<String, Object>) ((Map<String, Object>) json().get("Resources")).get(logicalId);
    Map<String, Object> metadata =
        (Map<String, Object>) resource.getOrDefault("Metadata", Map.of());
    Map<String, Object> nag = (Map<String, Object>) metadata.getOrDefault("cdk_nag", Map.of());
    return (List<Map<String, Object>>) nag.getOrDefault("rules_to_suppress", List.of());
  }
}
