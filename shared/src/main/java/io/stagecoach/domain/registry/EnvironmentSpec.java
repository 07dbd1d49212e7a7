package io.stagecoach.domain.registry;

import io.stagecoach.domain.template.DnsSpec;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An environment as a caller describes it; absent fields take the defaults of its kind. {@code
 * leftOut} names what the caller did not mention at all ({@link #CONFIG}, {@link #SECRETS}), as
 * opposed to sending it empty: replacing an environment that has some with a description that
 * leaves them out would drop them unsaid, and is refused. Absent {@code usage} keeps the usage
 * assumptions the environment declares (none for a new one); an empty map declares none.
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
    Optional<Instant> expiresAt,
    java.util.Set<String> leftOut,
    Optional<DnsSpec> dns) {

  public static final String CONFIG = "config";
  public static final String SECRETS = "secrets";

  public EnvironmentSpec {
    config = Map.copyOf(config);
    secrets = Map.copyOf(secrets);
    leftOut = java.util.Set.copyOf(leftOut);
    java.util.Objects.requireNonNull(dns, "dns");
    usage = usage.map(Map::copyOf);
  }

  /**
   * A description that states its config and secrets (empty ones included), declares no DNS and
   * leaves the environment's usage assumptions as they are.
   */
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
        expiresAt,
        java.util.Set.of(),
        Optional.empty());
  }
}
