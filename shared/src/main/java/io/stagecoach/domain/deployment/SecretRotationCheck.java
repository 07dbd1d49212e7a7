package io.stagecoach.domain.deployment;

import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.SecretRotation;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads, after a deployment succeeded, how each Secrets Manager secret the environment references
 * rotates, through the tier's provisioner ({@link Provisioner#describeSecret}). SSM parameters do
 * not rotate and are not read. A secret that cannot be read is recorded as {@link
 * SecretRotation.Unknown} with the reason: rotation status is information, and never fails the
 * deployment that has already succeeded.
 */
public final class SecretRotationCheck {

  private SecretRotationCheck() {}

  /** The rotation of each Secrets Manager secret of {@code environment}, by its key. */
  public static Map<String, SecretRotation> of(
      Provisioner provisioner, Environment environment, Instant now) {
    Map<String, SecretRotation> rotations = new TreeMap<>();
    environment
        .secrets()
        .forEach(
            (key, reference) -> {
              if (reference.isSecretsManagerSecret()) {
                rotations.put(key, read(provisioner, environment, reference, now));
              }
            });
    return rotations;
  }

  private static SecretRotation read(
      Provisioner provisioner, Environment environment, SecretReference reference, Instant now) {
    try {
      return new SecretRotation.Read(
          reference.reference(), provisioner.describeSecret(environment, reference), now);
    } catch (Provisioner.SecretNotDescribed e) {
      return new SecretRotation.Unknown(reference.reference(), e.getMessage(), now);
    } catch (RuntimeException e) {
      // A technical error (throttling, network) leaves this check unknown until the next deploy;
      // the deployment stands.
      return new SecretRotation.Unknown(
          reference.reference(),
          "could not be read: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null
                  ? ""
                  : ": " + e.getMessage().lines().findFirst().orElse("")),
          now);
    }
  }
}
