package io.stagecoach.domain.deployment;

import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Tier;
import java.util.Optional;

/** Which environments take a release directly, and which only from the promotion pipeline. */
public final class DeploymentPolicy {

  private DeploymentPolicy() {}

  /**
   * Personal and ephemeral environments, a pipeline's first stage and other dev-tier shared
   * environments take direct deploys. Staging and prod tiers, and every later stage, are reached
   * only by promotion, so a release cannot skip the stages before them.
   */
  public static Optional<Rejection> directDeployRefusal(
      App app, Environment env, boolean fromPipeline) {
    if (fromPipeline) {
      return Optional.empty();
    }
    String how = "; promote the release instead";
    if (env.tier() != Tier.DEV) {
      return Optional.of(
          Rejection.of(
              Rejection.Code.PROMOTION_REQUIRED,
              "environment '"
                  + app.name()
                  + "/"
                  + env.name()
                  + "' is on the "
                  + env.tier().wireName()
                  + " tier, which takes releases only from the pipeline"
                  + how));
    }
    Optional<Integer> stage = app.stageOf(env.name());
    if (env.kind() == EnvironmentKind.PIPELINE && stage.isPresent() && stage.get() > 0) {
      return Optional.of(
          Rejection.of(
              Rejection.Code.PROMOTION_REQUIRED,
              "environment '"
                  + app.name()
                  + "/"
                  + env.name()
                  + "' is stage "
                  + (stage.get() + 1)
                  + " of the pipeline; only the first stage takes direct deploys"
                  + how));
    }
    return Optional.empty();
  }

  /**
   * A frozen environment takes no deploy and no destroy, from any surface (API, CLI, Slack, a
   * repository push, a promotion's gate); a rollback to a release that ran there still goes
   * through, so a freeze never stands in the way of undoing a bad release.
   */
  public static Optional<Rejection> frozenRefusal(Environment env) {
    return env.freeze()
        .map(
            f ->
                Rejection.of(
                    Rejection.Code.FROZEN,
                    f.describe(env.app(), env.name())
                        + "; unfreeze it first (rollbacks still go through)"));
  }
}
