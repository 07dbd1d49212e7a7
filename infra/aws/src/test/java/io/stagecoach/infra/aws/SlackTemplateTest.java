package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.EventBusTemplateTest.busId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.JIT_AT_C1;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.SLACK_NOTIFIER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.SLACK_WEBHOOK_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.environmentOf;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.functionId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.tableId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.byActions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.json;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.assertions.Match;

/**
 * Slack: the webhook behind Slack's two signed routes, the approval notifier, and their two
 * secrets.
 */
class SlackTemplateTest {

  private static final String SECRET = "AWS::SecretsManager::Secret";
  private static final String SIGNING_SECRET_NAME = "stagecoach/slack/signing_secret";
  private static final String BOT_TOKEN_NAME = "stagecoach/slack/bot_token";

  static String secretId(final String name) {
    return template()
        .getResourceId(SECRET, Map.of("Properties", Match.objectLike(Map.of("Name", name))));
  }

  private static String notifierRuleId() {
    return template()
        .getResourceId(
            "AWS::Events::Rule",
            Map.of(
                "Properties",
                Match.objectLike(
                    Map.of(
                        "EventPattern",
                        Map.of(
                            "source",
                            List.of("stagecoach"),
                            "detail-type",
                            List.of(
                                "Approval Requested",
                                "Environment Expiring",
                                "Break Glass Requested",
                                "Break Glass Confirmed",
                                "Drift Detected",
                                "Drift Resolved"))))));
  }

  private static String deadLetterQueueId() {
    List<String> ids =
        resourcesOfType("AWS::SQS::Queue").keySet().stream()
            .filter(id -> id.startsWith("SlackApprovalRequestedDeadLetters"))
            .toList();
    assertEquals(1, ids.size(), ids.toString());
    return ids.get(0);
  }

  private static String invokeConfigIdOf(final String handler) {
    List<String> ids =
        resourcesOfType("AWS::Lambda::EventInvokeConfig").entrySet().stream()
            .filter(
                config ->
                    ref(functionId(handler))
                        .equals(properties(config.getValue()).get("FunctionName")))
            .map(Map.Entry::getKey)
            .toList();
    assertEquals(1, ids.size(), handler + ": " + ids);
    return ids.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Set<String> acknowledged(final String logicalId) {
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

  /** The method logical ids of Slack's routes, by path part. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> slackMethods() {
    Map<String, String> methods = new LinkedHashMap<>();
    resourcesOfType("AWS::ApiGateway::Method")
        .forEach(
            (id, method) -> {
              Map<String, Object> resourceId =
                  (Map<String, Object>) properties(method).get("ResourceId");
              Object resource =
                  resourcesOfType("AWS::ApiGateway::Resource").get(resourceId.get("Ref"));
              if (resource != null) {
                Object part = properties((Map<String, Object>) resource).get("PathPart");
                if (part.equals("commands") || part.equals("interactions")) {
                  methods.put((String) part, id);
                }
              }
            });
    return methods;
  }

  // ---- secrets ----

  @Test
  void theSigningSecretAndTheBotToken_arePlaceholdersTheOperatorFills_neverValuesInTheTemplate() {
    Map<String, Map<String, Object>> secrets = resourcesOfType(SECRET);
    assertEquals(Set.of(secretId(SIGNING_SECRET_NAME), secretId(BOT_TOKEN_NAME)), secrets.keySet());
    secrets.forEach(
        (id, secret) -> {
          assertFalse(properties(secret).containsKey("SecretString"), id);
          assertEquals(Map.of(), properties(secret).get("GenerateSecretString"), id);
        });
  }

  @Test
  void theFunctions_areToldTheSecretsNames_neverTheirValues() {
    assertEquals(
        Map.of(
            "REGISTRY_TABLE",
            ref(tableId()),
            "EVENT_BUS_NAME",
            ref(busId()),
            "PROVISIONER_FUNCTIONS",
            environmentOf(functionId(FunctionsTemplateTest.API_HANDLER))
                .get("PROVISIONER_FUNCTIONS"),
            "PROMOTION_STATE_MACHINE",
            PromotionTemplateTest.PROMOTION_STATE_MACHINE_ARN,
            "SLACK_SIGNING_SECRET_ID",
            SIGNING_SECRET_NAME,
            "JAVA_TOOL_OPTIONS",
            JIT_AT_C1),
        environmentOf(functionId(SLACK_WEBHOOK_HANDLER)));
    // The notifier links approvals to the REST API's URL, the one the stack outputs.
    @SuppressWarnings("unchecked")
    Object apiUrl =
        ((Map<String, Map<String, Object>>) json().get("Outputs")).get("ApiUrl").get("Value");
    assertEquals(
        Map.of(
            "REGISTRY_TABLE", ref(tableId()),
            "SLACK_BOT_TOKEN_ID", BOT_TOKEN_NAME,
            "STAGECOACH_API_URL", apiUrl,
            "JAVA_TOOL_OPTIONS", JIT_AT_C1),
        environmentOf(functionId(SLACK_NOTIFIER_HANDLER)));
  }

  @Test
  void eachFunction_mayReadTheValueOfTheOneSecretItNeeds_andNoOtherRoleAnySecret() {
    Map<String, Object> readers = new LinkedHashMap<>();
    for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
      for (Map<String, Object> statement : statements(roleId)) {
        if (actions(statement).stream().anyMatch(a -> a.startsWith("secretsmanager:"))) {
          assertEquals(
              Set.of("secretsmanager:GetSecretValue"), actions(statement), asJson(statement));
          readers.put(roleId, statement.get("Resource"));
        }
      }
    }

    assertEquals(
        Map.of(
            roleId(SLACK_WEBHOOK_HANDLER), ref(secretId(SIGNING_SECRET_NAME)),
            roleId(SLACK_NOTIFIER_HANDLER), ref(secretId(BOT_TOKEN_NAME))),
        readers);
  }

  @Test
  void secretRotation_isAcknowledged_asSlacksToDo() {
    assertEquals(Set.of("AwsSolutions-SMG4"), acknowledged(secretId(SIGNING_SECRET_NAME)));
    assertEquals(Set.of("AwsSolutions-SMG4"), acknowledged(secretId(BOT_TOKEN_NAME)));
  }

  // ---- the webhook ----

  @ParameterizedTest
  @ValueSource(strings = {SLACK_WEBHOOK_HANDLER, SLACK_NOTIFIER_HANDLER})
  void slackFunctions_runJava21OnArm64_withSnapStart(final String handler) {
    template()
        .hasResourceProperties(
            "AWS::Lambda::Function",
            Map.of(
                "Handler",
                handler,
                "Runtime",
                "java21",
                "Architectures",
                List.of("arm64"),
                "SnapStart",
                Map.of("ApplyOn", "PublishedVersions")));
  }

  @Test
  void slacksRoutes_takePostWithoutAnAuthorizer_andGoToTheWebhooksLiveAlias() {
    Map<String, String> methods = slackMethods();
    assertEquals(Set.of("commands", "interactions"), methods.keySet());
    String aliasInvocations =
        "\"Ref\":\"" + liveAliasId(SLACK_WEBHOOK_HANDLER) + "\"},\"/invocations\"";
    for (String id : methods.values()) {
      Map<String, Object> method = properties(resourcesOfType("AWS::ApiGateway::Method").get(id));
      assertEquals("POST", method.get("HttpMethod"), id);
      assertEquals("NONE", method.get("AuthorizationType"), id);
      assertTrue(asJson(method.get("Integration")).contains(aliasInvocations), id);
      assertEquals(Set.of("AwsSolutions-APIG4", "AwsSolutions-COG4"), acknowledged(id));
    }
  }

  @Test
  void
      webhook_mayInvokeTheProvisionersForPlans_andItsOwnLiveAliasForDeferredCommands_nothingElse() {
    List<Object> invoked = new ArrayList<>();
    for (Map<String, Object> statement : statements(roleId(SLACK_WEBHOOK_HANDLER))) {
      if (actions(statement).stream().anyMatch(a -> a.startsWith("lambda:"))) {
        assertEquals(Set.of("lambda:InvokeFunction"), actions(statement), asJson(statement));
        invoked.addAll(SynthesizedTemplate.resources(statement));
      }
    }
    List<Object> expected =
        new ArrayList<>(
            ProvisionersTemplateTest.TIERS.stream()
                .map(tier -> (Object) ref(ProvisionersTemplateTest.provisionerAliasId(tier)))
                .toList());
    expected.add(ref(liveAliasId(SLACK_WEBHOOK_HANDLER)));

    assertEquals(
        new TreeSet<>(expected.stream().map(SynthesizedTemplate::asJson).toList()),
        new TreeSet<>(invoked.stream().map(SynthesizedTemplate::asJson).toList()));
  }

  @Test
  void webhooksDeferredInvocations_areNotRetried_andExpireWithTheSignatureWindow() {
    Map<String, Object> config =
        properties(
            resourcesOfType("AWS::Lambda::EventInvokeConfig")
                .get(invokeConfigIdOf(SLACK_WEBHOOK_HANDLER)));

    assertEquals(
        Map.of(
            "FunctionName",
            ref(functionId(SLACK_WEBHOOK_HANDLER)),
            "Qualifier",
            "live",
            "MaximumRetryAttempts",
            0,
            "MaximumEventAgeInSeconds",
            300),
        config);
  }

  // ---- the notifier ----

  @Test
  void notifier_mayOnlyGetPutAndDeleteRegistryItems_andQueryTheIndexOfLinkedSlackAccounts() {
    List<Map<String, Object>> dynamodb =
        statements(roleId(SLACK_NOTIFIER_HANDLER)).stream()
            .filter(
                statement -> actions(statement).stream().anyMatch(a -> a.startsWith("dynamodb:")))
            .toList();

    assertEquals(
        Map.of(
            Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"),
            List.of(getAtt(tableId(), "Arn")),
            Set.of("dynamodb:Query"),
            List.of(
                Map.of("Fn::Join", List.of("", List.of(getAtt(tableId(), "Arn"), "/index/gsi1"))))),
        byActions(dynamodb));
  }

  /** The webhook acts like the API function (same use cases), and reads its secret. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        SLACK_WEBHOOK_HANDLER + " | logs dynamodb events lambda states secretsmanager",
        SLACK_NOTIFIER_HANDLER + " | logs dynamodb secretsmanager sqs"
      })
  void slackFunctionRole_isGrantedActionsOfTheServicesTheFunctionUses_only(
      final String handler, final String services) {
    Set<String> granted = new TreeSet<>();
    statements(roleId(handler))
        .forEach(
            statement ->
                actions(statement)
                    .forEach(action -> granted.add(action.substring(0, action.indexOf(':')))));

    assertEquals(new TreeSet<>(List.of(services.split(" "))), granted, handler);
  }

  @Test
  @SuppressWarnings("unchecked")
  void
      approvalRequestedRule_sendsTheEventToTheNotifiersLiveAlias_retrying3TimesWithinAnHour_thenDeadLetters() {
    Map<String, Object> rule =
        properties(resourcesOfType("AWS::Events::Rule").get(notifierRuleId()));
    assertEquals(ref(busId()), rule.get("EventBusName"));
    List<Map<String, Object>> targets = (List<Map<String, Object>>) rule.get("Targets");

    assertEquals(1, targets.size());
    Map<String, Object> target = new LinkedHashMap<>(targets.get(0));
    target.remove("Id");
    assertEquals(
        Map.of(
            "Arn", ref(liveAliasId(SLACK_NOTIFIER_HANDLER)),
            "RetryPolicy", Map.of("MaximumRetryAttempts", 3, "MaximumEventAgeInSeconds", 3600),
            "DeadLetterConfig", Map.of("Arn", getAtt(deadLetterQueueId(), "Arn"))),
        target);
  }

  @Test
  void notifiersFailedAsynchronousRuns_areRetriedTwice_thenDeadLettered() {
    Map<String, Object> config =
        properties(
            resourcesOfType("AWS::Lambda::EventInvokeConfig")
                .get(invokeConfigIdOf(SLACK_NOTIFIER_HANDLER)));

    assertEquals("live", config.get("Qualifier"));
    assertEquals(2, config.get("MaximumRetryAttempts"));
    assertEquals(
        Map.of("OnFailure", Map.of("Destination", getAtt(deadLetterQueueId(), "Arn"))),
        config.get("DestinationConfig"));
  }

  @Test
  void notifier_maySendMessagesToItsDeadLetterQueue_only() {
    List<Map<String, Object>> sqs =
        statements(roleId(SLACK_NOTIFIER_HANDLER)).stream()
            .filter(
                statement ->
                    actions(statement).stream().anyMatch(action -> action.startsWith("sqs:")))
            .toList();

    assertEquals(1, sqs.size(), asJson(sqs));
    assertEquals(
        Set.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
        actions(sqs.get(0)));
    assertEquals(
        List.of(getAtt(deadLetterQueueId(), "Arn")), SynthesizedTemplate.resources(sqs.get(0)));
  }

  @Test
  void notifiersDeadLetterQueue_isEncrypted_andKeepsEventsFourteenDays() {
    assertEquals(
        Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600),
        properties(resourcesOfType("AWS::SQS::Queue").get(deadLetterQueueId())));
    assertEquals(Set.of("AwsSolutions-SQS3"), acknowledged(deadLetterQueueId()));
  }
}
