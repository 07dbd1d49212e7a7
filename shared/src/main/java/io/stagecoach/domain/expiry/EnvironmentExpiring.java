package io.stagecoach.domain.expiry;

import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.registry.Environment;
import java.time.Duration;
import java.time.Instant;

/**
 * An ephemeral environment expires within {@code leadTime} and the reaper will destroy it then,
 * unless its owner or an admin extends it: sent once per lead time and expiry, by the reaper's run
 * at {@code warnedAt}.
 */
public record EnvironmentExpiring(Environment environment, Duration leadTime, Instant warnedAt)
    implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Environment Expiring";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return environment.app();
  }

  public Instant expiresAt() {
    return environment.expiresAt().orElseThrow();
  }
}
