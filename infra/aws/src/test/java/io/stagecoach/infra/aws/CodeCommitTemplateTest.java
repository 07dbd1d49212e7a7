package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PUSH_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.functionId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.logGroupIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.PromotionTemplateTest.promotionStateMachineId;
import static io.stagecoach.infra.aws.PromotionTemplateTest.stepsTaskResponsePolicyId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.acknowledgedFindings;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.plainHttpDenied;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.queuePolicyId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.queuePolicyStatements;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.byActions;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.defaultPolicyIdOf;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.json;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The CodeCommit push function and its rule on the default bus: what it matches, how failed
 * deliveries are retried and kept, and the least privilege of the function's role.
 */
class CodeCommitTemplateTest {

  private static final String RULE = "AWS::Events::Rule";
  private static final String QUEUE = "AWS::SQS::Queue";
  private static final String INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig";

  private static final Set<String> ITEM_ACTIONS =
      Set.of(
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:BatchWriteItem");
  private static final Set<String> SEND_ACTIONS =
      Set.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");

  private static String ruleId() {
    List<String> rules =
        resourcesOfType(RULE).entrySet().stream()
            .filter(
                rule ->
                    asJson(properties(rule.getValue()).get("EventPattern"))
                        .contains("aws.codecommit"))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, rules.size(), rules.toString());
    return rules.get(0);
  }

  private static String deadLetterQueueId() {
    List<String> queues =
        resourcesOfType(QUEUE).keySet().stream()
            .filter(id -> id.startsWith("CodeCommitPushesDeadLetters"))
            .toList();
    assertEquals(1, queues.size(), queues.toString());
    return queues.get(0);
  }

  @Test
  void theOneCodeCommitRule_isOnTheDefaultBus_whereCodeCommitSendsItsEvents() {
    Map<String, Object> rule = properties(resourcesOfType(RULE).get(ruleId()));

    assertNull(
        rule.get("EventBusName"), "a rule without EventBusName is on the account's default bus");
    assertEquals("ENABLED", rule.get("State"));
  }

  /**
   * The pattern AWS documents for CodePipeline (conformance/codecommit), without the repository ARN
   * and branch name the registry decides, and with referenceDeleted, which destroys a branch's
   * environment.
   */
  @Test
  void
      codeCommitRule_matchesBranchesCreatedUpdatedOrDeleted_inAnyRepository_andNoTagsOrMergeCommits() {
    assertEquals(
        Map.of(
            "source", List.of("aws.codecommit"),
            "detail-type", List.of("CodeCommit Repository State Change"),
            "detail",
                Map.of(
                    "event", List.of("referenceCreated", "referenceUpdated", "referenceDeleted"),
                    "referenceType", List.of("branch"))),
        properties(resourcesOfType(RULE).get(ruleId())).get("EventPattern"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      codeCommitRule_targetsOnlyThePushFunctionsLiveAlias_retrying3TimesWithinAnHour_thenDeadLetters() {
    List<Map<String, Object>> targets =
        (List<Map<String, Object>>) properties(resourcesOfType(RULE).get(ruleId())).get("Targets");

    assertEquals(1, targets.size(), asJson(targets));
    Map<String, Object> target = new LinkedHashMap<>(targets.get(0));
    target.remove("Id");
    assertEquals(
        Map.of(
            "Arn", ref(liveAliasId(PUSH_HANDLER)),
            "RetryPolicy", Map.of("MaximumRetryAttempts", 3, "MaximumEventAgeInSeconds", 3600),
            "DeadLetterConfig", Map.of("Arn", getAtt(deadLetterQueueId(), "Arn"))),
        target);
  }

  @Test
  void pushAlias_mayBeInvokedByEventBridge_onlyForTheCodeCommitRule() {
    List<Map<String, Object>> permissions =
        resourcesOfType("AWS::Lambda::Permission").values().stream()
            .map(SynthesizedTemplate::properties)
            .filter(
                permission ->
                    asJson(permission.get("FunctionName"))
                            .contains("\"" + liveAliasId(PUSH_HANDLER) + "\"")
                        || asJson(permission.get("FunctionName"))
                            .contains("\"" + functionId(PUSH_HANDLER) + "\""))
            .toList();

    assertEquals(
        List.of(
            Map.of(
                "Action",
                "lambda:InvokeFunction",
                "FunctionName",
                ref(liveAliasId(PUSH_HANDLER)),
                "Principal",
                "events.amazonaws.com",
                "SourceArn",
                getAtt(ruleId(), "Arn"))),
        permissions);
  }

  @Test
  void
      pushFunction_retriesAFailedAsynchronousRunTwice_onTheLiveAlias_thenSendsItToItsDeadLetterQueue() {
    List<Map<String, Object>> configs =
        resourcesOfType(INVOKE_CONFIG).values().stream()
            .map(SynthesizedTemplate::properties)
            .filter(config -> ref(functionId(PUSH_HANDLER)).equals(config.get("FunctionName")))
            .toList();

    assertEquals(1, configs.size(), asJson(configs));
    assertEquals("live", configs.get(0).get("Qualifier"));
    assertEquals(2, configs.get(0).get("MaximumRetryAttempts"));
    assertEquals(
        Map.of("OnFailure", Map.of("Destination", getAtt(deadLetterQueueId(), "Arn"))),
        configs.get(0).get("DestinationConfig"));
  }

  @Test
  void
      deadLetterQueue_isEncrypted_keepsEventsFourteenDays_refusesPlainHttp_andOnlyTheRuleMaySendToIt() {
    String queueId = deadLetterQueueId();
    assertEquals(
        Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600),
        properties(resourcesOfType(QUEUE).get(queueId)));

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
            "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn", getAtt(ruleId(), "Arn"))),
            "Effect", "Allow",
            "Principal", Map.of("Service", "events.amazonaws.com"),
            "Resource", getAtt(queueId, "Arn")),
        send);
  }

  @Test
  void deadLetterQueue_andItsPolicy_acknowledgeOnlySqs3_withAReason() {
    String queueId = deadLetterQueueId();
    for (String id : List.of(queueId, queuePolicyId(queueId))) {
      List<Map<String, Object>> acknowledged = acknowledgedFindings(id);

      assertEquals(1, acknowledged.size(), id + ": " + acknowledged);
      assertEquals("AwsSolutions-SQS3", acknowledged.get(0).get("id"), id);
      assertTrue(String.valueOf(acknowledged.get(0).get("reason")).contains("CodeCommit"), id);
    }
  }

  @Test
  void
      pushRole_mayReadAndWriteRegistryItems_queryTheTable_putEventsOnTheBus_startPromotions_andDeadLetter_only() {
    Object table = getAtt(tableId(), "Arn");

    assertEquals(
        Map.of(
            Set.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(getAtt(logGroupIdOf(functionId(PUSH_HANDLER)), "Arn")),
            ITEM_ACTIONS,
            List.of(table),
            Set.of("dynamodb:Query"),
            List.of(table, Map.of("Fn::Join", List.of("", List.of(table, "/index/*")))),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn")),
            SEND_ACTIONS,
            List.of(getAtt(deadLetterQueueId(), "Arn")),
            Set.of("states:StartExecution"),
            List.of(ref(promotionStateMachineId()))),
        byActions(statements(roleId(PUSH_HANDLER))));
  }

  /**
   * Like the API's: a promotion it starts may supersede another only once the steps function can
   * answer tokens.
   */
  @Test
  @SuppressWarnings("unchecked")
  void
      pushRole_startsPromotionsThroughAPolicyOfItsOwn_createdAfterTheStepsFunctionMayAnswerTokens() {
    List<String> policies =
        resourcesOfType("AWS::IAM::Policy").entrySet().stream()
            .filter(
                policy ->
                    ((List<?>) properties(policy.getValue()).get("Roles"))
                        .contains(ref(roleId(PUSH_HANDLER))))
            .filter(
                policy ->
                    asJson(properties(policy.getValue()).get("PolicyDocument")).contains("states:"))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, policies.size(), policies.toString());
    assertFalse(policies.get(0).equals(defaultPolicyIdOf(roleId(PUSH_HANDLER))));

    Map<String, Object> policy =
        (Map<String, Object>) ((Map<String, Object>) json().get("Resources")).get(policies.get(0));
    assertTrue(
        ((List<Object>) policy.get("DependsOn")).contains(stepsTaskResponsePolicyId()),
        String.valueOf(policy.get("DependsOn")));
  }

  @Test
  void pushRole_neverScans_norAnswersTaskTokens_norInvokesFunctions() {
    Set<String> granted = new TreeSet<>();
    statements(roleId(PUSH_HANDLER)).forEach(statement -> granted.addAll(actions(statement)));

    assertFalse(granted.contains("dynamodb:Scan"), granted.toString());
    assertTrue(
        granted.stream().noneMatch(action -> action.startsWith("states:SendTask")),
        granted.toString());
    assertTrue(
        granted.stream().noneMatch(action -> action.startsWith("lambda:")), granted.toString());
  }
}
