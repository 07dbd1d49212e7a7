package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class RegistryTableTemplateTest {

  private static final String TABLE = "AWS::DynamoDB::Table";

  @Test
  void registry_isTheOnlyTable_andItsLogicalIdNamesIt() {
    Map<String, Map<String, Object>> tables = resourcesOfType(TABLE);

    assertEquals(1, tables.size());
    assertTrue(
        tables.keySet().iterator().next().contains("RegistryTable"), tables.keySet().toString());
  }

  @Test
  void registryTable_billsPerRequest() {
    template().hasResourceProperties(TABLE, Map.of("BillingMode", "PAY_PER_REQUEST"));
    template().hasResourceProperties(TABLE, Map.of("ProvisionedThroughput", Match.absent()));
  }

  @Test
  void registryTable_keepsPointInTimeRecovery() {
    template()
        .hasResourceProperties(
            TABLE,
            Map.of("PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
  }

  @Test
  void registryTable_isProtectedAgainstDeletion_andRetainedWhenTheStackGoes() {
    template()
        .hasResource(
            TABLE,
            Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", true)),
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
  }

  @Test
  void registryTable_expiresItemsByExpiresAtEpoch() {
    template()
        .hasResourceProperties(
            TABLE,
            Map.of(
                "TimeToLiveSpecification",
                Map.of("AttributeName", "expiresAtEpoch", "Enabled", true)));
  }

  @Test
  void registryTable_isKeyedByStringPkAndSk() {
    template()
        .hasResourceProperties(
            TABLE,
            Map.of(
                "KeySchema",
                List.of(
                    Map.of("AttributeName", "pk", "KeyType", "HASH"),
                    Map.of("AttributeName", "sk", "KeyType", "RANGE"))));
  }

  @Test
  void registryTable_declaresEveryKeyAttributeAsString() {
    template()
        .hasResourceProperties(
            TABLE,
            Map.of(
                "AttributeDefinitions",
                Match.arrayEquals(
                    List.of(
                        Map.of("AttributeName", "pk", "AttributeType", "S"),
                        Map.of("AttributeName", "sk", "AttributeType", "S"),
                        Map.of("AttributeName", "gsi1pk", "AttributeType", "S"),
                        Map.of("AttributeName", "gsi1sk", "AttributeType", "S"),
                        Map.of("AttributeName", "gsi2pk", "AttributeType", "S"),
                        Map.of("AttributeName", "gsi2sk", "AttributeType", "S")))));
  }

  @Test
  void registryTable_hasExactlyTwoOverloadedIndexes_projectingAllAttributes() {
    template()
        .hasResourceProperties(
            TABLE,
            Map.of(
                "GlobalSecondaryIndexes",
                Match.arrayEquals(List.of(index("gsi1"), index("gsi2")))));
  }

  @Test
  void registryTable_hasNoPhysicalName_soTheStackMayBeDeployedTwiceInOneAccount() {
    Map<String, Object> table = resourcesOfType(TABLE).values().iterator().next();

    assertFalse(properties(table).containsKey("TableName"));
  }

  private static Map<String, Object> index(final String name) {
    return Map.of(
        "IndexName", name,
        "KeySchema",
            List.of(
                Map.of("AttributeName", name + "pk", "KeyType", "HASH"),
                Map.of("AttributeName", name + "sk", "KeyType", "RANGE")),
        "Projection", Map.of("ProjectionType", "ALL"));
  }
}
