package io.stagecoach.provisioning.cloudformation;

import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.testing.Fixtures;
import java.util.Map;
import java.util.Optional;

/** Provisioning requests for the payments app's staging environment, varied one field at a time. */
final class Requests {

  static final String ACCOUNT = "123456789012";
  static final String STACK = "payments-staging";
  static final String DB_PASSWORD_ARN =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf";
  static final EnvironmentTemplate TEMPLATE =
      EnvironmentTemplate.inline(
          """
      {"Parameters": {"ReleaseVersion": {"Type": "String"}},
       "Resources": {"Table": {"Type": "AWS::DynamoDB::Table"}}}""");

  private Requests() {}

  static Environment staging(boolean isProtected) {
    return environment(ACCOUNT, "eu-west-1", isProtected);
  }

  static Environment environment(String account, String region, boolean isProtected) {
    return new Environment(
        "payments",
        "staging",
        EnvironmentKind.PIPELINE,
        Tier.STAGING,
        account,
        region,
        Map.of("LOG_LEVEL", "info", "FEATURE_FLAGS", "fast-refunds"),
        Map.of("DB_PASSWORD", new SecretReference(DB_PASSWORD_ARN)),
        isProtected,
        "team-payments",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Fixtures.NOW,
        "alice@example.com",
        Fixtures.NOW,
        1);
  }

  static Release release(String version) {
    return Release.registered(
        "payments",
        version,
        "s3://artifacts/payments/" + version + ".zip",
        Fixtures.DIGEST,
        Optional.of("0123abc"),
        Fixtures.NOW,
        "ci-bot");
  }

  static ProvisioningRequest deploy(
      String deploymentId, Environment environment, EnvironmentTemplate template) {
    return new ProvisioningRequest(
        deploymentId, environment, Optional.of(release("1.4.0")), template);
  }

  static ProvisioningRequest deploy(String deploymentId) {
    return deploy(deploymentId, staging(false), TEMPLATE);
  }

  static ProvisioningRequest destroy(String deploymentId, Environment environment) {
    return new ProvisioningRequest(deploymentId, environment, Optional.empty(), TEMPLATE);
  }
}
