package io.stagecoach.provisioning.cloudformation;

import static io.stagecoach.provisioning.cloudformation.Requests.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.deployment.ProvisioningResult.Succeeded;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.template.EnvironmentTemplate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * The provisioner against a CloudFormation engine that really creates resources (LocalStack's).
 * Needs Docker; without it the test is skipped. The client talks to the container directly, no role
 * is assumed.
 */
@Testcontainers(disabledWithoutDocker = true)
class CloudFormationProvisionerLocalStackTest {

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.9"))
          .withServices("cloudformation", "dynamodb");

  private static final EnvironmentTemplate ONE_TABLE =
      EnvironmentTemplate.inline(
          """
      {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"StagecoachEnvironment": {"Type": "String"}},
        "Resources": {
          "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
              "TableName": {"Fn::Sub": "payments-${StagecoachEnvironment}"},
              "BillingMode": "PAY_PER_REQUEST",
              "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
              "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]
            }
          }
        },
        "Outputs": {"TableName": {"Value": {"Ref": "Table"}}}
      }""");

  private static CloudFormationClient client;

  @AfterAll
  static void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void apply_deploysATemplateWithOneTable_andAnswersItsOutputs_thenDestroyRemovesIt() {
    client =
        CloudFormationClient.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(Region.of(LOCALSTACK.getRegion()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    CloudFormationProvisioner provisioner =
        new CloudFormationProvisioner(
            environment -> client,
            environment -> {
              throw new RefusedRequestException("this test reads no secrets");
            },
            Clock.systemUTC(),
            CloudFormationProvisioner.Sleeper.thread(),
            () -> Duration.ofMinutes(5));
    Environment staging = environment(ACCOUNT, LOCALSTACK.getRegion(), false);

    ProvisioningResult deployed = provisioner.apply(deploy("local-1", staging, ONE_TABLE));

    Succeeded done = assertInstanceOf(Succeeded.class, deployed, deployed::toString);
    assertEquals(Map.of("TableName", "payments-staging"), done.outputs());
    assertEquals(
        List.of(
            new ResourceChange(
                "Table", "AWS::DynamoDB::Table", ResourceChange.Action.ADD, false, true)),
        done.plan().changes());

    ProvisioningResult destroyed = provisioner.destroy(destroy("local-2", staging));

    assertInstanceOf(Succeeded.class, destroyed, destroyed::toString);
  }
}
