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
}
