package io.stagecoach.domain.registry;

import io.stagecoach.domain.cost.UsageAssumptions;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.template.EnvironmentDns;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An isolated deployment target of an app. {@code deployed} is empty until a release has reached it
 * (it is written by the provisioner's run, never by a PUT); an environment that was never deployed
 * can be removed without a destroy. {@code dns} is the name it answers at, when it declares one;
 * {@code usage} is the monthly usage it declares, which plans price its resources with. {@code
 * drift} is what its last drift check found (written by its provisioner, never by a PUT).
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
    UsageAssumptions usage,
    boolean isProtected,
    String owner,
    Optional<Instant> expiresAt,
    Optional<DeployedRelease> deployed,
    Optional<EnvironmentFreeze> freeze,
    Optional<EnvironmentPin> pin,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    long revision,
    Optional<EnvironmentDns> dns,
    Drift drift) {

  public Environment {
    config = java.util.Collections.unmodifiableMap(new TreeMap<>(config));
    secrets = java.util.Collections.unmodifiableMap(new TreeMap<>(secrets));
    java.util.Objects.requireNonNull(dns, "dns");
    java.util.Objects.requireNonNull(usage, "usage");
    java.util.Objects.requireNonNull(drift, "drift");
  }

  /** An environment never checked for drift. */
  public Environment(
      String app,
      String name,
      EnvironmentKind kind,
      Tier tier,
      String account,
      String region,
      Map<String, String> config,
      Map<String, SecretReference> secrets,
      UsageAssumptions usage,
      boolean isProtected,
      String owner,
      Optional<Instant> expiresAt,
      Optional<DeployedRelease> deployed,
      Optional<EnvironmentFreeze> freeze,
      Optional<EnvironmentPin> pin,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      long revision,
      Optional<EnvironmentDns> dns) {
    this(
        app,
        name,
        kind,
        tier,
        account,
        region,
        config,
        secrets,
        usage,
        isProtected,
        owner,
        expiresAt,
        deployed,
        freeze,
        pin,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        dns,
        Drift.UNKNOWN);
  }

  /** An environment without DNS of its own that declares no usage assumptions. */
  public Environment(
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
      Optional<DeployedRelease> deployed,
      Optional<EnvironmentFreeze> freeze,
      Optional<EnvironmentPin> pin,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      long revision) {
    this(
        app,
        name,
        kind,
        tier,
        account,
        region,
        config,
        secrets,
        UsageAssumptions.DEFAULT,
        isProtected,
        owner,
        expiresAt,
        deployed,
        freeze,
        pin,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        Optional.empty());
  }

  public boolean hasBeenDeployed() {
    return deployed.isPresent();
  }

  public boolean isFrozen() {
    return freeze.isPresent();
  }

  public boolean isPinned() {
    return pin.isPresent();
  }

  /** This environment with another expiry, as of {@code now} (its next revision). */
  public Environment expiringAt(Instant at, Instant now) {
    return new Environment(
        app,
        name,
        kind,
        tier,
        account,
        region,
        config,
        secrets,
        usage,
        isProtected,
        owner,
        Optional.of(at),
        deployed,
        freeze,
        pin,
        createdAt,
        createdBy,
        now,
        revision + 1,
        dns,
        drift);
  }

  /** How long it has existed at {@code now}. */
  public java.time.Duration ageAt(Instant now) {
    return java.time.Duration.between(createdAt, now).isNegative()
        ? java.time.Duration.ZERO
        : java.time.Duration.between(createdAt, now);
  }

  public Optional<String> deployedVersion() {
    return deployed.map(DeployedRelease::version);
  }
}
