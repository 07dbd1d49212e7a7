package io.stagecoach.domain.drift;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code in_sync}: the last check found every resource as the last deployment made it; {@code
 * drifted}: it found some deleted or changed; {@code unknown}: never checked since the environment
 * was deployed (or never deployed at all).
 */
public enum DriftStatus {
  IN_SYNC,
  DRIFTED,
  UNKNOWN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DriftStatus> fromWire(String value) {
    for (DriftStatus s : values()) {
      if (s.wireName().equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
