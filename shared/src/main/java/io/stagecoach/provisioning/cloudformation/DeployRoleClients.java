package io.stagecoach.provisioning.cloudformation;

import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Tier;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * A CloudFormation client per target (account, region, tier), acting as the tier's deploy role in
 * that account, so a dev deployment can never touch a prod stack; and a Secrets Manager client with
 * the same role, which reads how the environment's secrets rotate. Clients are made once per target
 * and kept; their credentials are renewed by the SDK before they expire.
 */
final class DeployRoleClients implements Function<Environment, CloudFormationClient> {

  private record Target(String account, Region region, Tier tier) {}

  private final Region defaultRegion;
  private final String roleNamePrefix;
  private final Set<String> allowedAccounts;
  private final SdkHttpClient http;
  private final StsClient sts;
  private final Map<Target, StsAssumeRoleCredentialsProvider> roles = new ConcurrentHashMap<>();
  private final Map<Target, CloudFormationClient> clients = new ConcurrentHashMap<>();
  private final Map<Target, SecretsManagerClient> secrets = new ConcurrentHashMap<>();

  DeployRoleClients(
      Region defaultRegion,
      AwsCredentialsProvider base,
      String roleNamePrefix,
      Set<String> allowedAccounts) {
    this.defaultRegion = defaultRegion;
    this.roleNamePrefix = roleNamePrefix;
    this.allowedAccounts = Set.copyOf(allowedAccounts);
    this.http = UrlConnectionHttpClient.create();
    this.sts =
        StsClient.builder()
            .region(defaultRegion)
            .credentialsProvider(base)
            .httpClient(http)
            .build();
  }

  @Override
  public CloudFormationClient apply(Environment environment) {
    return clients.computeIfAbsent(target(environment), this::clientFor);
  }

  /** Secrets Manager in the environment's account and region, as the tier's deploy role. */
  SecretsManagerClient secretsManager(Environment environment) {
    return secrets.computeIfAbsent(
        target(environment),
        target ->
            SecretsManagerClient.builder()
                .region(target.region())
                .credentialsProvider(role(target))
                .httpClient(http)
                .build());
  }

  private Target target(Environment environment) {
    if (!allowedAccounts.contains(environment.account())) {
      throw new RefusedRequestException(
          "account "
              + environment.account()
              + " of environment "
              + environment.app()
              + "/"
              + environment.name()
              + " is not one Stagecoach may deploy to");
    }
    Region region =
        environment.region() == null || environment.region().isBlank()
            ? defaultRegion
            : Region.of(environment.region());
    return new Target(environment.account(), region, environment.tier());
  }

  private CloudFormationClient clientFor(Target target) {
    return CloudFormationClient.builder()
        .region(target.region())
        .credentialsProvider(role(target))
        .httpClient(http)
        .build();
  }

  /** The tier's deploy role in the target's account, shared by that target's clients. */
  private StsAssumeRoleCredentialsProvider role(Target target) {
    return roles.computeIfAbsent(
        target,
        t ->
            StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(
                    r ->
                        r.roleArn(
                                roleArn(
                                    target.region(),
                                    target.account(),
                                    roleNamePrefix,
                                    target.tier()))
                            // Shows in the account's CloudTrail which Stagecoach role made each
                            // call.
                            .roleSessionName("stagecoach-" + target.tier().wireName()))
                .build());
  }

  /**
   * The deploy role of a tier in an account, in the partition of the region (aws, aws-cn,
   * aws-us-gov).
   */
  static String roleArn(Region region, String account, String roleNamePrefix, Tier tier) {
    return "arn:"
        + PartitionMetadata.of(region).id()
        + ":iam::"
        + account
        + ":role/"
        + roleNamePrefix
        + tier.wireName();
  }
}
