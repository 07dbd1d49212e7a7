package io.stagecoach.domain.registry;

import java.util.Locale;
import java.util.Optional;

/** Shared pipeline stages, a person's own environment, or a throw-away one with an expiry. */
public enum EnvironmentKind {
  PIPELINE,
  PERSONAL,
  EPHEMERAL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EnvironmentKind> fromWire(String value) {
    for (EnvironmentKind k : values()) {
      if (k.wireName().equals(value)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * Shared environments are used by a whole team; destroying one needs an explicit confirmation.
   */
  public boolean isShared() {
    return this == PIPELINE;
  }
}
