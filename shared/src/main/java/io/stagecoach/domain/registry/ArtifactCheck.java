package io.stagecoach.domain.registry;

import java.util.Optional;

/**
 * The intake check of a registered release's artifact: what can be decided from its description.
 * The outcome is recorded on the release ({@code checked} or {@code rejected} with the reason).
 */
public final class ArtifactCheck {

  private ArtifactCheck() {}

  /** Why the artifact cannot be accepted, if it cannot. */
  public static Optional<String> rejectionOf(String artifactUri, String digest) {
    Optional<String> uri = RegistryService.artifactUriProblem(artifactUri);
    if (uri.isPresent()) {
      return Optional.of("artifactUri " + uri.get());
    }
    if (digest == null || !RegistryService.isDigest(digest)) {
      return Optional.of("digest must be sha256: followed by 64 lowercase hex digits");
    }
    return Optional.empty();
  }
}
