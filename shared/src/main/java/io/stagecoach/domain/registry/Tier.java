package io.stagecoach.domain.registry;

import java.util.Locale;
import java.util.Optional;

/** How much an environment matters; each tier has its own provisioner and deploy role. */
public enum Tier {
  DEV,
  STAGING,
  PROD;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Tier> fromWire(String value) {
    for (Tier t : values()) {
      if (t.wireName().equals(value)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
