package io.stagecoach.domain.deployment;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.TemplatePinning;
import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a tier's provisioner does with a {@code Deployment Requested} event: take the environment's
 * lease, make the environment match the release through the {@link Provisioner}, record how it
 * ended, announce it, and take up the deployments that queued behind it.
 *
 * <p>Events arrive at least once and in any order, so every step is decided from the registry, not
 * from the event: a deployment that is already terminal is only announced again (the last
 * announcement may have been lost), one that another delivery is working on is left alone, an older
 * release never replaces a newer one. A technical error puts the deployment back to {@code
 * requested} and is thrown, so the event is delivered again; after {@link #MAX_ATTEMPTS} runs the
 * deployment fails with the error as its reason.
 */
public final class ProvisioningRun {

  public static final int MAX_ATTEMPTS = 3;

  /**
   * How long a lease lasts without being extended: a provisioner that dies frees its environment
   * after this.
   */
  public static final Duration LEASE = Duration.ofMinutes(15);

  /**
   * A run does not start more work when less time than this is left; it sends the event again
   * instead.
   */
  public static final Duration MARGIN = Duration.ofSeconds(30);

  private final Registry registry;
  private final Deployments deployments;
  private final Provisioner provisioner;
  private final EventPublisher events;
  private final Supplier<Instant> clock;
  private final DeploymentCallbacks callbacks;
  private final TemplatePinning pinning;
  private final DriftChecks drift;

  public ProvisioningRun(
      Registry registry,
      Deployments deployments,
      Provisioner provisioner,
      EventPublisher events,
      Supplier<Instant> clock) {
    this(registry, deployments, provisioner, events, clock, DeploymentCallbacks.NONE);
  }

  public ProvisioningRun(
      Registry registry,
      Deployments deployments,
      Provisioner provisioner,
      EventPublisher events,
      Supplier<Instant> clock,
      DeploymentCallbacks callbacks) {
    this.registry = registry;
    this.deployments = deployments;
    this.provisioner = provisioner;
    this.events = events;
    this.clock = clock;
    this.callbacks = callbacks;
    this.pinning = new TemplatePinning(registry, TemplateSource.NONE);
    this.drift = new DriftChecks(registry, events);
  }

  /** What became of each deployment the run looked at, in order: for logs and tests. */
  public record Report(List<String> lines) {
    public Report {
      lines = List.copyOf(lines);
    }
  }

  /** A provisioner error that the platform should answer by delivering the event again. */
  public static final class ProvisioningInterrupted extends RuntimeException {
    public ProvisioningInterrupted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Runs the deployment {@code id} of {@code app}, then whatever queued behind it while time is
   * left.
   *
   * @param timeLeft how long the caller may still run (a Lambda function's remaining time)
   */
  public Report run(String app, String id, Supplier<Duration> timeLeft) {
    List<String> report = new ArrayList<>();
    Deque<String> work = new ArrayDeque<>(List.of(id));
    while (!work.isEmpty()) {
      String next = work.poll();
      if (timeLeft.get().compareTo(MARGIN) < 0) {
        // Not enough time to start: hand it to a fresh delivery.
        deployments
            .findDeployment(app, next)
            .filter(d -> !d.isTerminal())
            .ifPresent(d -> events.publish(new DeploymentRequested(d)));
        report.add(next + ": handed on");
        continue;
      }
      one(app, next, report)
          .filter(Freed::othersWaiting)
          .ifPresent(freed -> work.addAll(takeUp(app, freed.environment(), report)));
    }
    return new Report(report);
  }

  /**
   * A lease this run freed (so the deployments that waited on it, if any, are this run's to take
   * up).
   */
  private record Freed(String environment, boolean othersWaiting) {}

  /** Runs one deployment; answers the lease this run freed, if it freed it. */
  private Optional<Freed> one(String app, String id, List<String> report) {
    Optional<Deployment> found = deployments.findDeployment(app, id);
    if (found.isEmpty()) {
      report.add(id + ": unknown, ignored");
      return Optional.empty();
    }
    Deployment d = found.get();
    if (d.isTerminal()) {
      announce(d);
      report.add(id + ": already " + d.status().wireName());
      return Optional.empty();
    }
    Instant now = clock.get();
    Deployments.Claim claim = deployments.claim(d, now, now.plus(LEASE));
    Deployment running;
    switch (claim) {
      case Deployments.Claim.NotRequested n -> {
        report.add(id + ": taken by another delivery");
        return Optional.empty();
      }
      case Deployments.Claim.Queued q -> {
        report.add(id + ": queued behind " + q.holder());
        return Optional.empty();
      }
      case Deployments.Claim.Claimed c -> {
        running = c.provisioning();
        c.tookOverFrom()
            .flatMap(previous -> deployments.findDeployment(app, previous))
            .ifPresent(this::announce);
      }
    }

    // A deploy reads its release, and the template revision it records, with the app and the
    // environment (one round trip).
    Registry.DeployReads read =
        d.action() == DeploymentAction.DEPLOY
            ? registry.findForDeploy(
                app, d.environment(), d.version().orElseThrow(), d.templateRevision())
            : destroyReads(app, d.environment());
    Environment env = read.environment().orElse(null);
    if (env == null || read.app().isEmpty()) {
      return end(
          running,
          running.failed(
              "environment '" + app + "/" + d.environment() + "' no longer exists",
              Optional.empty(),
              clock.get()),
          Optional.empty(),
          report);
    }
    if (d.action() == DeploymentAction.DEPLOY
        && env.deployed().isPresent()
        && env.deployed().get().order().compareTo(d.order()) > 0) {
      return end(
          running,
          running.superseded(env.deployed().get().deploymentId(), clock.get()),
          Optional.empty(),
          report);
    }
    Optional<Release> release = read.release();
    if (d.action() == DeploymentAction.DEPLOY && release.isEmpty()) {
      return end(
          running,
          running.failed(
              "release " + d.version().get() + " no longer exists", Optional.empty(), clock.get()),
          Optional.empty(),
          report);
    }
    Outcome<ProvisioningRequest> asked =
        request(d, read.app().get(), env, release, read.templateRevision());
    if (asked instanceof Outcome.Rejected<ProvisioningRequest> refused) {
      return end(
          running,
          running.failed(refused.rejection().detail(), Optional.empty(), clock.get()),
          Optional.empty(),
          report);
    }
    ProvisioningRequest request = ((Outcome.Accepted<ProvisioningRequest>) asked).value();
    Optional<Integer> templateRevision = request.templateRevision();
    if (d.action() == DeploymentAction.DEPLOY
        && running.templateRevision().isEmpty()
        && templateRevision.isPresent()) {
      // Recorded before revisions existed: its record names the revision it was bound to now.
      running = running.withTemplateRevision(templateRevision.get());
    }

    ProvisioningResult result;
    try {
      result =
          d.action() == DeploymentAction.DEPLOY
              ? provisioner.apply(request)
              : provisioner.destroy(request);
    } catch (RuntimeException e) {
      String reason = "the provisioner failed: " + describe(e);
      if (running.attempts() + 1 >= MAX_ATTEMPTS) {
        return end(
            running,
            running
                .attempted()
                .failed(
                    reason + " (after " + MAX_ATTEMPTS + " attempts)",
                    Optional.empty(),
                    clock.get()),
            Optional.empty(),
            report);
      }
      deployments.requeue(running.retrying(reason));
      report.add(id + ": error, will be tried again (" + reason + ")");
      throw new ProvisioningInterrupted(reason, e);
    }
    Instant at = clock.get();
    return switch (result) {
      case ProvisioningResult.Succeeded s -> {
        Optional<Freed> freed =
            end(
                running,
                running.succeeded(s.plan(), s.outputs(), at),
                d.action() == DeploymentAction.DEPLOY
                    ? Optional.of(
                        new DeployedRelease(
                            d.version().orElseThrow(),
                            d.digest().orElseThrow(),
                            d.id(),
                            d.order(),
                            at,
                            templateRevision,
                            Optional.of(d.requestedBy()),
                            s.outputs(),
                            s.resources(),
                            SecretRotationCheck.of(provisioner, env, at)))
                    : Optional.empty(),
                report);
        if (freed.isPresent() && d.action() == DeploymentAction.DEPLOY) {
          // The drift it had is older than this deployment now; a check says whether it is gone.
          drift.afterDeployment(env, d, at);
        }
        yield freed;
      }
      case ProvisioningResult.Failed f ->
          end(
              running,
              running.failed(f.reason(), Optional.of(f.plan()), at),
              Optional.empty(),
              report);
      case ProvisioningResult.InProgress p -> {
        deployments.extendLease(app, d.environment(), d.id(), at.plus(LEASE));
        events.publish(new DeploymentRequested(running));
        report.add(id + ": still " + p.status() + ", continued by a new delivery");
        yield Optional.empty();
      }
    };
  }

  /**
   * What the provisioner is asked: a deploy is made from the template revision its deployment
   * records (one recorded before revisions existed, from its release's, bound now if need be); a
   * destroy names the revision the environment runs, else the app's current template (the
   * provisioners remove what the stack holds, whatever the template says).
   *
   * @param recorded the template revision the deployment records, as read with its app
   */
  private Outcome<ProvisioningRequest> request(
      Deployment d,
      App app,
      Environment env,
      Optional<Release> release,
      Optional<TemplateRevision> recorded) {
    if (d.action() == DeploymentAction.DEPLOY) {
      Outcome<TemplateRevision> revision =
          d.templateRevision().isPresent()
              ? recorded
                  .<Outcome<TemplateRevision>>map(Outcome::accepted)
                  .orElseGet(
                      () ->
                          Outcome.rejected(
                              Rejection.conflict(
                                  "template revision "
                                      + d.templateRevision().get()
                                      + " of app '"
                                      + app.name()
                                      + "' no longer exists")))
              : pinning.forRelease(app, release.orElseThrow(), clock.get());
      return revision.map(
          r ->
              new ProvisioningRequest(d.id(), env, release, r.template(), Optional.of(r.number())));
    }
    Optional<TemplateRevision> running =
        env.deployed()
            .flatMap(DeployedRelease::templateRevision)
            .or(() -> app.templateRevision().map(TemplateRevision.Ref::number))
            .flatMap(n -> registry.findTemplateRevision(app.name(), n));
    if (running.isPresent()) {
      return Outcome.accepted(
          new ProvisioningRequest(
              d.id(), env, release, running.get().template(), Optional.of(running.get().number())));
    }
    return app.template()
        .<Outcome<ProvisioningRequest>>map(
            t -> Outcome.accepted(new ProvisioningRequest(d.id(), env, release, t)))
        .orElseGet(
            () ->
                Outcome.rejected(
                    Rejection.conflict("app '" + app.name() + "' has no environment template")));
  }

  /** What a destroy reads: its app and environment (it has no release). */
  private Registry.DeployReads destroyReads(String app, String environment) {
    Registry.AppAndEnvironment read = registry.findAppAndEnvironment(app, environment);
    return new Registry.DeployReads(
        read.app(), read.environment(), Optional.empty(), Optional.empty());
  }

  private Optional<Freed> end(
      Deployment running,
      Deployment finished,
      Optional<DeployedRelease> deployed,
      List<String> report) {
    Deployments.Finished written = deployments.finish(finished, deployed);
    Deployment recorded = finished;
    if (written.written() instanceof WriteResult.Missing) {
      // The environment went (or something newer was applied) while the provisioner worked.
      recorded =
          running.failed(
              "environment '"
                  + running.app()
                  + "/"
                  + running.environment()
                  + "' was removed or received a newer release while this deployment ran",
              finished.plan(),
              finished.finishedAt().orElseThrow());
      written = deployments.finish(recorded, Optional.empty());
    }
    if (!(written.written() instanceof WriteResult.Written)) {
      report.add(running.id() + ": ended elsewhere");
      return Optional.empty();
    }
    announce(recorded);
    report.add(
        running.id()
            + ": "
            + recorded.status().wireName()
            + recorded.reason().map(r -> " (" + r + ")").orElse(""));
    return Optional.of(new Freed(running.environment(), written.othersWaiting()));
  }

  /**
   * The queue behind the lease this run freed: all but the newest deploy are superseded; the rest
   * run in order.
   */
  private List<String> takeUp(String app, String environment, List<String> report) {
    List<Deployment> waiting = new ArrayList<>();
    for (String id : deployments.takeWaiting(app, environment)) {
      deployments
          .findDeployment(app, id)
          .filter(d -> d.status() == DeploymentStatus.REQUESTED)
          .ifPresent(waiting::add);
    }
    waiting.sort(Comparator.comparing(Deployment::order));
    Optional<Deployment> newestDeploy =
        waiting.stream()
            .filter(d -> d.action() == DeploymentAction.DEPLOY)
            .max(Comparator.comparing(Deployment::order));
    List<String> next = new ArrayList<>();
    for (Deployment d : waiting) {
      if (d.action() == DeploymentAction.DEPLOY
          && newestDeploy.isPresent()
          && d != newestDeploy.get()) {
        Deployment closed = d.superseded(newestDeploy.get().id(), clock.get());
        if (deployments.close(closed) instanceof WriteResult.Written) {
          announce(closed);
          report.add(d.id() + ": superseded by " + newestDeploy.get().id());
        }
      } else {
        next.add(d.id());
      }
    }
    return next;
  }

  /**
   * Announces a terminal deployment (again, when a delivery repeats) and answers the workflow step
   * waiting for it; a superseded one is not news on the bus, but a waiting promotion hears that it
   * did not happen.
   */
  private void announce(Deployment d) {
    switch (d.status()) {
      case SUCCEEDED -> {
        events.publish(new DeploymentSucceeded(d));
        if (d.isRollback()) {
          events.publish(new RollbackCompleted(d));
        }
        if (d.action() == DeploymentAction.DESTROY) {
          events.publish(new EnvironmentDestroyed(d));
        }
        d.callbackToken().ifPresent(t -> callbacks.succeeded(t, d));
      }
      case FAILED -> {
        events.publish(new DeploymentFailed(d));
        d.callbackToken().ifPresent(t -> callbacks.failed(t, d));
      }
      case SUPERSEDED -> d.callbackToken().ifPresent(t -> callbacks.failed(t, d));
      default -> {}
    }
  }

  private static String describe(RuntimeException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + firstLine(message));
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    return line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }
}
