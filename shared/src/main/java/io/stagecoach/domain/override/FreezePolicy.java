package io.stagecoach.domain.override;

/**
 * What a freeze of one of an app's environments still lets through: with {@code allowRollback} (the
 * default), a rollback to a release that ran there, recorded on the deployment as a rollback during
 * the freeze; without it, the freeze refuses rollbacks as it refuses everything else.
 */
public record FreezePolicy(boolean allowRollback) {

  /** Rollbacks go through a freeze: undoing a bad release is often what the freeze is for. */
  public static final FreezePolicy DEFAULT = new FreezePolicy(true);
}
