package io.stagecoach.domain.deployment;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a deployment is: {@code requested} (recorded, waiting for its environment's provisioner),
 * {@code provisioning} (holds the environment's lease), then one terminal state. A deployment never
 * leaves a terminal state.
 */
public enum DeploymentStatus {
  REQUESTED,
  PROVISIONING,
  SUCCEEDED,
  FAILED,
  SUPERSEDED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == SUPERSEDED;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DeploymentStatus> fromWire(String value) {
    for (DeploymentStatus s : values()) {
      if (s.wireName().equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
