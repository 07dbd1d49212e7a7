package io.stagecoach.domain.deployment;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.drift.DriftGate;
import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.Tier;
import java.time.Instant;
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
   * A deploy of the release an environment runs already, while its last drift check (since that
   * deployment) found it drifted, repairs it: what the deployment records, so that its history
   * shows it as a repair. Such a redeploy skips no stage, so it goes where a new release would need
   * a promotion; other gates (freeze, window, ownership) apply as to any deploy.
   */
  public static Optional<GateOverride> driftRepair(Environment env, String version) {
    if (env.deployed().isEmpty()
        || !env.deployed().get().version().equals(version)
        || !DriftGate.isCurrent(env.drift(), env.deployed().map(d -> d.deployedAt()))) {
      return Optional.empty();
    }
    return Optional.of(
        new GateOverride(
            GateOverride.DRIFT,
            GateOverride.BASIS_REPAIR,
            "redeploys release "
                + version
                + ", which '"
                + env.name()
                + "' runs, to repair its drift: "
                + env.drift().describe()));
  }

  /**
   * A direct deploy into a stage whose deployment window is closed is refused ({@code
   * window_closed}) with the next opening; a promotion waits for it instead, and a rollback is not
   * held back by it.
   */
  public static Optional<Rejection> windowRefusal(App app, Environment env, Instant now) {
    return app.stage(env.name())
        .flatMap(Stage::window)
        .filter(w -> !w.isOpenAt(now))
        .map(
            w ->
                Rejection.of(
                    Rejection.Code.WINDOW_CLOSED,
                    "'"
                        + env.name()
                        + "' takes releases "
                        + w.describe()
                        + " only; it opens next at "
                        + w.nextOpening(now)));
  }

  /**
   * A personal environment is its owner's: a deploy, rollback or destroy there by anyone else who
   * is not an admin is refused ({@code forbidden}), from every surface (API, CLI, Slack).
   */
  public static Optional<Rejection> notOwnersRefusal(Principal caller, Environment env) {
    if (env.kind() != EnvironmentKind.PERSONAL
        || env.owner().equals(caller.name())
        || caller.may(Role.ADMIN)) {
      return Optional.empty();
    }
    return Optional.of(
        Rejection.of(
            Rejection.Code.FORBIDDEN,
            "environment '"
                + env.app()
                + "/"
                + env.name()
                + "' is the personal environment of "
                + env.owner()
                + "; only its owner or an admin may deploy into it or destroy it ("
                + caller.name()
                + "'s own is '"
                + Naming.personalEnvironmentName(caller.name())
                + "')"));
  }

  /**
   * A frozen environment takes no deploy and no destroy, from any surface (API, CLI, Slack, a
   * repository push, a promotion's gate). Whether a rollback still goes through is the app's freeze
   * policy ({@link #rollbackThroughFreeze}); the refusal says which.
   */
  public static Optional<Rejection> frozenRefusal(FreezePolicy policy, Environment env) {
    return env.freeze()
        .map(
            f ->
                Rejection.of(
                    Rejection.Code.FROZEN,
                    f.describe(env.app(), env.name())
                        + "; unfreeze it first"
                        + (policy.allowRollback()
                            ? " (rollbacks still go through)"
                            : " (app '"
                                + env.app()
                                + "' refuses rollbacks during a freeze too:"
                                + " freeze.allowRollback is false)")));
  }

  /**
   * A rollback into {@code env}: nothing to say when it is not frozen; when it is, either the
   * override the deployment records (the app's {@code freeze.allowRollback}, the default) or the
   * {@code frozen} refusal.
   */
  public static Optional<Outcome<GateOverride>> rollbackThroughFreeze(App app, Environment env) {
    if (env.freeze().isEmpty()) {
      return Optional.empty();
    }
    if (!app.freeze().allowRollback()) {
      return Optional.of(
          Outcome.rejected(
              Rejection.of(
                  Rejection.Code.FROZEN,
                  env.freeze().get().describe(env.app(), env.name())
                      + "; app '"
                      + app.name()
                      + "' refuses rollbacks during a freeze (freeze.allowRollback is false):"
                      + " unfreeze it first")));
    }
    return Optional.of(
        Outcome.accepted(
            new GateOverride(
                GateOverride.FREEZE,
                GateOverride.BASIS_POLICY,
                "rollback during a freeze, let through by app '"
                    + app.name()
                    + "' freeze.allowRollback: "
                    + env.freeze().get().describe(env.app(), env.name()))));
  }
}
