package io.stagecoach.domain.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * How a Secrets Manager secret an environment references rotates, as the tier's provisioner last
 * read it (at the environment's last successful deployment, through its deploy role): the secret's
 * rotation settings, never its value. {@code reference} is the reference it was read for, so a
 * reference changed since then is not shown with another secret's settings.
 */
public sealed interface SecretRotation {

  String reference();

  Instant checkedAt();

  /**
   * Rotation as Secrets Manager describes it: {@code enabled}, every {@code days} days when rules
   * are set, last and next rotation when known.
   */
  record Settings(
      boolean enabled,
      Optional<Integer> days,
      Optional<Instant> lastRotatedAt,
      Optional<Instant> nextRotationAt) {}

  /** The settings were read. */
  record Read(String reference, Settings settings, Instant checkedAt) implements SecretRotation {}

  /**
   * The settings could not be read (the secret is missing, the deploy role may not describe it, the
   * service did not answer): {@code reason} says which, in words.
   */
  record Unknown(String reference, String reason, Instant checkedAt) implements SecretRotation {}
}
