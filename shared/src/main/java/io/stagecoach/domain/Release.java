package io.stagecoach.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * An immutable artifact of an app. Its {@code digest} is what every stage receives: the same version
 * can never point at other bytes.
 */
public record Release(
    String app,
    String version,
    String artifactUri,
    String digest,
    Optional<String> commit,
    Instant createdAt,
    String createdBy) {

  /** Whether {@code other} describes the same artifact (a repeated registration, not a new one). */
  public boolean describesSameArtifactAs(Release other) {
    return version.equals(other.version)
        && artifactUri.equals(other.artifactUri)
        && digest.equals(other.digest)
        && commit.equals(other.commit);
  }
}
