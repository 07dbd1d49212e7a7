package io.stagecoach.provisioning.secretsmanager;

import io.stagecoach.domain.deployment.Provisioner.SecretNotDescribed;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.RotationRulesType;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * A secret's rotation settings as Secrets Manager's {@code DescribeSecret} answers them: never its
 * value (no {@code GetSecretValue}). The provisioners on AWS and on the local cloud read them the
 * same way, each with its own client. See
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
 */
public final class SecretDescriptions {

  private SecretDescriptions() {}

  /**
   * @throws SecretNotDescribed when the secret is missing, scheduled for deletion, or may not be
   *     described; other SDK errors (throttling, network) are thrown as they are
   */
  public static SecretRotation.Settings rotationOf(
      SecretsManagerClient secretsManager, SecretReference secret) {
    DescribeSecretResponse described;
    try {
      described = secretsManager.describeSecret(r -> r.secretId(secret.reference()));
    } catch (ResourceNotFoundException e) {
      throw new SecretNotDescribed("Secrets Manager has no such secret", e);
    } catch (SecretsManagerException e) {
      if (e.statusCode() == 400 || e.statusCode() == 403) {
        // Refusals (AccessDeniedException, a secret marked for deletion): asking again changes
        // nothing.
        throw new SecretNotDescribed(
            "Secrets Manager refused to describe it ("
                + (e.awsErrorDetails() == null
                    ? "HTTP " + e.statusCode()
                    : e.awsErrorDetails().errorCode())
                + ")",
            e);
      }
      throw e;
    }
    if (described.deletedDate() != null) {
      throw new SecretNotDescribed("the secret is scheduled for deletion");
    }
    return new SecretRotation.Settings(
        Boolean.TRUE.equals(described.rotationEnabled()),
        Optional.ofNullable(described.rotationRules())
            .map(RotationRulesType::automaticallyAfterDays)
            .map(Long::intValue),
        Optional.ofNullable(described.lastRotatedDate()),
        Optional.ofNullable(described.nextRotationDate()));
  }
}
