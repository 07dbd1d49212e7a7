package io.stagecoach.domain.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** An environment as a caller describes it; absent fields take the defaults of its kind. */
public record EnvironmentSpec(
    Optional<String> kind,
    Optional<String> tier,
    Optional<String> account,
    Optional<String> region,
    Map<String, String> config,
    Map<String, String> secrets,
    Optional<Boolean> isProtected,
    Optional<String> owner,
    Optional<Instant> expiresAt) {

  public EnvironmentSpec {
    config = Map.copyOf(config);
    secrets = Map.copyOf(secrets);
  }
}
