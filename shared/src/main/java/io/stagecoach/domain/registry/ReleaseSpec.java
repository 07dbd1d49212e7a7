package io.stagecoach.domain.registry;

import java.util.Optional;

/**
 * A release as a caller registers it; {@code templateRevision} binds it to that revision of the
 * app's template instead of the current one.
 */
public record ReleaseSpec(
    String version,
    String artifactUri,
    String digest,
    Optional<String> commit,
    Optional<Integer> templateRevision) {

  /** A release bound to the app's current template revision. */
  public ReleaseSpec(String version, String artifactUri, String digest, Optional<String> commit) {
    this(version, artifactUri, digest, commit, Optional.empty());
  }
}
