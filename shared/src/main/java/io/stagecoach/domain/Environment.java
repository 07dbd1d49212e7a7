package io.stagecoach.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An isolated deployment target of an app. {@code deployedVersion} is empty until a release has
 * reached it; an environment that was never deployed can be removed without a destroy.
 */
public record Environment(
    String app,
    String name,
    EnvironmentKind kind,
    Tier tier,
    String account,
    String region,
    Map<String, String> config,
    Map<String, SecretReference> secrets,
    boolean isProtected,
    String owner,
    Optional<Instant> expiresAt,
    Optional<String> deployedVersion,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    long revision) {

  public Environment {
    config = java.util.Collections.unmodifiableMap(new TreeMap<>(config));
    secrets = java.util.Collections.unmodifiableMap(new TreeMap<>(secrets));
  }

  public boolean hasBeenDeployed() {
    return deployedVersion.isPresent();
  }
}
