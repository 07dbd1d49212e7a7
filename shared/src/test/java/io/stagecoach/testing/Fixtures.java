package io.stagecoach.testing;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.template.EnvironmentTemplate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Well-formed examples that tests vary one field at a time. */
public final class Fixtures {

  public static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  public static final Principal ADMIN = new Principal("alice@example.com", Set.of(Role.ADMIN));
  public static final Principal DEPLOYER = new Principal("ci-bot", Set.of(Role.DEPLOYER));
  public static final String DIGEST = "sha256:" + "ab".repeat(32);

  /**
   * An environment template with one table, a parameter from the environment's config and outputs
   * that use both: what the local provisioner makes, and what tests look for.
   */
  public static final String ORDERS_TEMPLATE =
      """
      {
        "Parameters": {
          "LOG_LEVEL": {"Type": "String", "Default": "warn"},
          "ReleaseVersion": {"Type": "String"}
        },
        "Resources": {
          "Orders": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
              "TableName": "orders",
              "BillingMode": "PAY_PER_REQUEST",
              "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
              "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]
            }
          },
          "Version": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {"Type": "String", "Value": {"Ref": "ReleaseVersion"}}
          }
        },
        "Outputs": {
          "OrdersTable": {"Value": {"Ref": "Orders"}},
          "OrdersTableArn": {"Value": {"Fn::GetAtt": ["Orders", "Arn"]}},
          "Greeting": {"Value": {"Fn::Sub": "${AWS::StackName} runs ${ReleaseVersion} at ${LOG_LEVEL}"}}
        }
      }
      """;

  private Fixtures() {}

  public static AppSpec app(String name) {
    return new AppSpec(
        name,
        Optional.of("the " + name + " service"),
        List.of("dev", "staging", "prod"),
        List.of("qa"),
        Optional.of(EnvironmentTemplate.inline(ORDERS_TEMPLATE)));
  }

  public static EnvironmentSpec pipelineEnvironment(String tier) {
    return new EnvironmentSpec(
        Optional.of("pipeline"),
        Optional.of(tier),
        Optional.of("123456789012"),
        Optional.of("eu-west-1"),
        Map.of("LOG_LEVEL", "info"),
        Map.of(
            "DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf"),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public static ReleaseSpec release(String version) {
    return new ReleaseSpec(
        version, "s3://artifacts/payments/" + version + ".zip", DIGEST, Optional.of("0123abc"));
  }
}
