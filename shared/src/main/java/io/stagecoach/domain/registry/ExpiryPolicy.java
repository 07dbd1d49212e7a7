package io.stagecoach.domain.registry;

import io.stagecoach.domain.common.Rejection;
import java.time.Instant;
import java.util.Optional;

/**
 * When an environment is over: only ephemeral environments expire, a pinned one never does, and an
 * expired one takes no release and is destroyed by the reaper unless something spares it. Every
 * surface (API, CLI, Slack, CodeCommit pushes) reaches these rules through the core's use cases.
 */
public final class ExpiryPolicy {

  private ExpiryPolicy() {}

  /** Whether {@code env} is past its expiry at {@code now} (and nothing keeps it). */
  public static boolean hasExpired(Environment env, Instant now) {
    return env.kind() == EnvironmentKind.EPHEMERAL
        && !env.isPinned()
        && env.expiresAt().map(at -> !at.isAfter(now)).orElse(false);
  }

  /** Refuses a release into an expired environment, saying when it expired and how to extend it. */
  public static Optional<Rejection> expiredEnvironmentTakesNoRelease(Environment env, Instant now) {
    if (!hasExpired(env, now)) {
      return Optional.empty();
    }
    return Optional.of(
        Rejection.of(
            Rejection.Code.EXPIRED,
            "environment '"
                + env.app()
                + "/"
                + env.name()
                + "' expired at "
                + env.expiresAt().orElseThrow()
                + " and takes no more releases; its owner or an admin can extend it"
                + " (stagecoach envs extend "
                + env.app()
                + " "
                + env.name()
                + " --by 24h) before the reaper destroys it"));
  }

  /**
   * Why the reaper must leave {@code env} alone at {@code now}, if it must: it is not ephemeral,
   * protected, pinned, or (extended since it was listed) not yet expired.
   */
  public static Optional<String> reaperSpares(Environment env, Instant now) {
    if (env.kind() != EnvironmentKind.EPHEMERAL) {
      return Optional.of(env.kind().wireName() + " environments never expire");
    }
    if (env.isProtected()) {
      return Optional.of("it is protected");
    }
    if (env.isPinned()) {
      EnvironmentPin pin = env.pin().orElseThrow();
      return Optional.of("pinned by " + pin.by() + ": " + pin.reason());
    }
    if (!hasExpired(env, now)) {
      return Optional.of("it has not expired (expires at " + env.expiresAt().orElse(null) + ")");
    }
    return Optional.empty();
  }

  /** When {@code env} must be gone at the latest: its app's maximum lifetime after its creation. */
  public static Instant lifetimeEnd(EphemeralPolicy policy, Environment env) {
    return env.createdAt().plus(policy.maxLifetime());
  }

  /**
   * The expiry a deploy into {@code env} renews it to, if it renews it: an ephemeral, unexpired
   * environment of an app that renews on deploy gets {@code max(expiresAt, now + defaultTtl)},
   * never past its lifetime's end. Empty when nothing changes.
   */
  public static Optional<Instant> renewedByDeploy(App app, Environment env, Instant now) {
    EphemeralPolicy policy = app.ephemeral();
    if (!policy.renewOnDeploy()
        || env.kind() != EnvironmentKind.EPHEMERAL
        || env.expiresAt().isEmpty()
        || hasExpired(env, now)) {
      return Optional.empty();
    }
    return movedTo(policy, env, now.plus(policy.defaultTtl()));
  }

  /**
   * {@code env}'s expiry moved to {@code wanted}, if that is later than it is, capped at its
   * lifetime's end; empty when that changes nothing.
   */
  public static Optional<Instant> movedTo(EphemeralPolicy policy, Environment env, Instant wanted) {
    Instant current = env.expiresAt().orElseThrow();
    Instant next = earlier(wanted, lifetimeEnd(policy, env));
    return next.isAfter(current) ? Optional.of(next) : Optional.empty();
  }

  public static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * The warning due about {@code env} at {@code now}: the shortest of {@code leadTimes} that the
   * time left is within. None for an environment the reaper will not destroy (not ephemeral,
   * protected, pinned) or one already expired. An environment created close to its expiry gets the
   * shortest due warning only, not every longer one at once.
   */
  public static Optional<java.time.Duration> warningDue(
      Environment env, Instant now, java.util.Collection<java.time.Duration> leadTimes) {
    if (env.kind() != EnvironmentKind.EPHEMERAL
        || env.isProtected()
        || env.isPinned()
        || env.expiresAt().isEmpty()
        || hasExpired(env, now)) {
      return Optional.empty();
    }
    java.time.Duration left = java.time.Duration.between(now, env.expiresAt().get());
    return leadTimes.stream()
        .filter(lead -> left.compareTo(lead) <= 0)
        .min(java.util.Comparator.naturalOrder());
  }

  /** How a sent warning is recorded: its lead time and the expiry it was about. */
  public static String warningKey(java.time.Duration leadTime, Instant expiresAt) {
    return leadTime + "@" + expiresAt;
  }

  /**
   * Only the owner of an ephemeral environment, or an admin, decides its expiry: extends, pins, and
   * destroys it from an expiry warning.
   */
  public static Optional<Rejection> ownerOrAdminOnly(
      io.stagecoach.domain.access.Principal caller, Environment env, String verb) {
    if (caller.name().equals(env.owner()) || caller.may(io.stagecoach.domain.access.Role.ADMIN)) {
      return Optional.empty();
    }
    return Optional.of(
        Rejection.of(
            Rejection.Code.FORBIDDEN,
            "only the owner of environment '"
                + env.app()
                + "/"
                + env.name()
                + "' ("
                + env.owner()
                + ") or an admin may "
                + verb
                + " it"));
  }
}
