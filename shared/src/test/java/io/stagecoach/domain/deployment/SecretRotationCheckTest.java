package io.stagecoach.domain.deployment;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.testing.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretRotationCheckTest {

  private static final String ROTATED =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf";
  private static final String MISSING =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf";
  private static final String THROTTLED =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:busy-AbCdEf";
  private static final Instant NOW = Fixtures.NOW;

  /** Describes secrets from a map; records what it was asked. */
  private static final class Describing implements Provisioner {
    final List<String> asked = new ArrayList<>();

    @Override
    public SecretRotation.Settings describeSecret(Environment environment, SecretReference secret) {
      asked.add(secret.reference());
      return switch (secret.reference()) {
        case ROTATED ->
            new SecretRotation.Settings(
                true, Optional.of(30), Optional.of(NOW.minusSeconds(3600)), Optional.empty());
        case MISSING -> throw new SecretNotDescribed("Secrets Manager has no such secret");
        default -> throw new IllegalStateException("Rate exceeded\nsecond line");
      };
    }

    @Override
    public Plan plan(ProvisioningRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ProvisioningResult apply(ProvisioningRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ProvisioningResult destroy(ProvisioningRequest request) {
      throw new UnsupportedOperationException();
    }
  }

  private static Environment withSecrets(Map<String, String> secrets) {
    Map<String, SecretReference> references = new java.util.HashMap<>();
    secrets.forEach((k, v) -> references.put(k, new SecretReference(v)));
    return new Environment(
        "payments",
        "dev",
        EnvironmentKind.PIPELINE,
        Tier.DEV,
        "123456789012",
        "eu-west-1",
        Map.of(),
        references,
        false,
        "alice",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        NOW,
        "alice",
        NOW,
        1);
  }

  @Test
  void eachSecretsManagerSecret_isDescribed_andSsmParametersAreNotAsked() {
    Describing provisioner = new Describing();
    Map<String, SecretRotation> rotations =
        SecretRotationCheck.of(
            provisioner,
            withSecrets(Map.of("DB_PASSWORD", ROTATED, "API_KEY", "ssm:/payments/api-key")),
            NOW);

    assertEquals(List.of(ROTATED), provisioner.asked);
    assertEquals(
        Map.of(
            "DB_PASSWORD",
            new SecretRotation.Read(
                ROTATED,
                new SecretRotation.Settings(
                    true, Optional.of(30), Optional.of(NOW.minusSeconds(3600)), Optional.empty()),
                NOW)),
        rotations);
  }

  @Test
  void aSecretThatCannotBeRead_isUnknown_withItsReason_andTheOthersAreStillRead() {
    Map<String, SecretRotation> rotations =
        SecretRotationCheck.of(
            new Describing(), withSecrets(Map.of("A", MISSING, "B", THROTTLED, "C", ROTATED)), NOW);

    assertEquals(
        new SecretRotation.Unknown(MISSING, "Secrets Manager has no such secret", NOW),
        rotations.get("A"));
    assertEquals(
        new SecretRotation.Unknown(
            THROTTLED, "could not be read: IllegalStateException: Rate exceeded", NOW),
        rotations.get("B"));
    assertInstanceOf(SecretRotation.Read.class, rotations.get("C"));
  }

  @Test
  void aProvisionerThatReadsNoSecrets_leavesThemUnknown_sayingSo() {
    Provisioner silent =
        new Provisioner() {
          @Override
          public Plan plan(ProvisioningRequest request) {
            throw new UnsupportedOperationException();
          }

          @Override
          public ProvisioningResult apply(ProvisioningRequest request) {
            throw new UnsupportedOperationException();
          }

          @Override
          public ProvisioningResult destroy(ProvisioningRequest request) {
            throw new UnsupportedOperationException();
          }
        };

    assertEquals(
        Map.of(
            "DB_PASSWORD",
            new SecretRotation.Unknown(
                ROTATED, "this provisioner does not read rotation settings", NOW)),
        SecretRotationCheck.of(silent, withSecrets(Map.of("DB_PASSWORD", ROTATED)), NOW));
  }
}
