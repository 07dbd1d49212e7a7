package io.stagecoach.domain.registry;

import io.stagecoach.domain.template.DnsSpec;
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
    Optional<Instant> expiresAt,
    Optional<DnsSpec> dns) {

  public EnvironmentSpec {
    config = Map.copyOf(config);
    secrets = Map.copyOf(secrets);
    java.util.Objects.requireNonNull(dns, "dns");
  }

  /** An environment that declares no DNS. */
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
        isProtected,
        owner,
        expiresAt,
        Optional.empty());
  }
}
