package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.FunctionsTemplateTest.API_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.ARTIFACT_CHECK_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.AUTHORIZER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PROMOTION_STEPS_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PUSH_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.SWEEPER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.PromotionTemplateTest.promotionStateMachineRoleId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.TIERS;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.provisionerAliasId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.provisionerId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.LOG_DELIVERY_ACTIONS;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.stateMachineRoleId;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resources;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionPermissionsTemplateTest {

  private static final Set<String> API_ITEM_ACTIONS =
      Set.of(
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:BatchWriteItem");

  @Test
  void apiFunction_mayOnlyReadAndWriteItems_neverScan() {
    Set<String> actions = new TreeSet<>();
    dynamodbStatements(roleId(API_HANDLER))
        .forEach(statement -> actions.addAll(actions(statement)));

    Set<String> expected = new TreeSet<>(API_ITEM_ACTIONS);
    expected.add("dynamodb:Query");
    assertEquals(expected, actions);
  }

  @Test
  void apiFunction_writesItemsOfTheTableOnly_andQueriesTheTableAndItsIndexes() {
    Object table = getAtt(tableId(), "Arn");
    Object indexes = Map.of("Fn::Join", List.of("", List.of(table, "/index/*")));

    for (Map<String, Object> statement : dynamodbStatements(roleId(API_HANDLER))) {
      if (actions(statement).equals(Set.of("dynamodb:Query"))) {
        assertEquals(List.of(table, indexes), resources(statement));
      } else {
        assertEquals(API_ITEM_ACTIONS, actions(statement));
        assertEquals(List.of(table), resources(statement));
      }
    }
  }

  /**
   * The API pins templates from S3 when an app is registered or changed: it may read the objects of
   * the buckets the build lists (stagecoach:templateBuckets), no other bucket, and nothing but
   * reads.
   */
  @Test
  void apiFunction_mayOnlyReadObjects_ofTheListedTemplateBuckets() {
    List<Map<String, Object>> s3 =
        statements(roleId(API_HANDLER)).stream()
            .filter(statement -> actions(statement).stream().anyMatch(a -> a.startsWith("s3:")))
            .toList();

    assertEquals(1, s3.size(), asJson(s3));
    assertEquals(Set.of("s3:GetObject", "s3:GetObjectVersion"), actions(s3.get(0)));
    assertEquals(
        List.of(
            Map.of(
                "Fn::Join",
                List.of(
                    "",
                    List.of(
                        "arn:",
                        Map.of("Ref", "AWS::Partition"),
                        ":s3:::stagecoach-example-templates/*")))),
        resources(s3.get(0)));
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      if (!roleId.equals(roleId(API_HANDLER))) {
        for (Map<String, Object> statement : statements(roleId)) {
          assertTrue(
              actions(statement).stream().noneMatch(a -> a.startsWith("s3:")),
              roleId + " may use S3: " + asJson(statement));
        }
      }
    }
  }

  @Test
  void authorizerFunction_mayOnlyGetItems_fromTheTable() {
    List<Map<String, Object>> statements = dynamodbStatements(roleId(AUTHORIZER_HANDLER));

    assertEquals(1, statements.size());
    assertEquals(Set.of("dynamodb:GetItem"), actions(statements.get(0)));
    assertEquals(List.of(getAtt(tableId(), "Arn")), resources(statements.get(0)));
  }

  @Test
  void noPolicy_grantsDynamodbWildcards_scans_orAnyResource() {
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      for (Map<String, Object> statement : dynamodbStatements(roleId)) {
        for (String action : actions(statement)) {
          assertFalse(action.contains("*"), "wildcard action " + action);
          assertNotEquals("dynamodb:Scan", action);
          assertFalse(action.startsWith("dynamodb:Describe"), action);
        }
        for (Object resource : resources(statement)) {
          assertNotEquals("*", resource, "statement on every resource: " + statement);
        }
      }
    }
  }

  @Test
  void
      apiFunction_mayInvokeExactlyTheThreeProvisionerAliases_notTheSweeperNorItselfNorUnpublishedCode() {
    List<Object> invoked = new ArrayList<>();
    for (Map<String, Object> statement : lambdaStatements(roleId(API_HANDLER))) {
      assertEquals(Set.of("lambda:InvokeFunction"), actions(statement), asJson(statement));
      invoked.addAll(resources(statement));
    }

    assertEquals(
        TIERS.stream().map(tier -> (Object) ref(provisionerAliasId(tier))).toList(), invoked);
    assertFalse(
        invoked.contains(ref(liveAliasId(SWEEPER_HANDLER))),
        "the API function may invoke the sweeper");
    assertFalse(
        invoked.contains(ref(liveAliasId(API_HANDLER))), "the API function may invoke itself");
    for (String tier : TIERS) {
      assertFalse(
          asJson(invoked).contains("\"" + provisionerId(tier) + "\""),
          "the API function may invoke the " + tier + " provisioner's $LATEST: " + asJson(invoked));
    }
  }

  @Test
  void promotionStepsFunction_mayInvokeExactlyTheThreeProvisionerAliases_forPlans_andNothingElse() {
    List<Object> invoked = new ArrayList<>();
    for (Map<String, Object> statement : lambdaStatements(roleId(PROMOTION_STEPS_HANDLER))) {
      assertEquals(Set.of("lambda:InvokeFunction"), actions(statement), asJson(statement));
      invoked.addAll(resources(statement));
    }

    assertEquals(
        TIERS.stream().map(tier -> (Object) ref(provisionerAliasId(tier))).toList(), invoked);
    for (String tier : TIERS) {
      assertFalse(
          asJson(invoked).contains("\"" + provisionerId(tier) + "\""),
          "the steps function may invoke the " + tier + " provisioner's $LATEST");
    }
  }

  @Test
  void
      onlyTheApiSlackWebhookAndPromotionStepsFunctionsAndTheReleaseIntakeAndPromotionStateMachines_mayInvokeFunctions() {
    Set<String> invokers = new TreeSet<>();
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      if (!lambdaStatements(roleId).isEmpty()) {
        invokers.add(roleId);
      }
    }

    assertEquals(
        Set.of(
            roleId(API_HANDLER),
            roleId(FunctionsTemplateTest.SLACK_WEBHOOK_HANDLER),
            roleId(PROMOTION_STEPS_HANDLER),
            stateMachineRoleId(),
            promotionStateMachineRoleId()),
        invokers);
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
  void functionRole_writesLogsOnlyToTheFunctionsOwnLogGroup(final String handler) {
    @SuppressWarnings("unchecked")
    Map<String, Object> logGroup =
        (Map<String, Object>)
            ((Map<String, Object>)
                    properties(FunctionsTemplateTest.function(handler)).get("LoggingConfig"))
                .get("LogGroup");
    String logGroupId = (String) logGroup.get("Ref");

    List<Map<String, Object>> logs =
        statements(roleId(handler)).stream()
            .filter(statement -> actions(statement).stream().anyMatch(a -> a.startsWith("logs:")))
            .toList();

    assertEquals(1, logs.size(), handler + ": " + logs);
    assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents"), actions(logs.get(0)));
    assertEquals(List.of(getAtt(logGroupId, "Arn")), resources(logs.get(0)));
  }

  /**
   * What each function may touch; the statements of each service are checked by the tests about it.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        API_HANDLER + " | logs dynamodb events lambda states s3",
        AUTHORIZER_HANDLER + " | logs dynamodb",
        ARTIFACT_CHECK_HANDLER + " | logs states",
        SWEEPER_HANDLER + " | logs dynamodb events",
        PROMOTION_STEPS_HANDLER + " | logs dynamodb events lambda states",
        PUSH_HANDLER + " | logs dynamodb events sqs states"
      })
  void functionRole_isGrantedActionsOfTheServicesTheFunctionUses_only(
      final String handler, final String services) {
    Set<String> granted = new TreeSet<>();
    statements(roleId(handler))
        .forEach(
            statement ->
                actions(statement)
                    .forEach(action -> granted.add(action.substring(0, action.indexOf(':')))));

    assertEquals(new TreeSet<>(Arrays.asList(services.split(" "))), granted, handler);
  }

  @Test
  void everyStatement_allowsNamedActions_onNamedResources_butStepFunctionsLogDelivery() {
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      for (Map<String, Object> statement : statements(roleId)) {
        assertEquals("Allow", statement.get("Effect"), asJson(statement));
        assertFalse(actions(statement).contains("*"), asJson(statement));
        assertTrue(statement.containsKey("Resource"), asJson(statement));
        if (resources(statement).contains("*")) {
          // These CloudWatch Logs actions have no resource-level permissions (see ReleaseIntake).
          assertTrue(
              Set.of(stateMachineRoleId(), promotionStateMachineRoleId()).contains(roleId),
              roleId + ": " + asJson(statement));
          assertEquals(LOG_DELIVERY_ACTIONS, actions(statement), asJson(statement));
          assertEquals(List.of("*"), resources(statement), asJson(statement));
        }
      }
    }
  }

  private static List<Map<String, Object>> dynamodbStatements(final String roleId) {
    return statements(roleId).stream()
        .filter(statement -> actions(statement).stream().anyMatch(a -> a.startsWith("dynamodb:")))
        .toList();
  }

  private static List<Map<String, Object>> lambdaStatements(final String roleId) {
    return statements(roleId).stream()
        .filter(statement -> actions(statement).stream().anyMatch(a -> a.startsWith("lambda:")))
        .toList();
  }
}
