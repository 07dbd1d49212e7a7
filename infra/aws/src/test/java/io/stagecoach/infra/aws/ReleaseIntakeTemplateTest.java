package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.ARTIFACT_CHECK_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * Release intake: the rule on the Stagecoach bus, the {@code ReleaseIntake} state machine, and what
 * each of their roles and the artifact-check function may do.
 */
class ReleaseIntakeTemplateTest {

  private static final String STATE_MACHINE = "AWS::StepFunctions::StateMachine";
  private static final String RULE = "AWS::Events::Rule";
  private static final String QUEUE = "AWS::SQS::Queue";

  /**
   * Step Functions sets up its log delivery with these; none supports resource-level permissions.
   */
  static final Set<String> LOG_DELIVERY_ACTIONS =
      Set.of(
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups");

  private static final Set<String> TASK_RESPONSE_ACTIONS =
      Set.of("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat");

  /**
   * Release intake's state machine; the other one is the promotion's (see PromotionTemplateTest).
   */
  static String stateMachineId() {
    List<String> ids =
        resourcesOfType(STATE_MACHINE).keySet().stream()
            .filter(id -> id.startsWith("ReleaseIntake"))
            .toList();
    assertEquals(1, ids.size(), ids.toString());
    return ids.get(0);
  }

  @SuppressWarnings("unchecked")
  static String stateMachineRoleId() {
    Map<String, Object> roleArn = (Map<String, Object>) properties(stateMachine()).get("RoleArn");
    return (String) ((List<Object>) roleArn.get("Fn::GetAtt")).get(0);
  }

  /** The policy that lets the artifact-check function answer release intake's task tokens. */
  static String taskResponsePolicyId() {
    List<String> ids =
        resourcesOfType("AWS::IAM::Policy").entrySet().stream()
            .filter(
                policy -> asJson(properties(policy.getValue())).contains("states:SendTaskSuccess"))
            .filter(
                policy ->
                    asJson(properties(policy.getValue())).contains("\"" + stateMachineId() + "\""))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, ids.size(), ids.toString());
    return ids.get(0);
  }

  private static Map<String, Object> stateMachine() {
    return resourcesOfType(STATE_MACHINE).get(stateMachineId());
  }

  /**
   * The rule that matches {@code Release Registered}; the provisioners' rules match other detail
   * types.
   */
  private static String ruleId() {
    return template()
        .getResourceId(
            RULE,
            Map.of(
                "Properties",
                Match.objectLike(
                    Map.of(
                        "EventPattern",
                        Match.objectLike(Map.of("detail-type", List.of("Release Registered")))))));
  }

  /** The one queue of the ReleaseIntake construct; each provisioner tier has a queue of its own. */
  private static String deadLetterQueueId() {
    List<String> queues =
        resourcesOfType(QUEUE).keySet().stream()
            .filter(id -> id.startsWith("ReleaseIntake"))
            .toList();
    assertEquals(1, queues.size(), queues.toString());
    return queues.get(0);
  }

  /** The queue policy of release intake's dead-letter queue. */
  private static String deadLetterQueuePolicyId() {
    List<String> policies =
        resourcesOfType("AWS::SQS::QueuePolicy").entrySet().stream()
            .filter(
                policy ->
                    ((List<?>) properties(policy.getValue()).get("Queues"))
                        .contains(ref(deadLetterQueueId())))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, policies.size(), policies.toString());
    return policies.get(0);
  }

  @Test
  void
      releaseIntake_isOneOfTheTwoStateMachines_withThePromotion_aStandardOne_withoutAPhysicalName() {
    template().resourceCountIs(STATE_MACHINE, 2);
    assertEquals(
        Set.of(stateMachineId(), PromotionTemplateTest.promotionStateMachineId()),
        resourcesOfType(STATE_MACHINE).keySet());
    assertEquals("STANDARD", properties(stateMachine()).get("StateMachineType"));
    assertFalse(properties(stateMachine()).containsKey("StateMachineName"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void releaseIntake_logsErrorsWithoutExecutionData_toALogGroupOfItsOwn_keptOneMonth() {
    Map<String, Object> logging =
        (Map<String, Object>) properties(stateMachine()).get("LoggingConfiguration");
    assertEquals("ERROR", logging.get("Level"));
    assertEquals(false, logging.get("IncludeExecutionData"));

    List<Map<String, Object>> destinations =
        (List<Map<String, Object>>) logging.get("Destinations");
    assertEquals(1, destinations.size());
    Map<String, Object> logGroupArn =
        (Map<String, Object>)
            ((Map<String, Object>) destinations.get(0).get("CloudWatchLogsLogGroup"))
                .get("LogGroupArn");
    String logGroupId = (String) ((List<Object>) logGroupArn.get("Fn::GetAtt")).get(0);
    assertEquals(
        30,
        properties(resourcesOfType("AWS::Logs::LogGroup").get(logGroupId)).get("RetentionInDays"));
    assertTrue(logGroupId.contains("ReleaseIntake"), logGroupId);
    for (Map<String, Object> function : resourcesOfType("AWS::Lambda::Function").values()) {
      assertFalse(asJson(properties(function).get("LoggingConfig")).contains(logGroupId));
    }
  }

  @Test
  void releaseIntake_isNotTraced() {
    assertEquals(Map.of("Enabled", false), properties(stateMachine()).get("TracingConfiguration"));
  }

  @Test
  void releaseIntake_hasExactlyTheFiveStates_startingWithTheArtifactCheck() {
    Map<String, Object> definition = definition();

    assertEquals("Check artifact", definition.get("StartAt"));
    assertEquals(
        Set.of(
            "Check artifact",
            "Record intake",
            "Intake recorded",
            "Record rejection",
            "Artifact rejected"),
        states().keySet());
  }

  @Test
  void checkArtifact_invokesTheArtifactCheckFunctionsLiveAlias_andWaitsForItsTaskToken() {
    Map<String, Object> check = state("Check artifact");

    assertEquals("Task", check.get("Type"));
    assertEquals(
        "arn:<AWS::Partition>:states:::lambda:invoke.waitForTaskToken", check.get("Resource"));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("taskToken.$", "$$.Task.Token");
    payload.put("app.$", "$.app");
    payload.put("version.$", "$.version");
    payload.put("artifactUri.$", "$.artifactUri");
    payload.put("digest.$", "$.digest");
    assertEquals(
        Map.of("FunctionName", "<" + liveAliasId(ARTIFACT_CHECK_HANDLER) + ">", "Payload", payload),
        check.get("Parameters"));
  }

  @Test
  void
      checkArtifact_keepsTheFunctionsAnswerUnderCheck_andGivesUpAfterFiveMinutes_withoutHeartbeat() {
    Map<String, Object> check = state("Check artifact");

    assertEquals("$.check", check.get("ResultPath"));
    assertEquals(300, check.get("TimeoutSeconds"));
    assertNull(check.get("HeartbeatSeconds"));
    assertNull(check.get("TimeoutSecondsPath"));
    assertEquals("Record intake", check.get("Next"));
  }

  @Test
  void checkArtifact_retriesOnlyLambdaServiceErrors_onceMore_afterTwoSeconds() {
    assertEquals(
        List.of(
            Map.of(
                "ErrorEquals",
                    List.of(
                        "Lambda.ServiceException",
                        "Lambda.AWSLambdaException",
                        "Lambda.SdkClientException",
                        "Lambda.TooManyRequestsException",
                        "Sandbox.Timedout"),
                "IntervalSeconds", 2,
                "MaxAttempts", 2,
                "BackoffRate", 2)),
        state("Check artifact").get("Retry"));
  }

  @Test
  void checkArtifact_anyFailureOrTimeout_recordsTheRejection_keepingTheErrorUnderError() {
    assertEquals(
        List.of(
            Map.of(
                "ErrorEquals", List.of("States.ALL"),
                "ResultPath", "$.error",
                "Next", "Record rejection")),
        state("Check artifact").get("Catch"));
  }

  @Test
  void recordIntake_writesTheCheckedStatusAndTime_onTheReleaseItem_onlyIfItExists() {
    Map<String, Object> record = state("Record intake");

    assertEquals("Task", record.get("Type"));
    assertEquals("arn:<AWS::Partition>:states:::dynamodb:updateItem", record.get("Resource"));
    assertTrue(
        record.containsKey("ResultPath") && record.get("ResultPath") == null,
        "output is the input");
    assertEquals(
        Map.of(
            "TableName",
            "<" + tableId() + ">",
            "Key",
            releaseKey(),
            "UpdateExpression",
            "SET intake = :status, intakeAt = :at",
            "ExpressionAttributeValues",
            Map.of(
                ":status", Map.of("S.$", "$.check.status"),
                ":at", Map.of("S.$", "$$.State.EnteredTime")),
            "ConditionExpression",
            "attribute_exists(pk)"),
        record.get("Parameters"));
    assertEquals("Intake recorded", record.get("Next"));
    assertEquals(Map.of("Type", "Succeed"), state("Intake recorded"));
  }

  @Test
  void recordRejection_writesRejectedAndTheErrorWithItsCause_onTheReleaseItem_onlyIfItExists() {
    Map<String, Object> record = state("Record rejection");

    assertEquals("Task", record.get("Type"));
    assertEquals("arn:<AWS::Partition>:states:::dynamodb:updateItem", record.get("Resource"));
    assertEquals(
        Map.of(
            "TableName",
            "<" + tableId() + ">",
            "Key",
            releaseKey(),
            "UpdateExpression",
            "SET intake = :rejected, intakeReason = :reason",
            "ExpressionAttributeValues",
            Map.of(
                ":rejected", Map.of("S", "rejected"),
                ":reason", Map.of("S.$", "States.Format('{}: {}', $.error.Error, $.error.Cause)")),
            "ConditionExpression",
            "attribute_exists(pk)"),
        record.get("Parameters"));
    assertNull(record.get("Catch"));
    assertEquals("Artifact rejected", record.get("Next"));
  }

  @Test
  void aRejectedRelease_failsTheExecution_withArtifactRejected() {
    Map<String, Object> rejected = state("Artifact rejected");

    assertEquals("Fail", rejected.get("Type"));
    assertEquals("ArtifactRejected", rejected.get("Error"));
  }

  @Test
  void stateMachineRole_isAssumedByStepFunctionsOnly() {
    Map<String, Object> role = resourcesOfType("AWS::IAM::Role").get(stateMachineRoleId());

    assertEquals(
        List.of(
            Map.of(
                "Action", "sts:AssumeRole",
                "Effect", "Allow",
                "Principal", Map.of("Service", "states.amazonaws.com"))),
        ((Map<?, ?>) properties(role).get("AssumeRolePolicyDocument")).get("Statement"));
    assertNull(properties(role).get("ManagedPolicyArns"));
  }

  @Test
  void stateMachineRole_mayOnlyInvokeTheArtifactCheckAlias_updateRegistryItems_andDeliverItsLogs() {
    Object registryTableArn =
        Map.of(
            "Fn::Join",
            List.of(
                "",
                List.of(
                    "arn:",
                    ref("AWS::Partition"),
                    ":dynamodb:",
                    ref("AWS::Region"),
                    ":",
                    ref("AWS::AccountId"),
                    ":table/",
                    ref(tableId()))));

    List<Map<String, Object>> statements = statements(stateMachineRoleId());

    assertEquals(3, statements.size(), asJson(statements));
    assertEquals(
        Map.of(
            Set.of("lambda:InvokeFunction"),
            List.of(ref(liveAliasId(ARTIFACT_CHECK_HANDLER))),
            Set.of("dynamodb:UpdateItem"),
            List.of(registryTableArn),
            LOG_DELIVERY_ACTIONS,
            List.of("*")),
        byActions(statements));
  }

  @Test
  void artifactCheckFunction_mayOnlyAnswerTheTaskTokensOfReleaseIntake_besidesWritingItsLogs() {
    List<Map<String, Object>> others =
        statements(roleId(ARTIFACT_CHECK_HANDLER)).stream()
            .filter(statement -> actions(statement).stream().noneMatch(a -> a.startsWith("logs:")))
            .toList();

    assertEquals(Map.of(TASK_RESPONSE_ACTIONS, List.of(ref(stateMachineId()))), byActions(others));
  }

  /**
   * The promotion's state machine has task tokens of its own, answered by others (see
   * PromotionTemplateTest).
   */
  @Test
  void onlyTheArtifactCheckFunction_mayAnswerReleaseIntakesTaskTokens() {
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      if (roleId.equals(roleId(ARTIFACT_CHECK_HANDLER))) {
        continue;
      }
      for (Map<String, Object> statement : statements(roleId)) {
        if (actions(statement).stream().anyMatch(TASK_RESPONSE_ACTIONS::contains)) {
          assertFalse(resources(statement).contains("*"), roleId + ": " + asJson(statement));
          assertFalse(
              asJson(resources(statement)).contains(stateMachineId()),
              roleId + ": " + asJson(statement));
        }
      }
    }
  }

  @Test
  void releaseRegisteredRule_onTheStagecoachBus_matchesExactlyReleaseRegisteredFromStagecoach() {
    assertTrue(ruleId().contains("ReleaseRegisteredRule"), ruleId());
    Map<String, Object> rule = properties(resourcesOfType(RULE).get(ruleId()));

    assertEquals(ref(busId()), rule.get("EventBusName"));
    assertEquals("ENABLED", rule.get("State"));
    assertEquals(
        Map.of(
            "source", List.of("stagecoach"),
            "detail-type", List.of("Release Registered")),
        rule.get("EventPattern"));
  }

  @Test
  void releaseRegisteredRule_isTheOnlyRule_thatMatchesReleaseRegistered() {
    resourcesOfType(RULE)
        .forEach(
            (id, rule) -> {
              if (!id.equals(ruleId())) {
                assertFalse(
                    asJson(properties(rule).get("EventPattern")).contains("Release Registered"),
                    id);
              }
            });
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      releaseRegisteredRule_startsReleaseIntake_withTheEventsDetail_retrying3TimesWithinAnHour_thenDeadLetters() {
    List<Map<String, Object>> targets =
        (List<Map<String, Object>>) properties(resourcesOfType(RULE).get(ruleId())).get("Targets");

    assertEquals(1, targets.size());
    Map<String, Object> target = new LinkedHashMap<>(targets.get(0));
    Object eventsRole = target.remove("RoleArn");
    target.remove("Id");
    assertEquals(
        Map.of(
            "Arn", ref(stateMachineId()),
            "InputPath", "$.detail",
            "RetryPolicy", Map.of("MaximumRetryAttempts", 3, "MaximumEventAgeInSeconds", 3600),
            "DeadLetterConfig", Map.of("Arn", getAtt(deadLetterQueueId(), "Arn"))),
        target);

    String eventsRoleId =
        (String) ((List<Object>) ((Map<String, Object>) eventsRole).get("Fn::GetAtt")).get(0);
    assertEquals(
        Map.of(Set.of("states:StartExecution"), List.of(ref(stateMachineId()))),
        byActions(statements(eventsRoleId)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      releaseRegisteredRule_isCreatedAfterTheArtifactCheckFunctionMayAnswer_soNoTaskTokenGoesUnanswered() {
    Object dependsOn =
        ((Map<String, Object>) json().get("Resources"))
            .entrySet().stream()
                .filter(resource -> resource.getKey().equals(ruleId()))
                .map(resource -> ((Map<String, Object>) resource.getValue()).get("DependsOn"))
                .findFirst()
                .orElseThrow();

    assertTrue(
        ((List<Object>) dependsOn).contains(taskResponsePolicyId()), String.valueOf(dependsOn));
  }

  @Test
  void deadLetterQueue_isEncryptedWithSqsManagedKeys_andKeepsUndeliveredEventsFourteenDays() {
    assertEquals(
        Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600),
        properties(resourcesOfType(QUEUE).get(deadLetterQueueId())));
  }

  @Test
  @SuppressWarnings("unchecked")
  void deadLetterQueue_refusesPlainHttp_andOnlyTheReleaseRegisteredRuleMaySendToIt() {
    Map<String, Object> policy =
        properties(resourcesOfType("AWS::SQS::QueuePolicy").get(deadLetterQueuePolicyId()));
    assertEquals(List.of(ref(deadLetterQueueId())), policy.get("Queues"));
    List<Map<String, Object>> statements =
        (List<Map<String, Object>>)
            ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement");
    Object queueArn = getAtt(deadLetterQueueId(), "Arn");

    assertEquals(2, statements.size(), asJson(statements));
    assertTrue(
        statements.contains(
            Map.of(
                "Action",
                "sqs:*",
                "Condition",
                Map.of("Bool", Map.of("aws:SecureTransport", "false")),
                "Effect",
                "Deny",
                "Principal",
                Map.of("AWS", "*"),
                "Resource",
                queueArn)),
        asJson(statements));
    Map<String, Object> send =
        statements.stream()
            .filter(statement -> "Allow".equals(statement.get("Effect")))
            .findFirst()
            .map(LinkedHashMap::new)
            .orElseThrow();
    send.remove("Sid");
    assertEquals(
        Map.of(
            "Action",
            "sqs:SendMessage",
            "Condition",
            Map.of("ArnEquals", Map.of("aws:SourceArn", getAtt(ruleId(), "Arn"))),
            "Effect",
            "Allow",
            "Principal",
            Map.of("Service", "events.amazonaws.com"),
            "Resource",
            queueArn),
        send);
  }

  @Test
  @SuppressWarnings("unchecked")
  void releaseIntakeFindings_areAcknowledgedOnTheResourceTheyConcern_only() {
    Map<String, Set<String>> acknowledgedOn = new LinkedHashMap<>();
    ((Map<String, Object>) json().get("Resources"))
        .forEach(
            (id, resource) -> {
              Map<String, Object> metadata =
                  (Map<String, Object>) ((Map<String, Object>) resource).get("Metadata");
              if (metadata != null && metadata.get("cdk_nag") instanceof Map<?, ?> nag) {
                for (Map<String, Object> rule :
                    (List<Map<String, Object>>) nag.get("rules_to_suppress")) {
                  acknowledgedOn
                      .computeIfAbsent((String) rule.get("id"), key -> new TreeSet<>())
                      .add(id);
                }
              }
            });
    String roleDefaultPolicyId = defaultPolicyIdOf(stateMachineRoleId());
    // Both state machines deliver their logs the same way; the promotion's findings are checked by
    // its test.
    Set<String> stateMachineRolesAndTheirPolicies =
        new TreeSet<>(
            Set.of(
                stateMachineRoleId(),
                roleDefaultPolicyId,
                PromotionTemplateTest.promotionStateMachineRoleId(),
                defaultPolicyIdOf(PromotionTemplateTest.promotionStateMachineRoleId())));
    // SQS3 (no dead-letter queue behind the queue) is acknowledged on dead-letter queues and their
    // policies
    // only: release intake's here, and each provisioner tier's (see ProvisionersTemplateTest).
    Set<String> deadLetterQueuesAndTheirPolicies = new TreeSet<>(resourcesOfType(QUEUE).keySet());
    deadLetterQueuesAndTheirPolicies.addAll(resourcesOfType("AWS::SQS::QueuePolicy").keySet());

    assertEquals(resourcesOfType(STATE_MACHINE).keySet(), acknowledgedOn.get("AwsSolutions-SF1"));
    assertEquals(resourcesOfType(STATE_MACHINE).keySet(), acknowledgedOn.get("AwsSolutions-SF2"));
    Set<String> sqs3 = acknowledgedOn.get("AwsSolutions-SQS3");
    assertTrue(
        sqs3.containsAll(Set.of(deadLetterQueueId(), deadLetterQueuePolicyId())),
        String.valueOf(sqs3));
    assertEquals(deadLetterQueuesAndTheirPolicies, sqs3);
    assertEquals(
        stateMachineRolesAndTheirPolicies, acknowledgedOn.get("AwsSolutions-IAM5[Resource::*]"));
  }

  /** The one policy CDK creates for that role ({@code DefaultPolicy}). */
  static String defaultPolicyIdOf(final String roleId) {
    List<String> ids =
        resourcesOfType("AWS::IAM::Policy").entrySet().stream()
            .filter(policy -> policy.getKey().contains("DefaultPolicy"))
            .filter(
                policy ->
                    ((List<?>) properties(policy.getValue()).get("Roles")).contains(ref(roleId)))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, ids.size(), roleId + ": " + ids);
    return ids.get(0);
  }

  /**
   * The release item's key, as the registry adapter writes it: {@code APP#<app>}, {@code
   * REL#<version>}.
   */
  private static Map<String, Object> releaseKey() {
    return Map.of(
        "pk", Map.of("S.$", "States.Format('APP#{}', $.app)"),
        "sk", Map.of("S.$", "States.Format('REL#{}', $.version)"));
  }

  /** Each statement's actions to its resources; fails if two statements have the same actions. */
  static Map<Set<String>, List<Object>> byActions(final List<Map<String, Object>> statements) {
    Map<Set<String>, List<Object>> byActions = new LinkedHashMap<>();
    for (Map<String, Object> statement : statements) {
      assertEquals("Allow", statement.get("Effect"), asJson(statement));
      assertNull(byActions.put(actions(statement), resources(statement)), asJson(statements));
    }
    return byActions;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> states() {
    return (Map<String, Object>) definition().get("States");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(final String name) {
    Map<String, Object> state = (Map<String, Object>) states().get(name);
    assertTrue(state != null, "no state '" + name + "' in " + states().keySet());
    return state;
  }

  private static Map<String, Object> definition() {
    return SynthesizedTemplate.definition(stateMachineId());
  }
}
