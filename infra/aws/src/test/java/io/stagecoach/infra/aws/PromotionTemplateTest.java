package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.API_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PROMOTION_STEPS_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.functionId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.logGroupIdOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.TIERS;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.provisionerRoleId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.LOG_DELIVERY_ACTIONS;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.byActions;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.defaultPolicyIdOf;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

/**
 * The promotion pipeline: the {@code PromotionStateMachine}'s definition (its state names are a
 * contract with the steps function), its role, the steps function's role, and who else may use the
 * state machine. Definitions are read with references written as {@code <LogicalId>} and {@code
 * <LogicalId.Attribute>}.
 */
class PromotionTemplateTest {

  private static final String STATE_MACHINE = "AWS::StepFunctions::StateMachine";
  private static final String NAME = "stagecoach-promotion";

  /**
   * What the functions are told: the ARN constructed from the state machine's name, no reference to
   * it.
   */
  static final Map<String, Object> PROMOTION_STATE_MACHINE_ARN =
      Map.of(
          "Fn::Join",
          List.of(
              "",
              List.of(
                  "arn:",
                  ref("AWS::Partition"),
                  ":states:",
                  ref("AWS::Region"),
                  ":",
                  ref("AWS::AccountId"),
                  ":stateMachine:" + NAME)));

  private static final Set<String> TASK_RESPONSE_ACTIONS =
      Set.of("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat");
  private static final Set<String> ANSWER_ACTIONS =
      Set.of("states:SendTaskSuccess", "states:SendTaskFailure");
  private static final Set<String> API_ACTIONS =
      Set.of("states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure");
  private static final Set<String> ITEM_ACTIONS =
      Set.of(
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:BatchWriteItem");

  /** What the steps function throws for throttling, 5xx, timeouts and lost conditional writes. */
  private static final String TRANSIENT = "io.stagecoach.functions.promotion.Transient";

  /** What the steps function throws while another promotion holds the stage. */
  private static final String STAGE_BUSY = "io.stagecoach.functions.promotion.StageBusy";

  /**
   * Business outcomes: from the steps function (a gate, a verification, an ended promotion), an
   * approval's task token, a provisioner's, and the timeout of an approval or a deployment.
   */
  private static final List<String> BUSINESS =
      List.of(
          "io.stagecoach.functions.promotion.GateClosed",
          "io.stagecoach.functions.promotion.VerificationFailed",
          "io.stagecoach.functions.promotion.PromotionStopped",
          "Approval.Rejected",
          "Approval.Expired",
          "Promotion.Superseded",
          "Deployment.Failed",
          "Deployment.Superseded",
          "States.Timeout");

  /**
   * Transient errors, the steps function's, the Lambda service's and the function's own timeout:
   * from 1 s, doubling, capped at 30 s, full jitter, six times.
   */
  private static final List<Map<String, Object>> TRANSIENT_RETRY =
      List.of(
          Map.of(
              "ErrorEquals",
                  List.of(
                      TRANSIENT,
                      "Lambda.ServiceException",
                      "Lambda.AWSLambdaException",
                      "Lambda.SdkClientException",
                      "Lambda.TooManyRequestsException",
                      "Sandbox.Timedout"),
              "IntervalSeconds", 1,
              "BackoffRate", 2,
              "MaxDelaySeconds", 30,
              "JitterStrategy", "FULL",
              "MaxAttempts", 6));

  static String promotionStateMachineId() {
    return template()
        .getResourceId(
            STATE_MACHINE,
            Map.of("Properties", Match.objectLike(Map.of("StateMachineName", NAME))));
  }

  @SuppressWarnings("unchecked")
  static String promotionStateMachineRoleId() {
    Map<String, Object> roleArn = (Map<String, Object>) properties(stateMachine()).get("RoleArn");
    return (String) ((List<Object>) roleArn.get("Fn::GetAtt")).get(0);
  }

  /** The policy, of the steps function's role, that lets it answer the promotion's task tokens. */
  static String stepsTaskResponsePolicyId() {
    return policyOf(roleId(PROMOTION_STEPS_HANDLER), "states:");
  }

  // ---- the state machine ----

  @Test
  void promotion_isAStandardStateMachine_namedAfterTheStack_soThatFunctionsCanConstructItsArn() {
    Map<String, Object> stateMachine = properties(stateMachine());

    assertTrue(promotionStateMachineId().startsWith("Promotion"), promotionStateMachineId());
    assertEquals("STANDARD", stateMachine.get("StateMachineType"));
    assertEquals(NAME, stateMachine.get("StateMachineName"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void promotion_logsErrorsWithoutExecutionData_toALogGroupOfItsOwn_keptOneMonth() {
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
    assertTrue(logGroupId.startsWith("Promotion"), logGroupId);
    assertFalse(
        asJson(
                properties(
                    resourcesOfType(STATE_MACHINE).get(ReleaseIntakeTemplateTest.stateMachineId())))
            .contains(logGroupId));
    for (Map<String, Object> function : resourcesOfType("AWS::Lambda::Function").values()) {
      assertFalse(asJson(properties(function).get("LoggingConfig")).contains(logGroupId));
    }
  }

  @Test
  void promotion_isNotTraced() {
    assertEquals(Map.of("Enabled", false), properties(stateMachine()).get("TracingConfiguration"));
  }

  // ---- the definition ----

  @Test
  void promotion_hasExactlyItsFiveStates_startingWithTheStages() {
    assertEquals("Promote stages", definition().get("StartAt"));
    assertEquals(
        Map.of(
            "Promote stages", "Map",
            "Record success", "Task",
            "Promoted", "Succeed",
            "Record failure", "Task",
            "Promotion failed", "Fail"),
        typesOf(states()));
  }

  @Test
  void eachStage_hasExactlyItsTenStates_startingWithEnterStage() {
    assertEquals("Enter stage", itemProcessor().get("StartAt"));
    assertEquals(
        Map.of(
            "Already promoted", "Succeed",
            "Enter stage", "Task",
            "Needs approval?", "Choice",
            "Wait for window", "Wait",
            "Wait for approval", "Task",
            "Deploy", "Task",
            "Complete stage", "Task",
            "Soak?", "Choice",
            "Soak", "Wait",
            "Promote stage", "Task"),
        typesOf(stageStates()));
  }

  @Test
  void promoteStages_takesTheStagesOneAtATime_inline_eachWithThePromotion_discardingTheirResults() {
    Map<String, Object> map = state("Promote stages");

    assertEquals("$.stages", map.get("ItemsPath"));
    assertEquals(
        Map.of(
            "promotionId.$", "$.promotionId",
            "app.$", "$.app",
            "version.$", "$.version",
            "digest.$", "$.digest",
            "requestedBy.$", "$.requestedBy",
            "stage.$", "$$.Map.Item.Value"),
        map.get("ItemSelector"));
    assertEquals(1, map.get("MaxConcurrency"));
    assertEquals(Map.of("Mode", "INLINE"), itemProcessor().get("ProcessorConfig"));
    assertTrue(
        map.containsKey("ResultPath") && map.get("ResultPath") == null, "output is the input");
    assertNull(map.get("Retry"));
    assertEquals("Record success", map.get("Next"));
  }

  @Test
  void
      promoteStages_catchesBusinessOutcomesByName_thenAnyOtherError_recordingTheFailure_keepingTheErrorUnderError() {
    assertEquals(
        List.of(
            Map.of("ErrorEquals", BUSINESS, "ResultPath", "$.error", "Next", "Record failure"),
            Map.of(
                "ErrorEquals", List.of("States.ALL"),
                "ResultPath", "$.error",
                "Next", "Record failure")),
        state("Promote stages").get("Catch"));
  }

  /**
   * Point 6 of issue 12: transient errors are retried with backoff and jitter, business outcomes
   * are retried nowhere (they end the promotion at once), and only Enter stage waits for a busy
   * stage.
   */
  @Test
  @SuppressWarnings("unchecked")
  void
      everyState_retriesTransientErrorsWithBackoffAndFullJitter_andNeverRetriesABusinessOutcomeOrEverything() {
    Map<String, Object> all = new LinkedHashMap<>(states());
    all.putAll(stageStates());
    Set<String> retrying = new TreeSet<>();
    for (Map.Entry<String, Object> state : all.entrySet()) {
      List<Map<String, Object>> retries =
          (List<Map<String, Object>>) ((Map<String, Object>) state.getValue()).get("Retry");
      if (retries == null) {
        continue;
      }
      for (Map<String, Object> retry : retries) {
        List<String> errors = (List<String>) retry.get("ErrorEquals");
        for (String error : errors) {
          assertFalse(BUSINESS.contains(error), state.getKey() + " retries " + error);
          assertFalse(
              Set.of("States.ALL", "States.TaskFailed", "States.Timeout").contains(error),
              state.getKey() + " retries " + error);
        }
        if (errors.contains(TRANSIENT)) {
          retrying.add(state.getKey());
          assertEquals("FULL", retry.get("JitterStrategy"), state.getKey());
          assertTrue(((Number) retry.get("BackoffRate")).doubleValue() > 1, state.getKey());
          assertTrue(retry.containsKey("MaxDelaySeconds"), state.getKey());
        } else {
          assertEquals(List.of(STAGE_BUSY), errors, state.getKey());
          assertEquals("Enter stage", state.getKey());
        }
      }
    }
    assertEquals(
        Set.of(
            "Enter stage",
            "Wait for approval",
            "Complete stage",
            "Promote stage",
            "Record success",
            "Record failure"),
        retrying,
        "every invocation of the steps function");
    assertNull(stageState("Deploy").get("Retry"), "the provisioner retries; its answer is final");
  }

  @Test
  void
      enterStage_invokesTheStepsFunctionsLiveAlias_withThePromotionAndTheStage_keepingNextAndDeploymentIdUnderEntered() {
    Map<String, Object> enter = stageState("Enter stage");

    assertEquals("arn:<AWS::Partition>:states:::lambda:invoke", enter.get("Resource"));
    assertEquals(
        Map.of("FunctionName", stepsAlias(), "Payload", stageRequest("enterStage")),
        enter.get("Parameters"));
    assertEquals(
        Map.of(
            "next.$", "$.Payload.next",
            "deploymentId.$", "$.Payload.deploymentId",
            "opensAt.$", "$.Payload.opensAt"),
        enter.get("ResultSelector"));
    assertEquals("$.entered", enter.get("ResultPath"));
    assertNull(enter.get("Catch"));
    assertEquals("Needs approval?", enter.get("Next"));
  }

  @Test
  void
      enterStage_retriesTransientErrors_andWhileTheStageIsBusy_from30SecondsGrowingTo5Minutes_upTo99Times() {
    List<Object> retries = new ArrayList<>(TRANSIENT_RETRY);
    retries.add(
        Map.of(
            "ErrorEquals", List.of(STAGE_BUSY),
            "IntervalSeconds", 30,
            "BackoffRate", 1.5,
            "MaxDelaySeconds", 300,
            "MaxAttempts", 99));

    assertEquals(retries, stageState("Enter stage").get("Retry"));
  }

  @Test
  void
      needsApproval_waitsForTheWindowOnWait_forApprovalOnApprove_endsTheItemOnSkip_otherwiseDeploys() {
    Map<String, Object> choice = stageState("Needs approval?");

    assertEquals(
        List.of(
            Map.of("Variable", "$.entered.next", "StringEquals", "wait", "Next", "Wait for window"),
            Map.of(
                "Variable",
                "$.entered.next",
                "StringEquals",
                "approve",
                "Next",
                "Wait for approval"),
            Map.of(
                "Variable", "$.entered.next", "StringEquals", "skip", "Next", "Already promoted")),
        choice.get("Choices"));
    assertEquals("Deploy", choice.get("Default"));
  }

  /**
   * A closed deployment window: the execution waits until the opening Enter stage named (a
   * timestamp), then enters the stage again, which checks the window anew and fails it once the
   * stage's maxWaitHours are spent.
   */
  @Test
  void waitForWindow_waitsUntilTheOpeningEnterStageNamed_thenEntersTheStageAgain() {
    assertEquals(
        Map.of(
            "Type", "Wait",
            "TimestampPath", "$.entered.opensAt",
            "Next", "Enter stage"),
        stageState("Wait for window"));
  }

  @Test
  void
      waitForApproval_invokesTheStepsFunctionWithATaskToken_andGivesUpAfterTheStagesApprovalTimeout() {
    Map<String, Object> approval = stageState("Wait for approval");
    Map<String, Object> payload = stageRequest("requestApproval");
    payload.put("taskToken.$", "$$.Task.Token");

    assertEquals(
        "arn:<AWS::Partition>:states:::lambda:invoke.waitForTaskToken", approval.get("Resource"));
    assertEquals(
        Map.of("FunctionName", stepsAlias(), "Payload", payload), approval.get("Parameters"));
    assertEquals("$.stage.approvalTimeoutSeconds", approval.get("TimeoutSecondsPath"));
    assertNull(approval.get("TimeoutSeconds"));
    assertNull(approval.get("HeartbeatSeconds"));
    assertEquals("$.approval", approval.get("ResultPath"));
    assertEquals(TRANSIENT_RETRY, approval.get("Retry"));
    assertNull(approval.get("Catch"));
    assertEquals("Deploy", approval.get("Next"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      deploy_putsDeploymentRequestedOnTheStagecoachBus_withATaskToken_andWaitsUpToTwoHoursForTheProvisionersAnswer() {
    Map<String, Object> deploy = stageState("Deploy");

    assertEquals(
        "arn:<AWS::Partition>:states:::events:putEvents.waitForTaskToken", deploy.get("Resource"));
    List<Map<String, Object>> entries =
        (List<Map<String, Object>>) ((Map<String, Object>) deploy.get("Parameters")).get("Entries");
    assertEquals(Set.of("Entries"), ((Map<String, Object>) deploy.get("Parameters")).keySet());
    assertEquals(1, entries.size(), asJson(entries));
    Map<String, Object> entry = new LinkedHashMap<>(entries.get(0));
    entry.remove("Detail");
    assertEquals(
        Map.of(
            "Source", "stagecoach",
            "DetailType", "Deployment Requested",
            "EventBusName", "<" + busId() + ".Arn>"),
        entry);
    assertEquals(7200, deploy.get("TimeoutSeconds"));
    assertNull(deploy.get("TimeoutSecondsPath"));
    assertEquals("$.deployed", deploy.get("ResultPath"));
    assertEquals("Complete stage", deploy.get("Next"));
  }

  /**
   * As the API function writes it for a deployment it records, with origin, promotion and task
   * token.
   */
  @Test
  @SuppressWarnings("unchecked")
  void
      deploy_describesTheDeploymentOfTheStagesEnvironment_fromThePromotion_withTheTaskTokenToAnswer() {
    Map<String, Object> entry =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) stageState("Deploy").get("Parameters")).get("Entries"))
            .get(0);

    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("deploymentId.$", "$.entered.deploymentId");
    detail.put("app.$", "$.app");
    detail.put("environment.$", "$.stage.environment");
    detail.put("tier.$", "$.stage.tier");
    detail.put("action", "deploy");
    detail.put("version.$", "$.version");
    detail.put("digest.$", "$.digest");
    detail.put("status", "requested");
    detail.put("outputs", Map.of());
    detail.put("requestedBy.$", "$.requestedBy");
    detail.put("origin.$", "States.Format('promotion:{}', $.promotionId)");
    detail.put("attempts", 0);
    detail.put("requestedAt.$", "$$.State.EnteredTime");
    detail.put("promotionId.$", "$.promotionId");
    detail.put("taskToken.$", "$$.Task.Token");
    assertEquals(detail, entry.get("Detail"));
  }

  @Test
  void
      completeStage_passesTheDeploymentAndWhatItsProvisionerAnswered_keepingTheSoakTimeUnderCompleted() {
    Map<String, Object> complete = stageState("Complete stage");
    Map<String, Object> payload = stageRequest("completeStage");
    payload.put("deploymentId.$", "$.entered.deploymentId");
    payload.put("deployed.$", "$.deployed");

    assertEquals("arn:<AWS::Partition>:states:::lambda:invoke", complete.get("Resource"));
    assertEquals(
        Map.of("FunctionName", stepsAlias(), "Payload", payload), complete.get("Parameters"));
    assertEquals(Map.of("soakSeconds.$", "$.Payload.soakSeconds"), complete.get("ResultSelector"));
    assertEquals("$.completed", complete.get("ResultPath"));
    assertEquals(TRANSIENT_RETRY, complete.get("Retry"));
    assertEquals("Soak?", complete.get("Next"));
  }

  @Test
  void soak_waitsTheSecondsCompleteStageReturned_onlyWhenThereAreAny_thenPromotesTheStage() {
    Map<String, Object> choice = stageState("Soak?");

    assertEquals(
        List.of(
            Map.of(
                "Variable", "$.completed.soakSeconds",
                "NumericGreaterThan", 0,
                "Next", "Soak")),
        choice.get("Choices"));
    assertEquals("Promote stage", choice.get("Default"));
    assertEquals(
        Map.of(
            "Type", "Wait",
            "SecondsPath", "$.completed.soakSeconds",
            "Next", "Promote stage"),
        stageState("Soak"));
  }

  @Test
  void promoteStage_endsTheStage_withItsDeployment_discardingTheResult() {
    Map<String, Object> promote = stageState("Promote stage");
    Map<String, Object> payload = stageRequest("promoteStage");
    payload.put("deploymentId.$", "$.entered.deploymentId");

    assertEquals("arn:<AWS::Partition>:states:::lambda:invoke", promote.get("Resource"));
    assertEquals(
        Map.of("FunctionName", stepsAlias(), "Payload", payload), promote.get("Parameters"));
    assertTrue(
        promote.containsKey("ResultPath") && promote.get("ResultPath") == null,
        "output is the input");
    assertEquals(TRANSIENT_RETRY, promote.get("Retry"));
    assertEquals(true, promote.get("End"));
    assertNull(promote.get("Next"));
  }

  @Test
  void recordSuccess_tellsTheStepsFunctionThePromotionFinished_thenSucceeds() {
    Map<String, Object> record = state("Record success");

    assertEquals("arn:<AWS::Partition>:states:::lambda:invoke", record.get("Resource"));
    assertEquals(
        Map.of(
            "FunctionName",
            stepsAlias(),
            "Payload",
            Map.of(
                "step", "finish",
                "promotionId.$", "$.promotionId",
                "app.$", "$.app")),
        record.get("Parameters"));
    assertTrue(
        record.containsKey("ResultPath") && record.get("ResultPath") == null,
        "output is the input");
    assertEquals(TRANSIENT_RETRY, record.get("Retry"));
    assertEquals("Promoted", record.get("Next"));
    assertEquals(Map.of("Type", "Succeed"), state("Promoted"));
  }

  @Test
  void recordFailure_tellsTheStepsFunctionTheError_catchesNothing_andFailsWithPromotionFailed() {
    Map<String, Object> record = state("Record failure");

    assertEquals("arn:<AWS::Partition>:states:::lambda:invoke", record.get("Resource"));
    assertEquals(
        Map.of(
            "FunctionName",
            stepsAlias(),
            "Payload",
            Map.of(
                "step", "fail",
                "promotionId.$", "$.promotionId",
                "app.$", "$.app",
                "error.$", "$.error")),
        record.get("Parameters"));
    assertTrue(
        record.containsKey("ResultPath") && record.get("ResultPath") == null,
        "output is the input");
    assertEquals(TRANSIENT_RETRY, record.get("Retry"));
    assertNull(record.get("Catch"));
    assertEquals("Promotion failed", record.get("Next"));
    assertEquals(
        Map.of(
            "Type", "Fail",
            "Error", "PromotionFailed",
            "Cause", "see the promotion record for the reason"),
        state("Promotion failed"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      everyLambdaTask_invokesTheStepsFunctionsLiveAlias_retryingTransientErrors_notAsCdksDefault() {
    Map<String, Object> all = new LinkedHashMap<>(states());
    all.putAll(stageStates());
    int invocations = 0;
    for (Map.Entry<String, Object> state : all.entrySet()) {
      Map<String, Object> task = (Map<String, Object>) state.getValue();
      if (String.valueOf(task.get("Resource")).contains(":lambda:")) {
        invocations++;
        assertEquals(
            stepsAlias(),
            ((Map<String, Object>) task.get("Parameters")).get("FunctionName"),
            state.getKey());
        assertEquals(
            TRANSIENT_RETRY.get(0), ((List<Object>) task.get("Retry")).get(0), state.getKey());
      }
    }
    assertEquals(6, invocations);
  }

  /**
   * Standard workflows are billed per state transition. Counted from the definition, without
   * retries: the Map, each stage's path (with the approval and the soak where a stage has them),
   * and the end.
   */
  @Test
  void aPromotionThroughThreeStages_twoOfThemApproved_takesAtMost40StateTransitions() {
    List<List<String>> stagePaths = paths(stageStates(), (String) itemProcessor().get("StartAt"));
    List<String> approved = longest(stagePaths, path -> path.contains("Wait for approval"));
    List<String> notApproved = longest(stagePaths, path -> !path.contains("Wait for approval"));
    List<String> promotion =
        longest(paths(states(), (String) definition().get("StartAt")), path -> true);

    assertEquals(
        List.of(
            "Enter stage",
            "Needs approval?",
            "Wait for approval",
            "Deploy",
            "Complete stage",
            "Soak?",
            "Soak",
            "Promote stage"),
        approved);
    assertEquals(7, notApproved.size(), notApproved.toString());
    assertEquals(3, promotion.size(), promotion.toString());
    int transitions = promotion.size() + 2 * approved.size() + notApproved.size();
    assertTrue(transitions <= 40, transitions + " transitions");
  }

  // ---- permissions ----

  @Test
  void stateMachineRole_isAssumedByStepFunctionsOnly() {
    Map<String, Object> role = resourcesOfType("AWS::IAM::Role").get(promotionStateMachineRoleId());

    assertEquals(
        List.of(
            Map.of(
                "Action", "sts:AssumeRole",
                "Effect", "Allow",
                "Principal", Map.of("Service", "states.amazonaws.com"))),
        ((Map<?, ?>) properties(role).get("AssumeRolePolicyDocument")).get("Statement"));
    assertNull(properties(role).get("ManagedPolicyArns"));
    assertNull(properties(role).get("Policies"));
  }

  @Test
  void stateMachineRole_mayOnlyInvokeTheStepsAlias_putEventsOnTheStagecoachBus_andDeliverItsLogs() {
    assertEquals(
        Map.of(
            Set.of("lambda:InvokeFunction"),
            List.of(ref(liveAliasId(PROMOTION_STEPS_HANDLER))),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn")),
            LOG_DELIVERY_ACTIONS,
            List.of("*")),
        byActions(statements(promotionStateMachineRoleId())));
  }

  @Test
  void
      stepsRole_mayReadAndWriteRegistryItems_putEventsOnTheBus_answerThePromotionsTaskTokens_andAskProvisionersForPlans_only() {
    Object table = getAtt(tableId(), "Arn");
    List<Map<String, Object>> statements = statements(roleId(PROMOTION_STEPS_HANDLER));
    // One statement per provisioner alias (an approval carries its stage's plan).
    List<Object> invoked = new java.util.ArrayList<>();
    statements.stream()
        .filter(st -> actions(st).equals(Set.of("lambda:InvokeFunction")))
        .forEach(st -> invoked.addAll(resources(st)));
    assertEquals(
        ProvisionersTemplateTest.TIERS.stream()
            .map(tier -> (Object) ref(ProvisionersTemplateTest.provisionerAliasId(tier)))
            .toList(),
        invoked);

    assertEquals(
        Map.of(
            Set.of("logs:CreateLogStream", "logs:PutLogEvents"),
            List.of(getAtt(logGroupIdOf(functionId(PROMOTION_STEPS_HANDLER)), "Arn")),
            ITEM_ACTIONS,
            List.of(table),
            Set.of("dynamodb:Query"),
            List.of(table, Map.of("Fn::Join", List.of("", List.of(table, "/index/*")))),
            Set.of("events:PutEvents"),
            List.of(getAtt(busId(), "Arn")),
            TASK_RESPONSE_ACTIONS,
            List.of(ref(promotionStateMachineId()))),
        byActions(
            statements.stream()
                .filter(st -> !actions(st).equals(Set.of("lambda:InvokeFunction")))
                .toList()));
  }

  /**
   * Not in the role's default policy, which the function waits for: see
   * DeploymentOrderTemplateTest.
   */
  @Test
  void stepsRole_isGrantedTheTaskResponsesInAPolicyOfItsOwn() {
    String stepsRole = roleId(PROMOTION_STEPS_HANDLER);

    assertFalse(stepsTaskResponsePolicyId().equals(defaultPolicyIdOf(stepsRole)));
    assertFalse(
        asJson(properties(resourcesOfType("AWS::IAM::Policy").get(defaultPolicyIdOf(stepsRole))))
            .contains("states:"));
  }

  @Test
  void apiRole_mayStartPromotions_andAnswerTheirApprovals_onThePromotionStateMachineOnly() {
    List<Map<String, Object>> states = statesStatements(roleId(API_HANDLER));

    assertEquals(Map.of(API_ACTIONS, List.of(ref(promotionStateMachineId()))), byActions(states));
    assertFalse(
        policyOf(roleId(API_HANDLER), "states:").equals(defaultPolicyIdOf(roleId(API_HANDLER))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void apiRole_mayStartPromotions_onlyOnceTheStepsFunctionMayAnswerTheirTokens() {
    Map<String, Object> policy =
        (Map<String, Object>)
            ((Map<String, Object>) json().get("Resources"))
                .get(policyOf(roleId(API_HANDLER), "states:"));

    assertTrue(
        ((List<Object>) policy.get("DependsOn")).contains(stepsTaskResponsePolicyId()),
        String.valueOf(policy.get("DependsOn")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "prod"})
  void provisionerRole_mayAnswerTheDeployTaskTokens_ofThePromotionStateMachineOnly(
      final String tier) {
    List<Map<String, Object>> states = statesStatements(provisionerRoleId(tier));

    assertEquals(
        Map.of(ANSWER_ACTIONS, List.of(ref(promotionStateMachineId()))), byActions(states));
    assertFalse(
        policyOf(provisionerRoleId(tier), "states:")
            .equals(defaultPolicyIdOf(provisionerRoleId(tier))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      onlyTheStepsTheApiTheSlackWebhookTheProvisionersAndThePushFunction_mayUseThePromotionStateMachine_andNobodyAnyStateMachineWithAWildcard() {
    Set<String> expected =
        new TreeSet<>(
            List.of(
                roleId(PROMOTION_STEPS_HANDLER),
                roleId(API_HANDLER),
                roleId(FunctionsTemplateTest.PUSH_HANDLER),
                roleId(FunctionsTemplateTest.SLACK_WEBHOOK_HANDLER)));
    TIERS.forEach(tier -> expected.add(provisionerRoleId(tier)));

    Set<String> users = new TreeSet<>();
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      for (Map<String, Object> statement : statesStatements(roleId)) {
        assertTrue(
            actions(statement).stream().noneMatch(action -> action.contains("*")),
            asJson(statement));
        for (Object resource : resources(statement)) {
          assertTrue(
              resource instanceof Map<?, ?> reference
                  && resourcesOfType(STATE_MACHINE)
                      .containsKey(((Map<String, Object>) reference).get("Ref")),
              roleId
                  + " is granted states actions on something else than a state machine: "
                  + asJson(statement));
        }
        if (resources(statement).contains(ref(promotionStateMachineId()))) {
          users.add(roleId);
        }
      }
    }

    assertEquals(expected, users);
  }

  @Test
  void promotionFindings_areAcknowledgedOnTheStateMachineAndItsRole_only() {
    String role = promotionStateMachineRoleId();

    assertEquals(
        Set.of("AwsSolutions-SF1", "AwsSolutions-SF2"),
        acknowledgedFindings(promotionStateMachineId()));
    assertEquals(Set.of("AwsSolutions-IAM5[Resource::*]"), acknowledgedFindings(role));
    assertEquals(
        Set.of("AwsSolutions-IAM5[Resource::*]"), acknowledgedFindings(defaultPolicyIdOf(role)));
    assertEquals(Set.of(), acknowledgedFindings(stepsTaskResponsePolicyId()));
  }

  // ---- helpers ----

  private static Map<String, Object> stateMachine() {
    return resourcesOfType(STATE_MACHINE).get(promotionStateMachineId());
  }

  private static Map<String, Object> definition() {
    return SynthesizedTemplate.definition(promotionStateMachineId());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> states() {
    return (Map<String, Object>) definition().get("States");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> itemProcessor() {
    return (Map<String, Object>) state("Promote stages").get("ItemProcessor");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stageStates() {
    return (Map<String, Object>) itemProcessor().get("States");
  }

  private static Map<String, Object> state(final String name) {
    return named(states(), name);
  }

  private static Map<String, Object> stageState(final String name) {
    return named(stageStates(), name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> named(final Map<String, Object> states, final String name) {
    Map<String, Object> state = (Map<String, Object>) states.get(name);
    assertTrue(state != null, "no state '" + name + "' in " + states.keySet());
    return state;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> typesOf(final Map<String, Object> states) {
    Map<String, Object> types = new LinkedHashMap<>();
    states.forEach((name, state) -> types.put(name, ((Map<String, Object>) state).get("Type")));
    return types;
  }

  private static String stepsAlias() {
    return "<" + liveAliasId(PROMOTION_STEPS_HANDLER) + ">";
  }

  /** The payload every stage step starts with: the step, the promotion and the stage. */
  private static Map<String, Object> stageRequest(final String step) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("step", step);
    payload.put("promotionId.$", "$.promotionId");
    payload.put("app.$", "$.app");
    payload.put("version.$", "$.version");
    payload.put("digest.$", "$.digest");
    payload.put("requestedBy.$", "$.requestedBy");
    payload.put("stage.$", "$.stage");
    return payload;
  }

  /** Every path from that state to an end (End, Succeed, Fail), through choices and catches. */
  private static List<List<String>> paths(final Map<String, Object> states, final String start) {
    List<List<String>> paths = new ArrayList<>();
    walk(states, start, List.of(), paths);
    return paths;
  }

  @SuppressWarnings("unchecked")
  private static void walk(
      final Map<String, Object> states,
      final String name,
      final List<String> before,
      final List<List<String>> paths) {
    if (before.contains(name)) {
      // The one loop: waiting for a stage's window, then entering the stage again.
      assertEquals(
          List.of("Wait for window", "Enter stage"),
          List.of(before.get(before.size() - 1), name),
          "a loop back to " + name + " after " + before);
      paths.add(before);
      return;
    }
    List<String> path = new ArrayList<>(before);
    path.add(name);
    Map<String, Object> state = named(states, name);
    List<String> next = new ArrayList<>();
    if (state.get("Next") instanceof String following) {
      next.add(following);
    }
    if (state.get("Default") instanceof String otherwise) {
      next.add(otherwise);
    }
    for (String branches : List.of("Choices", "Catch")) {
      if (state.get(branches) instanceof List<?> list) {
        list.forEach(branch -> next.add((String) ((Map<String, Object>) branch).get("Next")));
      }
    }
    if (next.isEmpty()) {
      paths.add(path);
    } else {
      next.forEach(following -> walk(states, following, path, paths));
    }
  }

  private static List<String> longest(
      final List<List<String>> paths, final Predicate<List<String>> which) {
    return paths.stream()
        .filter(which)
        .max((a, b) -> Integer.compare(a.size(), b.size()))
        .orElseThrow();
  }

  private static List<Map<String, Object>> statesStatements(final String roleId) {
    return statements(roleId).stream()
        .filter(
            statement ->
                actions(statement).stream().anyMatch(action -> action.startsWith("states:")))
        .toList();
  }

  /** The one policy of that role whose document mentions that text. */
  private static String policyOf(final String roleId, final String mentioning) {
    List<String> ids =
        resourcesOfType("AWS::IAM::Policy").entrySet().stream()
            .filter(
                policy ->
                    ((List<?>) properties(policy.getValue()).get("Roles")).contains(ref(roleId)))
            .filter(
                policy ->
                    asJson(properties(policy.getValue()).get("PolicyDocument"))
                        .contains(mentioning))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, ids.size(), roleId + ": " + ids);
    return ids.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Set<String> acknowledgedFindings(final String logicalId) {
    Map<String, Object> resource =
        (Map<String, Object>) ((Map<String, Object>) json().get("Resources")).get(logicalId);
    Map<String, Object> metadata =
        (Map<String, Object>) resource.getOrDefault("Metadata", Map.of());
    Map<String, Object> nag = (Map<String, Object>) metadata.getOrDefault("cdk_nag", Map.of());
    Set<String> ids = new TreeSet<>();
    for (Map<String, Object> rule :
        (List<Map<String, Object>>) nag.getOrDefault("rules_to_suppress", List.of())) {
      assertTrue(
          rule.get("reason") instanceof String reason && reason.length() >= 20,
          logicalId + ": " + rule);
      ids.add((String) rule.get("id"));
    }
    return ids;
  }
}
