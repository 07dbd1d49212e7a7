package io.stagecoach.domain.pipeline;

import java.util.Locale;
import java.util.Optional;

/**
 * What happens when a newer release reaches a stage where an older promotion waits for approval:
 * the older one is superseded (the default), or the newer one queues until the stage is free.
 */
public enum PromotionConcurrency {
  SUPERSEDE,
  QUEUE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<PromotionConcurrency> fromWire(String value) {
    for (PromotionConcurrency c : values()) {
      if (c.wireName().equals(value)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
