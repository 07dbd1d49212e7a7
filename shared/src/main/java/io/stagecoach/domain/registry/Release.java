package io.stagecoach.domain.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * An immutable artifact of an app. Its {@code digest} is what every stage receives: the same
 * version can never point at other bytes. {@code templateRevision} is the revision of the app's
 * template it was registered with, which every deployment of it uses (empty for a release
 * registered before revisions existed, or while its app had no template: it is bound at its first
 * deployment, see {@link TemplatePinning}). {@code intake} is what the release intake found about
 * the artifact ({@code checked}, or {@code rejected} with {@code intakeReason}); empty until the
 * intake has run.
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
    Optional<String> intakeReason,
    Optional<Integer> templateRevision) {

  /** A release bound to no template revision (yet). */
  public Release(
      String app,
      String version,
      String artifactUri,
      String digest,
      Optional<String> commit,
      Instant createdAt,
      String createdBy,
      Optional<String> intake,
      Optional<String> intakeReason) {
    this(
        app,
        version,
        artifactUri,
        digest,
        commit,
        createdAt,
        createdBy,
        intake,
        intakeReason,
        Optional.empty());
  }

  /** A release as registered, before its intake. */
  public static Release registered(
      String app,
      String version,
      String artifactUri,
      String digest,
      Optional<String> commit,
      Instant at,
      String by) {
    return registered(app, version, artifactUri, digest, commit, Optional.empty(), at, by);
  }

  /** A release as registered with {@code templateRevision}, before its intake. */
  public static Release registered(
      String app,
      String version,
      String artifactUri,
      String digest,
      Optional<String> commit,
      Optional<Integer> templateRevision,
      Instant at,
      String by) {
    return new Release(
        app,
        version,
        artifactUri,
        digest,
        commit,
        at,
        by,
        Optional.empty(),
        Optional.empty(),
        templateRevision);
  }

  /** This release bound to template revision {@code revision}. */
  public Release pinnedTo(int revision) {
    return new Release(
        app,
        version,
        artifactUri,
        digest,
        commit,
        createdAt,
        createdBy,
        intake,
        intakeReason,
        Optional.of(revision));
  }

  /** Whether {@code other} describes the same artifact (a repeated registration, not a new one). */
  public boolean describesSameArtifactAs(Release other) {
    return version.equals(other.version)
        && artifactUri.equals(other.artifactUri)
        && digest.equals(other.digest)
        && commit.equals(other.commit);
  }
}
