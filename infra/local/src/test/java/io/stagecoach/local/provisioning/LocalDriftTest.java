package io.stagecoach.local.provisioning;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.drift.PropertyDifference;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;

/**
 * The local provisioner's drift check against DynamoDB Local: what its last deployment made (its
 * stack record) against what the engines hold now. Tables deleted, their indexes or keys changed,
 * parameters deleted or changed are found, resource by resource; a redeploy makes them again.
 */
class LocalDriftTest {

  private static final DynamoDbClient DYNAMO = LocalDynamoDb.client();
  private final LocalProvisioner local = new LocalProvisioner(DYNAMO);

  private static final String TEMPLATE =
      """
      {"Resources": {
        "Orders": {"Type": "AWS::DynamoDB::Table", "Properties": {
          "TableName": "orders",
          "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                                   {"AttributeName": "owner", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
          "GlobalSecondaryIndexes": [{"IndexName": "byOwner",
            "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}]}},
        "Level": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "info"}},
        "Queue": {"Type": "AWS::SQS::Queue"}}}""";

  private static ProvisioningRequest request(String app, String template) {
    Environment env =
        new Environment(
            app,
            "dev",
            EnvironmentKind.PIPELINE,
            Tier.DEV,
            "123456789012",
            "us-east-1",
            Map.of(),
            Map.of(),
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
    return "ld" + Long.toString(System.nanoTime(), 36).substring(5);
  }

  private static void setParameter(String name, String value) {
    DYNAMO.updateItem(
        u ->
            u.tableName(LocalProvisioner.PARAMETERS_TABLE)
                .key(Map.of("name", AttributeValue.fromS(name)))
                .updateExpression("SET #v = :v")
                .expressionAttributeNames(Map.of("#v", "value"))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value))));
  }

  @Test
  void anEnvironmentAsDeployed_isInSync_andUnsupportedTypesAreNotCompared() {
    String app = unique();
    assertInstanceOf(ProvisioningResult.Succeeded.class, local.apply(request(app, TEMPLATE)));
    assertEquals(List.of(), local.detectDrift(request(app, TEMPLATE)));
  }

  @Test
  void changesByHand_areFoundResourceByResource_andARedeployMakesThemAgain() {
    String app = unique();
    ProvisioningRequest deployed = request(app, TEMPLATE);
    local.apply(deployed);
    String table = app + "-dev-orders";

    setParameter("/" + app + "/dev/Level", "debug");
    DYNAMO.updateTable(
        u ->
            u.tableName(table)
                .globalSecondaryIndexUpdates(
                    GlobalSecondaryIndexUpdate.builder()
                        .delete(
                            DeleteGlobalSecondaryIndexAction.builder().indexName("byOwner").build())
                        .build()));
    assertEquals(
        List.of(
            new DriftedResource(
                "Level",
                "AWS::SSM::Parameter",
                DriftedResource.Difference.MODIFIED,
                List.of(PropertyDifference.of("/Value", "info", "debug"))),
            new DriftedResource(
                "Orders",
                "AWS::DynamoDB::Table",
                DriftedResource.Difference.MODIFIED,
                List.of(
                    new PropertyDifference(
                        "/GlobalSecondaryIndexes",
                        Optional.of("byOwner(owner:HASH)"),
                        Optional.of(""))))),
        local.detectDrift(deployed));

    DYNAMO.deleteTable(d -> d.tableName(table));
    DYNAMO.deleteItem(
        d ->
            d.tableName(LocalProvisioner.PARAMETERS_TABLE)
                .key(Map.of("name", AttributeValue.fromS("/" + app + "/dev/Level"))));
    assertEquals(
        List.of(
            DriftedResource.deleted("Level", "AWS::SSM::Parameter"),
            DriftedResource.deleted("Orders", "AWS::DynamoDB::Table")),
        local.detectDrift(deployed));

    // The release redeployed: both made again as the deployment says.
    local.apply(deployed);
    assertEquals(List.of(), local.detectDrift(deployed));
    assertEquals(
        "byOwner",
        DYNAMO
            .describeTable(d -> d.tableName(table))
            .table()
            .globalSecondaryIndexes()
            .get(0)
            .indexName());
  }

  /**
   * How long a check of a 20-resource environment (10 tables, 10 parameters) takes on DynamoDB
   * Local: printed for the record, never asserted (timings belong to benchmarks, not tests).
   */
  @Test
  void aCheckOfTwentyResources_isMeasured() {
    StringBuilder resources = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      resources
          .append(i == 0 ? "" : ",")
          .append("\"T")
          .append(i)
          .append(
              "\": {\"Type\": \"AWS::DynamoDB::Table\", \"Properties\": {"
                  + "\"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}],"
                  + "\"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}]}},")
          .append("\"P")
          .append(i)
          .append("\": {\"Type\": \"AWS::SSM::Parameter\", \"Properties\": {\"Value\": \"v")
          .append(i)
          .append("\"}}");
    }
    String template = "{\"Resources\": {" + resources + "}}";
    ProvisioningRequest deployed = request(unique(), template);
    local.apply(deployed);
    assertEquals(List.of(), local.detectDrift(deployed), "warm-up, and in sync");
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      assertEquals(List.of(), local.detectDrift(deployed));
      micros.add((System.nanoTime() - start) / 1_000);
    }
    micros.sort(Long::compare);
    System.out.printf(
        "drift check of a 20-resource environment on DynamoDB Local: median %.1f ms, p90 %.1f ms"
            + " (20 runs)%n",
        micros.get(10) / 1000.0, micros.get(18) / 1000.0);
  }
}
