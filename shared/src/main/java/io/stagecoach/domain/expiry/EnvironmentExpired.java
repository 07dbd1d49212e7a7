package io.stagecoach.domain.expiry;

import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.registry.Environment;
import java.time.Instant;

/**
 * The reaper found an ephemeral environment past its expiry at {@code foundAt} and asked for its
 * destroy ({@code destroy}, requested by the reaper); sent once per destroy it asks for.
 */
public record EnvironmentExpired(Environment environment, Deployment destroy, Instant foundAt)
    implements StagecoachEvent {

  public static final String DETAIL_TYPE = "Environment Expired";

  @Override
  public String detailType() {
    return DETAIL_TYPE;
  }

  @Override
  public String app() {
    return environment.app();
  }
}
