package io.stagecoach.domain.registry;

import io.stagecoach.domain.access.ApiToken;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.template.TemplateRevision;
import java.time.Instant;
import java.util.Optional;

/**
 * The registry port: apps (with their template revisions), environments, releases and tokens.
 * Writes are conditional; the adapter turns condition failures into {@link WriteResult} values.
 * Listings answer a rejection for a cursor they did not issue.
 */
public interface Registry {

  Optional<App> findApp(String app);

  Outcome<Page<App>> listApps(PageRequest page);

  /**
   * Creates the app and, when it has a template, its first template revision {@code first}, in one
   * write.
   */
  WriteResult createApp(App app, Optional<TemplateRevision> first);

  /** Creates an app without a template revision. */
  default WriteResult createApp(App app) {
    return createApp(app, Optional.empty());
  }

  /**
   * The apps whose repository mapping names {@code repository} (a CodeCommit repository name,
   * case-sensitive).
   */
  Outcome<Page<App>> listAppsByRepository(String repository, PageRequest page);

  /**
   * Replaces the app's own fields if its revision is still {@code expectedRevision}, and creates
   * the template revision {@code next} in the same write ({@link WriteResult.ChangedSinceRead} when
   * its number is taken by then).
   */
  WriteResult replaceApp(App app, long expectedRevision, Optional<TemplateRevision> next);

  /** Replaces the app's own fields, its template revision unchanged. */
  default WriteResult replaceApp(App app, long expectedRevision) {
    return replaceApp(app, expectedRevision, Optional.empty());
  }

  Optional<TemplateRevision> findTemplateRevision(String app, int number);

  /** The app's template revisions, newest first. */
  Outcome<Page<TemplateRevision>> listTemplateRevisions(String app, PageRequest page);

  /** The app's highest-numbered template revision, if it has any. */
  Optional<TemplateRevision> latestTemplateRevision(String app);

  /**
   * Gives an app registered before template revisions its first one: creates {@code revision} and
   * records it on the app, unless the app has a revision by then ({@link
   * WriteResult.ChangedSinceRead}) or is gone ({@link WriteResult.Missing}). The app's own revision
   * does not move: nothing a caller set has changed.
   */
  WriteResult pinAppTemplate(TemplateRevision revision);

  /**
   * Binds a release that has no template revision to {@code revision}: {@link
   * WriteResult.ChangedSinceRead} when it has one by then, {@link WriteResult.Missing} when it is
   * gone.
   */
  WriteResult pinReleaseTemplate(String app, String version, int revision);

  /** Deletes the app and its releases; {@link WriteResult.InUse} while it has environments. */
  WriteResult deleteApp(String app, long expectedRevision);

  Optional<Environment> findEnvironment(String app, String environment);

  /**
   * The app and one of its environments, read together (one round trip where the store allows it).
   */
  AppAndEnvironment findAppAndEnvironment(String app, String environment);

  record AppAndEnvironment(Optional<App> app, Optional<Environment> environment) {}

  /**
   * What a deploy of release {@code version} into {@code environment} is decided from, read
   * together (one round trip where the store allows it): the app, the environment, the release and,
   * when {@code templateRevision} is given (a deployment that records the revision it is made
   * from), that template revision of the app.
   */
  DeployReads findForDeploy(
      String app, String environment, String version, Optional<Integer> templateRevision);

  /** What {@link #findForDeploy} found; each is empty when it does not exist. */
  record DeployReads(
      Optional<App> app,
      Optional<Environment> environment,
      Optional<Release> release,
      Optional<TemplateRevision> templateRevision) {}

  Outcome<Page<Environment>> listEnvironments(String app, PageRequest page);

  /** Creates the environment if the app exists ({@link WriteResult.Missing} otherwise). */
  WriteResult createEnvironment(Environment environment);

  WriteResult replaceEnvironment(Environment environment, long expectedRevision);

  WriteResult deleteEnvironment(String app, String environment, long expectedRevision);

  /**
   * Freezes the environment (or thaws it, with empty); {@link WriteResult.Missing} when it does not
   * exist.
   */
  WriteResult setFreeze(String app, String environment, Optional<EnvironmentFreeze> freeze);

  /**
   * Pins the environment (or unpins it, with empty); {@link WriteResult.Missing} when it does not
   * exist.
   */
  WriteResult setPin(String app, String environment, Optional<EnvironmentPin> pin);

  /**
   * Environments of every app that expire at or before {@code upTo}, soonest first (the {@code
   * EXPIRING} index: ephemeral environments only, pinned ones included).
   */
  Outcome<Page<Environment>> listExpiring(Instant upTo, PageRequest page);

  /**
   * Records on the environment that the warning {@code warning} about its expiry at {@code
   * expiresAt} was sent, unless it already was: {@link WriteResult.Written} for the one run that
   * records it, {@link WriteResult.AlreadyExists} when it was recorded before, {@link
   * WriteResult.ChangedSinceRead} when the environment no longer expires at {@code expiresAt}, and
   * {@link WriteResult.Missing} when it is gone.
   */
  WriteResult claimExpiryWarning(String app, String environment, Instant expiresAt, String warning);

  /** Forgets a warning whose announcement failed, so that the next run sends it again. */
  void releaseExpiryWarning(String app, String environment, String warning);

  /**
   * Makes {@code check} the environment's drift check under way, unless another one is: {@link
   * WriteResult.Written} when it is; {@link WriteResult.ChangedSinceRead} when a check other than
   * {@code replacing} (a stale one the caller may take over) is under way; {@link
   * WriteResult.Missing} when the environment is gone. What the last check found stays as it is.
   */
  WriteResult startDriftCheck(
      String app, String environment, DriftCheck check, Optional<String> replacing);

  /**
   * Records what check {@code checkId} found, and ends it: {@link WriteResult.Written}; {@link
   * WriteResult.ChangedSinceRead} when it is no longer the environment's check under way (taken
   * over after it went stale); {@link WriteResult.Missing} when the environment is gone.
   */
  WriteResult finishDriftCheck(String app, String environment, String checkId, Drift found);

  Optional<Release> findRelease(String app, String version);

  Outcome<Page<Release>> listReleases(String app, PageRequest page);

  /** Creates the release if the app exists and the version is new. */
  WriteResult createRelease(Release release);

  Optional<ApiToken> findTokenBySecretHash(String secretHash);

  Optional<ApiToken> findToken(String id);

  Outcome<Page<ApiToken>> listTokens(PageRequest page);

  WriteResult createToken(ApiToken token);

  WriteResult deleteToken(String id);
}
