package io.stagecoach.domain.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * An immutable artifact of an app. Its {@code digest} is what every stage receives: the same
 * version can never point at other bytes. {@code intake} is what the release intake found about the
 * artifact ({@code checked}, or {@code rejected} with {@code intakeReason}); empty until the intake
 * has run.
 */
public record Release(
    String app,
    String version,
    String artifactUri,
    String digest,
    Optional<String> commit,
    Instant createdAt,
    String createdBy,
    Optional<String> intake,
    Optional<String> intakeReason) {

  /** A release as registered, before its intake. */
  public static Release registered(
      String app,
      String version,
      String artifactUri,
      String digest,
      Optional<String> commit,
      Instant at,
      String by) {
    return new Release(
        app, version, artifactUri, digest, commit, at, by, Optional.empty(), Optional.empty());
  }

  /** Whether {@code other} describes the same artifact (a repeated registration, not a new one). */
  public boolean describesSameArtifactAs(Release other) {
    return version.equals(other.version)
        && artifactUri.equals(other.artifactUri)
        && digest.equals(other.digest)
        && commit.equals(other.commit);
  }
}
