package io.stagecoach.provisioning.cloudformation;

import static io.stagecoach.provisioning.cloudformation.Requests.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Tier;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

class DeployRoleClientsTest {

  private final DeployRoleClients clients =
      new DeployRoleClients(
          Region.EU_WEST_1,
          AnonymousCredentialsProvider.create(),
          "stagecoach-deploy-",
          Set.of(ACCOUNT));

  @Test
  void theDeployRole_isTheTiersRoleInTheEnvironmentsAccount() {
    assertEquals(
        "arn:aws:iam::123456789012:role/stagecoach-deploy-prod",
        DeployRoleClients.roleArn(Region.EU_WEST_1, ACCOUNT, "stagecoach-deploy-", Tier.PROD));
    assertEquals(
        "arn:aws-cn:iam::123456789012:role/stagecoach-deploy-dev",
        DeployRoleClients.roleArn(Region.CN_NORTH_1, ACCOUNT, "stagecoach-deploy-", Tier.DEV));
  }

  @Test
  void aClient_actsAsTheAssumedDeployRole_inTheEnvironmentsRegion() {
    CloudFormationClient client = clients.apply(environment(ACCOUNT, "us-east-2", false));

    assertEquals(Region.US_EAST_2, client.serviceClientConfiguration().region());
    assertInstanceOf(
        StsAssumeRoleCredentialsProvider.class,
        client.serviceClientConfiguration().credentialsProvider());
  }

  @Test
  void clients_areMadeOncePerAccountRegionAndTier() {
    Environment staging = staging(false);
    Environment sameTarget = environment(ACCOUNT, "eu-west-1", true);
    Environment otherRegion = environment(ACCOUNT, "eu-central-1", false);

    assertSame(clients.apply(staging), clients.apply(sameTarget));
    assertNotSame(clients.apply(staging), clients.apply(otherRegion));
  }

  @Test
  void anAccountNotAllowed_isRefused() {
    RefusedRequestException refused =
        assertThrows(
            RefusedRequestException.class,
            () -> clients.apply(environment("999999999999", "eu-west-1", false)));

    assertTrue(refused.getMessage().contains("999999999999"));
  }
}
