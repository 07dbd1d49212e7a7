package io.stagecoach.domain.registry;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An environment as a caller describes it; absent fields take the defaults of its kind. Absent
 * {@code usage} keeps the usage assumptions the environment declares (none for a new one); an empty
 * map declares none.
 */
public record EnvironmentSpec(
    Optional<String> kind,
    Optional<String> tier,
    Optional<String> account,
    Optional<String> region,
    Map<String, String> config,
    Map<String, String> secrets,
    Optional<Map<String, BigDecimal>> usage,
    Optional<Boolean> isProtected,
    Optional<String> owner,
    Optional<Instant> expiresAt) {

  public EnvironmentSpec {
    config = Map.copyOf(config);
    secrets = Map.copyOf(secrets);
    usage = usage.map(Map::copyOf);
  }

  /** A description that leaves the environment's usage assumptions as they are. */
  public EnvironmentSpec(
      Optional<String> kind,
      Optional<String> tier,
      Optional<String> account,
      Optional<String> region,
      Map<String, String> config,
      Map<String, String> secrets,
      Optional<Boolean> isProtected,
      Optional<String> owner,
      Optional<Instant> expiresAt) {
    this(
        kind,
        tier,
        account,
        region,
        config,
        secrets,
        Optional.empty(),
        isProtected,
        owner,
        expiresAt);
  }
}
