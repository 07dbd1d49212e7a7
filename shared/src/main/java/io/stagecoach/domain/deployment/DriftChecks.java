package io.stagecoach.domain.deployment;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftCheck;
import io.stagecoach.domain.drift.DriftCheckRequested;
import io.stagecoach.domain.drift.DriftDetected;
import io.stagecoach.domain.drift.DriftResolved;
import io.stagecoach.domain.drift.DriftStatus;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.TemplateRevision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Drift checks: asking for one (a person, the schedule, a deployment that repairs drift), and
 * running one in a tier's provisioner. A check is recorded on the environment while it runs, so
 * that a second request returns the same check instead of starting another; it is carried out by
 * the provisioner of the environment's tier ({@code Drift Check Requested}), the only function that
 * holds that tier's deploy role. What it finds is recorded on the environment, and a change of
 * status is announced: {@code Drift Detected} when an environment drifts, {@code Drift Resolved}
 * when a drifted one is found in sync again.
 */
public final class DriftChecks {

  /** How often the schedule checks each deployed environment. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofDays(1);

  /** Environments looked at per scheduled run at most; the next run carries on. */
  public static final int MAX_PER_RUN = 500;

  private final Registry registry;
  private final EventPublisher events;

  public DriftChecks(Registry registry, EventPublisher events) {
    this.registry = registry;
    this.events = events;
  }

  /**
   * What a request for a check answered: the environment as it was read, and the check under way
   * ({@code started} when this request started it; empty for an environment never deployed, whose
   * drift is {@code unknown} and has nothing to check).
   */
  public record Requested(Environment environment, Optional<DriftCheck> check, boolean started) {
    /** The environment's drift with the check under way. */
    public Drift drift() {
      return check.map(c -> environment.drift().checking(c)).orElse(environment.drift());
    }
  }

  /**
   * A check of {@code app}/{@code environment} now, asked by {@code requestedBy}: the one under way
   * if there is one, else a new one ({@code newId}). Refused: malformed names, an unknown app or
   * environment.
   */
  public Outcome<Requested> request(
      String requestedBy, String app, String environment, String newId, Instant now) {
    List<FieldError> malformed = new ArrayList<>();
    Naming.appNameProblem(app).ifPresent(p -> malformed.add(new FieldError("app", p)));
    Naming.environmentNameProblem(environment)
        .ifPresent(p -> malformed.add(new FieldError("env", p)));
    if (!malformed.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(malformed));
    }
    Registry.AppAndEnvironment read = registry.findAppAndEnvironment(app, environment);
    if (read.app().isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + app + "' does not exist"));
    }
    if (read.environment().isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("environment '" + app + "/" + environment + "' does not exist"));
    }
    Environment env = read.environment().get();
    if (!env.hasBeenDeployed()) {
      return Outcome.accepted(new Requested(env, Optional.empty(), false));
    }
    return start(env, requestedBy, newId, now)
        .<Outcome<Requested>>map(Outcome::accepted)
        .orElseGet(
            () ->
                Outcome.rejected(
                    Rejection.notFound(
                        "environment '" + app + "/" + environment + "' does not exist")));
  }

  /**
   * Starts a check of {@code env} unless one is under way (a stale one is taken over); empty when
   * the environment is gone.
   */
  Optional<Requested> start(Environment env, String requestedBy, String newId, Instant now) {
    Environment current = env;
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<DriftCheck> running = current.drift().checking();
      if (running.isPresent() && !running.get().isStaleAt(now)) {
        return Optional.of(new Requested(current, running, false));
      }
      DriftCheck check = new DriftCheck(newId, requestedBy, now);
      switch (registry.startDriftCheck(
          current.app(), current.name(), check, running.map(DriftCheck::id))) {
        case WriteResult.Written w -> {
          events.publish(
              new DriftCheckRequested(
                  current.app(), current.name(), current.tier().wireName(), check));
          return Optional.of(new Requested(current, Optional.of(check), true));
        }
        case WriteResult.Missing m -> {
          return Optional.empty();
        }
        default -> {
          // Another request started one between the read and the write: answer that one.
          Optional<Environment> again = registry.findEnvironment(current.app(), current.name());
          if (again.isEmpty()) {
            return Optional.empty();
          }
          current = again.get();
        }
      }
    }
    return Optional.of(new Requested(current, current.drift().checking(), false));
  }

  /** What one scheduled run did: the checks it started, and the environments it looked at. */
  public record Scheduled(List<String> started, int looked) {
    public Scheduled {
      started = List.copyOf(started);
    }
  }

  /**
   * One scheduled run: a check of every deployed environment of every app whose last check is older
   * than the app's {@code driftCheckHours}, else {@code interval} (or that was never checked),
   * unless one is under way.
   */
  public Scheduled schedule(Instant now, Duration interval, Supplier<String> newIds) {
    List<String> started = new ArrayList<>();
    int looked = 0;
    PageRequest apps = new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT);
    while (looked < MAX_PER_RUN) {
      if (!(registry.listApps(apps) instanceof Outcome.Accepted<Page<App>> a)) {
        break;
      }
      for (App app : a.value().items()) {
        PageRequest envs = new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT);
        while (looked < MAX_PER_RUN) {
          if (!(registry.listEnvironments(app.name(), envs)
              instanceof Outcome.Accepted<Page<Environment>> e)) {
            break;
          }
          for (Environment env : e.value().items()) {
            looked++;
            if (isDue(env, app.driftCheckHours().map(Duration::ofHours).orElse(interval), now)) {
              start(env, DriftCheck.SCHEDULER, newIds.get(), now)
                  .filter(Requested::started)
                  .ifPresent(r -> started.add(env.app() + "/" + env.name()));
            }
          }
          if (e.value().nextCursor().isEmpty()) {
            break;
          }
          envs = new PageRequest(e.value().nextCursor(), PageRequest.MAX_LIMIT);
        }
      }
      if (a.value().nextCursor().isEmpty()) {
        break;
      }
      apps = new PageRequest(a.value().nextCursor(), PageRequest.MAX_LIMIT);
    }
    return new Scheduled(started, looked);
  }

  /**
   * A deployed environment whose last check (or last deployment, which the check after it follows)
   * is at least {@code interval} old, with no live check under way.
   */
  static boolean isDue(Environment env, Duration interval, Instant now) {
    if (!env.hasBeenDeployed()) {
      return false;
    }
    Optional<DriftCheck> running = env.drift().checking();
    if (running.isPresent() && !running.get().isStaleAt(now)) {
      return false;
    }
    return env.drift().checkedAt().map(at -> !now.isBefore(at.plus(interval))).orElse(true);
  }

  /** What became of a {@code Drift Check Requested} delivery in a tier's provisioner. */
  public sealed interface Ran {
    /** Not run: the environment is on another tier, whose credentials this provisioner lacks. */
    record OtherTier(String tier) implements Ran {}

    /** Not run: the check is no longer the environment's (done, or taken over), or it is gone. */
    record NotCurrent(String why) implements Ran {}

    /** Run and recorded; {@code previous} is what the check before it found. */
    record Checked(Drift found, Drift previous) implements Ran {}
  }

  /**
   * Runs check {@code checkId} of {@code app}/{@code environment} with {@code provisioner} (the
   * provisioner of tier {@code tier}) and records what it found. A technical error is thrown (the
   * delivery is retried; the check stays under way until it goes stale); a provisioner that cannot
   * tell leaves the drift {@code unknown}.
   */
  public Ran run(
      Provisioner provisioner,
      String tier,
      String app,
      String environment,
      String checkId,
      Supplier<Instant> clock) {
    Registry.AppAndEnvironment read = registry.findAppAndEnvironment(app, environment);
    if (read.app().isEmpty() || read.environment().isEmpty()) {
      return new Ran.NotCurrent("environment '" + app + "/" + environment + "' is gone");
    }
    Environment env = read.environment().get();
    if (!env.tier().wireName().equals(tier)) {
      return new Ran.OtherTier(env.tier().wireName());
    }
    if (!env.drift().checking().map(c -> c.id().equals(checkId)).orElse(false)) {
      return new Ran.NotCurrent("check " + checkId + " is no longer under way");
    }
    Drift found;
    if (env.deployed().isEmpty()) {
      found = new Drift(DriftStatus.UNKNOWN, Optional.of(clock.get()), List.of(), Optional.empty());
    } else {
      List<DriftedResource> resources;
      try {
        resources = provisioner.detectDrift(request(checkId, read.app().get(), env));
        found = Drift.found(resources, clock.get());
      } catch (Provisioner.RequestRefused e) {
        found =
            new Drift(DriftStatus.UNKNOWN, Optional.of(clock.get()), List.of(), Optional.empty());
      }
    }
    Drift previous = env.drift();
    if (!(registry.finishDriftCheck(app, environment, checkId, found)
        instanceof WriteResult.Written)) {
      return new Ran.NotCurrent("check " + checkId + " ended elsewhere");
    }
    if (found.isDrifted() && !previous.isDrifted()) {
      events.publish(new DriftDetected(app, environment, tier, checkId, found));
    } else if (found.status() == DriftStatus.IN_SYNC && previous.isDrifted()) {
      events.publish(new DriftResolved(app, environment, tier, checkId, found, previous));
    }
    return new Ran.Checked(found, previous);
  }

  /**
   * After a deployment succeeded into an environment that had drifted: a check, so that the drift
   * it repaired (or did not) is known, and announced. {@code env} is the environment as read before
   * the deployment.
   */
  void afterDeployment(Environment env, Deployment deployment, Instant now) {
    if (env.drift().isDrifted()) {
      start(env, "deployment:" + deployment.id(), "after-" + deployment.id(), now);
    }
  }

  /**
   * The stack the environment's last deployment made: its release and template revision (the app's
   * template when it ran before revisions were recorded).
   */
  private ProvisioningRequest request(String checkId, App app, Environment env) {
    DeployedRelease deployed = env.deployed().orElseThrow();
    Optional<Release> release = registry.findRelease(app.name(), deployed.version());
    Optional<TemplateRevision> revision =
        deployed.templateRevision().flatMap(n -> registry.findTemplateRevision(app.name(), n));
    EnvironmentTemplate template =
        revision
            .map(TemplateRevision::template)
            .or(app::template)
            .orElse(new EnvironmentTemplate(Optional.empty(), Optional.empty()));
    return new ProvisioningRequest(
        checkId, env, release, template, revision.map(TemplateRevision::number));
  }
}
