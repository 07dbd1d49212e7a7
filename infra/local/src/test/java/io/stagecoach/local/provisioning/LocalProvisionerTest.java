package io.stagecoach.local.provisioning;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.plan.ParameterChange;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PropertyChange;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local provisioner against DynamoDB Local: what it makes, what it lists, what it refuses. */
class LocalProvisionerTest {

  private final LocalProvisioner local = new LocalProvisioner(LocalDynamoDb.client());

  private static ProvisioningRequest request(
      String app, String template, Map<String, String> config) {
    Environment env =
        new Environment(
            app,
            "dev",
            EnvironmentKind.PIPELINE,
            Tier.DEV,
            "123456789012",
            "eu-west-1",
            config,
            Map.of("DB_PASSWORD", new SecretReference("ssm:/db/password")),
            false,
            "alice",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Fixtures.NOW,
            "alice",
            Fixtures.NOW,
            1);
    Release release =
        Release.registered(
            app, "1.0.0", "s3://a/b.zip", Fixtures.DIGEST, Optional.empty(), Fixtures.NOW, "ci");
    return new ProvisioningRequest(
        "d-1", env, Optional.of(release), EnvironmentTemplate.inline(template));
  }

  private static String unique() {
    return "lp" + Long.toString(System.nanoTime(), 36).substring(5);
  }

  @Test
  void plan_listsUnsupportedResourceTypes_andMakesNothing() {
    String app = unique();
    String template =
        """
        {"Resources": {
          "Queue": {"Type": "AWS::SQS::Queue"},
          "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}}}""";
    Plan plan = local.plan(request(app, template, Map.of()));
    assertEquals(2, plan.summary().adds());
    assertEquals(1, plan.summary().unsupported());
    ResourceChange queue =
        plan.changes().stream()
            .filter(c -> c.logicalId().equals("Queue"))
            .findFirst()
            .orElseThrow();
    assertFalse(queue.supported());
    assertFalse(LocalDynamoDb.client().listTables().tableNames().contains(app + "-dev-table"));

    ProvisioningResult applied = local.apply(request(app, template, Map.of()));
    assertInstanceOf(ProvisioningResult.Succeeded.class, applied);
    assertEquals(
        1,
        ((ProvisioningResult.Succeeded) applied).plan().summary().unsupported(),
        "still listed after apply");
    assertTrue(LocalDynamoDb.client().listTables().tableNames().contains(app + "-dev-table"));
    assertTrue(
        local.plan(request(app, template, Map.of())).isEmpty(), "applied: nothing left to change");
  }

  @Test
  void apply_failsWithAClearReason_whenAParameterHasNoValue_orAReferenceIsUnknown() {
    String needsConfig =
        """
        {"Parameters": {"QueueSize": {"Type": "Number"}}, "Resources": {}}""";
    ProvisioningResult missing = local.apply(request(unique(), needsConfig, Map.of()));
    assertTrue(
        ((ProvisioningResult.Failed) missing).reason().contains("QueueSize"), missing.toString());
    assertInstanceOf(
        ProvisioningResult.Succeeded.class,
        local.apply(request(unique(), needsConfig, Map.of("QueueSize", "5"))));

    String dangling =
        """
        {"Resources": {}, "Outputs": {"X": {"Value": {"Ref": "Nowhere"}}}}""";
    ProvisioningResult unknown = local.apply(request(unique(), dangling, Map.of()));
    assertTrue(
        ((ProvisioningResult.Failed) unknown).reason().contains("Nowhere"), unknown.toString());
    ProvisioningResult notJson = local.apply(request(unique(), "{not json", Map.of()));
    assertTrue(
        ((ProvisioningResult.Failed) notJson).reason().contains("not valid JSON"),
        notJson.toString());
  }

  @Test
  void secrets_reachTheStackAsDynamicReferences_neverAsValues_andDestroyRemovesEverything() {
    String app = unique();
    String template =
        """
        {"Parameters": {"DB_PASSWORD": {"Type": "String", "NoEcho": true}},
         "Resources": {"Pass": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Ref": "DB_PASSWORD"}}},
           "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
             "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
             "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}},
         "Outputs": {"Secret": {"Value": {"Fn::GetAtt": ["Pass", "Value"]}}}}""";
    ProvisioningResult.Succeeded done =
        (ProvisioningResult.Succeeded) local.apply(request(app, template, Map.of()));
    assertEquals("{{resolve:ssm-secure:/db/password}}", done.outputs().get("Secret"));

    ProvisioningResult.Succeeded destroyed =
        (ProvisioningResult.Succeeded) local.destroy(request(app, template, Map.of()));
    assertEquals(2, destroyed.plan().summary().removes());
    assertFalse(LocalDynamoDb.client().listTables().tableNames().contains(app + "-dev-table"));
    assertTrue(local.outputsOf(app + "-dev").isEmpty());
  }

  private static final String LEDGER_V1 =
      """
      {"Parameters": {"LOG_LEVEL": {"Type": "String", "Default": "info"},
                      "DB_PASSWORD": {"Type": "String", "NoEcho": true}},
       "Resources": {
         "Ledger": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "ledger",
           "BillingMode": "PAY_PER_REQUEST",
           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
           "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
         "Level": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String",
           "Value": {"Ref": "LOG_LEVEL"}}},
         "Pass": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String",
           "Value": {"Ref": "DB_PASSWORD"}}}}}""";

  /** r2: the parameter's value changes in place; the table gets a new name and key. */
  private static final String LEDGER_V2 =
      LEDGER_V1
          .replace("\"TableName\": \"ledger\"", "\"TableName\": \"ledger-v2\"")
          .replace(
              "\"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}]",
              "\"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],"
                  + " \"Tags\": [{\"Key\": \"team\", \"Value\": \"payments\"}]")
          .replace("\"Default\": \"info\"", "\"Default\": \"debug\"");

  @Test
  void plan_listsChangedProperties_beforeAndAfter_andReplacesWhatARecreatingPropertyTouches() {
    String app = unique();
    assertInstanceOf(
        ProvisioningResult.Succeeded.class, local.apply(request(app, LEDGER_V1, Map.of())));

    Plan plan = local.plan(request(app, LEDGER_V2, Map.of()));

    ResourceChange ledger = change(plan, "Ledger");
    assertEquals(ResourceChange.Action.REPLACE, ledger.action());
    assertEquals(Optional.of("TableName requires recreation"), ledger.replacementReason());
    assertEquals(
        List.of(
            new PropertyChange(
                "TableName",
                Optional.of("ledger"),
                Optional.of("ledger-v2"),
                PropertyChange.Recreation.ALWAYS),
            new PropertyChange(
                "Tags",
                Optional.empty(),
                Optional.of("[{\"Key\":\"team\",\"Value\":\"payments\"}]"),
                PropertyChange.Recreation.NEVER)),
        ledger.properties());
    ResourceChange level = change(plan, "Level");
    assertEquals(ResourceChange.Action.MODIFY, level.action());
    assertEquals(
        List.of(
            new PropertyChange(
                "Value",
                Optional.of("info"),
                Optional.of("debug"),
                PropertyChange.Recreation.NEVER)),
        level.properties());
    assertEquals(
        List.of(
            new ParameterChange(
                "LOG_LEVEL",
                Optional.of("info"),
                Optional.of("debug"),
                ParameterChange.Source.DEFAULT)),
        plan.parameters());
    assertEquals(2, plan.changes().size(), "the secret's parameter did not change: " + plan);
    assertEquals(
        List.of("Ledger", "Level", "Pass"),
        plan.resourcesAfter().stream().map(r -> r.logicalId()).toList());
    assertEquals("PAY_PER_REQUEST", plan.resourcesBefore().get(0).properties().get("BillingMode"));
  }

  @Test
  void apply_replacesTheTable_andSecretsStayReferences_inTheRecordedPlan() {
    String app = unique();
    local.apply(request(app, LEDGER_V1, Map.of()));
    assertTrue(LocalDynamoDb.client().listTables().tableNames().contains(app + "-dev-ledger"));

    ProvisioningResult.Succeeded done =
        (ProvisioningResult.Succeeded) local.apply(request(app, LEDGER_V2, Map.of()));

    assertEquals(ResourceChange.Action.REPLACE, change(done.plan(), "Ledger").action());
    var tables = LocalDynamoDb.client().listTables().tableNames();
    assertTrue(tables.contains(app + "-dev-ledger-v2"), tables.toString());
    assertFalse(tables.contains(app + "-dev-ledger"), tables.toString());
    assertTrue(local.plan(request(app, LEDGER_V2, Map.of())).isEmpty());

    // The first plan of a stack lists every parameter as new; the secret's is its reference.
    Plan first = local.plan(request(unique(), LEDGER_V1, Map.of()));
    assertEquals(
        Optional.of("{{resolve:ssm-secure:/db/password}}"),
        first.parameters().stream()
            .filter(p -> p.name().equals("DB_PASSWORD"))
            .findFirst()
            .orElseThrow()
            .after());
    assertEquals(
        ParameterChange.Source.SECRET,
        first.parameters().stream()
            .filter(p -> p.name().equals("DB_PASSWORD"))
            .findFirst()
            .orElseThrow()
            .source());
  }

  private static ResourceChange change(Plan plan, String logicalId) {
    return plan.changes().stream()
        .filter(c -> c.logicalId().equals(logicalId))
        .findFirst()
        .orElseThrow(() -> new AssertionError(logicalId + " not in " + plan));
  }
}
