package io.stagecoach.domain.deployment;

import java.util.Locale;
import java.util.Optional;

/** What a deployment does to its environment: put a release in, or remove everything (destroy). */
public enum DeploymentAction {
  DEPLOY,
  DESTROY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DeploymentAction> fromWire(String value) {
    for (DeploymentAction a : values()) {
      if (a.wireName().equals(value)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
