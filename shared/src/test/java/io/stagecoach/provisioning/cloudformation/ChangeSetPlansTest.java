package io.stagecoach.provisioning.cloudformation;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.cost.PricedResource;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.plan.ParameterChange;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PropertyChange;
import io.stagecoach.domain.plan.PropertyChange.Recreation;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.plan.ResourceChange.Action;
import io.stagecoach.domain.template.EnvironmentTemplate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeAction;
import software.amazon.awssdk.services.cloudformation.model.ChangeSource;
import software.amazon.awssdk.services.cloudformation.model.ChangeType;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Replacement;
import software.amazon.awssdk.services.cloudformation.model.RequiresRecreation;
import software.amazon.awssdk.services.cloudformation.model.ResourceAttribute;
import software.amazon.awssdk.services.cloudformation.model.ResourceChangeDetail;
import software.amazon.awssdk.services.cloudformation.model.ResourceTargetDefinition;

/**
 * The plan read from a change set described with property values, from SDK response objects as
 * DescribeChangeSet with IncludePropertyValues returns them (real CloudFormation is not reachable
 * here).
 */
class ChangeSetPlansTest {

  private static final String TABLE = "AWS::DynamoDB::Table";

  private static final EnvironmentTemplate TEMPLATE =
      EnvironmentTemplate.inline(
          """
          {"Parameters": {"ReleaseVersion": {"Type": "String"}, "LOG_LEVEL": {"Type": "String"}},
           "Resources": {
             "Ledger": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "ledger-v2",
               "BillingMode": "PAY_PER_REQUEST"}},
             "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 512,
               "Environment": {"Variables": {"V": {"Ref": "ReleaseVersion"}}}}},
             "Queue": {"Type": "AWS::SQS::Queue"}}}""");

  private static ProvisioningRequest request() {
    return Requests.deploy("d-1", Requests.staging(false), TEMPLATE);
  }

  private static ResourceChangeDetail detail(
      String path,
      String before,
      String after,
      RequiresRecreation recreation,
      ChangeSource source) {
    return ResourceChangeDetail.builder()
        .changeSource(source)
        .target(
            ResourceTargetDefinition.builder()
                .attribute(ResourceAttribute.PROPERTIES)
                .name(path.substring("/Properties/".length()).split("/")[0])
                .path(path)
                .beforeValue(before)
                .afterValue(after)
                .requiresRecreation(recreation)
                .build())
        .build();
  }

  private static Change change(
      software.amazon.awssdk.services.cloudformation.model.ResourceChange resource) {
    return Change.builder().type(ChangeType.RESOURCE).resourceChange(resource).build();
  }

  private static final Change LEDGER_REPLACED =
      change(
          software.amazon.awssdk.services.cloudformation.model.ResourceChange.builder()
              .action(ChangeAction.MODIFY)
              .logicalResourceId("Ledger")
              .physicalResourceId("payments-staging-ledger")
              .resourceType(TABLE)
              .replacement(Replacement.TRUE)
              .beforeContext(
                  "{\"Properties\":{\"TableName\":\"ledger\",\"BillingMode\":\"PROVISIONED\","
                      + "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":\"5\",\"WriteCapacityUnits\":\"5\"}}}")
              .afterContext(
                  "{\"Properties\":{\"TableName\":\"ledger-v2\",\"BillingMode\":\"PAY_PER_REQUEST\"}}")
              .details(
                  detail(
                      "/Properties/TableName",
                      "ledger",
                      "ledger-v2",
                      RequiresRecreation.ALWAYS,
                      ChangeSource.DIRECT_MODIFICATION),
                  detail(
                      "/Properties/TableName",
                      null,
                      null,
                      RequiresRecreation.CONDITIONALLY,
                      ChangeSource.PARAMETER_REFERENCE),
                  detail(
                      "/Properties/BillingMode",
                      "PROVISIONED",
                      "PAY_PER_REQUEST",
                      RequiresRecreation.NEVER,
                      ChangeSource.DIRECT_MODIFICATION),
                  ResourceChangeDetail.builder()
                      .target(
                          ResourceTargetDefinition.builder()
                              .attribute(ResourceAttribute.TAGS)
                              .requiresRecreation(RequiresRecreation.NEVER)
                              .build())
                      .build())
              .build());

  @Test
  void aModifyWithReplacementTrue_isAReplacement_withItsPropertiesAndWhy() {
    ResourceChange ledger = ChangeSetPlans.resourceChange(LEDGER_REPLACED.resourceChange());

    assertEquals(Action.REPLACE, ledger.action());
    assertEquals(
        List.of(
            // Reported twice (direct and through a parameter): the values of the first, the
            // strongest recreation.
            new PropertyChange(
                "TableName", Optional.of("ledger"), Optional.of("ledger-v2"), Recreation.ALWAYS),
            new PropertyChange(
                "BillingMode",
                Optional.of("PROVISIONED"),
                Optional.of("PAY_PER_REQUEST"),
                Recreation.NEVER),
            new PropertyChange("Tags", Optional.empty(), Optional.empty(), Recreation.NEVER)),
        ledger.properties());
    assertEquals(Optional.of("TableName requires recreation"), ledger.replacementReason());
  }

  @Test
  void aConditionalReplacement_saysItMayHappen_andNestedPathsReadAsDots() {
    var resource =
        software.amazon.awssdk.services.cloudformation.model.ResourceChange.builder()
            .action(ChangeAction.MODIFY)
            .logicalResourceId("Fn")
            .resourceType("AWS::Lambda::Function")
            .replacement(Replacement.CONDITIONAL)
            .details(
                detail(
                    "/Properties/Environment/Variables/V",
                    "1.3.0",
                    "1.4.0",
                    RequiresRecreation.NEVER,
                    ChangeSource.PARAMETER_REFERENCE),
                detail(
                    "/Properties/FunctionName",
                    null,
                    "payments-fn",
                    RequiresRecreation.CONDITIONALLY,
                    ChangeSource.DIRECT_MODIFICATION))
            .build();

    ResourceChange fn = ChangeSetPlans.resourceChange(resource);

    assertEquals(Action.REPLACE, fn.action());
    assertEquals("Environment.Variables.V", fn.properties().get(0).path());
    assertEquals(
        Optional.of("may be replaced: FunctionName may require recreation"),
        fn.replacementReason());
  }

  @Test
  void modifyWithoutReplacement_dynamic_add_andRemove_mapToTheirActions() {
    var modify =
        software.amazon.awssdk.services.cloudformation.model.ResourceChange.builder()
            .action(ChangeAction.MODIFY)
            .logicalResourceId("Q")
            .resourceType("AWS::SQS::Queue")
            .replacement(Replacement.FALSE)
            .build();
    assertEquals(Action.MODIFY, ChangeSetPlans.resourceChange(modify).action());
    assertEquals(
        Action.MODIFY,
        ChangeSetPlans.resourceChange(modify.toBuilder().action(ChangeAction.DYNAMIC).build())
            .action());
    assertEquals(
        Action.ADD,
        ChangeSetPlans.resourceChange(modify.toBuilder().action(ChangeAction.ADD).build())
            .action());
    assertEquals(
        Action.REMOVE,
        ChangeSetPlans.resourceChange(modify.toBuilder().action(ChangeAction.REMOVE).build())
            .action());
  }

  @Test
  void thePlan_listsChangedParameters_secretsAsReferences_andTheResourcesBeforeAndAfter() {
    String secret = "{{resolve:secretsmanager:" + Requests.DB_PASSWORD_ARN + "}}";
    Change queueAdded =
        change(
            software.amazon.awssdk.services.cloudformation.model.ResourceChange.builder()
                .action(ChangeAction.ADD)
                .logicalResourceId("Queue")
                .resourceType("AWS::SQS::Queue")
                .afterContext("{\"Properties\":{\"FifoQueue\":\"true\"}}")
                .build());
    Change oldRemoved =
        change(
            software.amazon.awssdk.services.cloudformation.model.ResourceChange.builder()
                .action(ChangeAction.REMOVE)
                .logicalResourceId("Old")
                .resourceType("AWS::S3::Bucket")
                .beforeContext("{\"Properties\":{\"BucketName\":\"old\"}}")
                .build());
    Change unread =
        change(
            software.amazon.awssdk.services.cloudformation.model.ResourceChange.builder()
                .action(ChangeAction.MODIFY)
                .logicalResourceId("Mystery")
                .resourceType("AWS::SNS::Topic")
                .build());

    Plan plan =
        ChangeSetPlans.plan(
            List.of(LEDGER_REPLACED, queueAdded, oldRemoved, unread),
            List.of(
                Parameter.builder().parameterKey("ReleaseVersion").parameterValue("1.3.0").build(),
                Parameter.builder().parameterKey("DB_PASSWORD").parameterValue(secret).build()),
            List.of(
                Parameter.builder().parameterKey("ReleaseVersion").parameterValue("1.4.0").build(),
                Parameter.builder().parameterKey("DB_PASSWORD").parameterValue(secret).build(),
                Parameter.builder().parameterKey("LOG_LEVEL").parameterValue("info").build()),
            request());

    assertEquals(
        List.of(
            new ParameterChange(
                "LOG_LEVEL", Optional.empty(), Optional.of("info"), ParameterChange.Source.CONFIG),
            new ParameterChange(
                "ReleaseVersion",
                Optional.of("1.3.0"),
                Optional.of("1.4.0"),
                ParameterChange.Source.RELEASE)),
        plan.parameters());
    assertEquals(
        List.of(
            new PricedResource(
                "Fn",
                "AWS::Lambda::Function",
                Map.of(
                    "MemorySize",
                    "512",
                    "Environment.Variables.V",
                    "{\"Ref\":\"ReleaseVersion\"}")),
            new PricedResource(
                "Ledger",
                TABLE,
                Map.of(
                    "TableName", "ledger",
                    "BillingMode", "PROVISIONED",
                    "ProvisionedThroughput.ReadCapacityUnits", "5",
                    "ProvisionedThroughput.WriteCapacityUnits", "5")),
            new PricedResource("Old", "AWS::S3::Bucket", Map.of("BucketName", "old"))),
        plan.resourcesBefore());
    assertEquals(
        List.of("Fn", "Ledger", "Queue"),
        plan.resourcesAfter().stream().map(PricedResource::logicalId).toList());
    assertEquals(
        Map.of("FifoQueue", "true"),
        plan.resourcesAfter().get(2).properties(),
        "an added resource as its after context has it");
    assertTrue(
        plan.resourcesBefore().stream().noneMatch(r -> r.logicalId().equals("Mystery"))
            && plan.resourcesAfter().stream().noneMatch(r -> r.logicalId().equals("Mystery")),
        "a changed resource without contexts is read on neither side");
  }

  @Test
  void aContext_withoutAPropertiesKey_isTheProperties_andOneThatIsNotJson_isNothing() {
    assertEquals(
        "ledger",
        ChangeSetPlans.context("{\"TableName\":\"ledger\"}")
            .orElseThrow()
            .get("TableName")
            .asText());
    assertEquals(Optional.empty(), ChangeSetPlans.context("not json"));
    assertEquals(Optional.empty(), ChangeSetPlans.context(null));
  }
}
