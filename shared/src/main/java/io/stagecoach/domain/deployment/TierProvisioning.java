package io.stagecoach.domain.deployment;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.TemplatePinning;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.TemplateSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one tier's provisioner does, whatever carries the request: plan a release into an
 * environment, and run requested deployments. It serves its own tier only, since it holds only that
 * tier's credentials: a request for another tier is refused, never run.
 */
public final class TierProvisioning {

  private final String tier;
  private final Registry registry;
  private final Provisioner provisioner;
  private final DeploymentService service;
  private final ProvisioningRun run;
  private final Supplier<Instant> clock;
  private final DeploymentCallbacks callbacks;
  private final TemplatePinning pinning;
  private final DriftChecks drift;

  public TierProvisioning(
      String tier,
      Registry registry,
      Deployments deployments,
      Provisioner provisioner,
      EventPublisher events,
      Supplier<Instant> clock,
      DeploymentCallbacks callbacks) {
    this.tier = tier;
    this.registry = registry;
    this.provisioner = provisioner;
    this.clock = clock;
    this.callbacks = callbacks;
    this.service = new DeploymentService(registry, deployments, events);
    this.pinning = new TemplatePinning(registry, TemplateSource.NONE);
    this.run = new ProvisioningRun(registry, deployments, provisioner, events, clock, callbacks);
    this.drift = new DriftChecks(registry, events);
  }

  /**
   * Runs drift check {@code checkId} of the environment (a {@code Drift Check Requested} delivery)
   * with this tier's provisioner, and records what it found.
   */
  public DriftChecks.Ran checkDrift(String app, String environment, String checkId) {
    return drift.run(provisioner, tier, app, environment, checkId, clock);
  }

  public String tier() {
    return tier;
  }

  /** A promotion's Deploy step: its workflow waits on {@code taskToken} for the outcome. */
  public record PromotionStep(
      String promotionId,
      String taskToken,
      String requestedBy,
      String environment,
      String version) {}

  /** What became of a {@code Deployment Requested} delivery. */
  public sealed interface DeployAnswer {
    /** Not run: the event is for another tier, whose credentials this provisioner does not hold. */
    record OtherTier(String eventTier) implements DeployAnswer {}

    /** Not run: a promotion's deploy the gate refused; {@code code} is the rejection's. */
    record Refused(String code) implements DeployAnswer {}

    record Ran(ProvisioningRun.Report report) implements DeployAnswer {}
  }

  /**
   * Runs deployment {@code id} of {@code app} on tier {@code eventTier}. A promotion's Deploy step
   * is recorded first (once); when that is refused, the waiting step is told it failed.
   */
  public DeployAnswer deploy(
      String app,
      String id,
      String eventTier,
      Optional<PromotionStep> promotion,
      Supplier<Duration> timeLeft) {
    if (!tier.equals(eventTier)) {
      return new DeployAnswer.OtherTier(eventTier);
    }
    if (promotion.isPresent()) {
      PromotionStep step = promotion.get();
      Outcome<Deployment> recorded =
          service.recordForPromotion(
              new Principal(step.requestedBy(), Set.of()),
              app,
              id,
              step.environment(),
              step.version(),
              step.promotionId(),
              step.taskToken(),
              clock.get());
      if (recorded instanceof Outcome.Rejected<Deployment> r) {
        callbacks.failed(step.taskToken(), refusedStep(app, id, step, r.rejection()));
        return new DeployAnswer.Refused(r.rejection().code().wireName());
      }
    }
    return new DeployAnswer.Ran(run.run(app, id, timeLeft));
  }

  /** The failed deployment a refused promotion step reports to its workflow (never recorded). */
  private Deployment refusedStep(String app, String id, PromotionStep step, Rejection rejection) {
    return new Deployment(
        id,
        app,
        step.environment(),
        Tier.DEV,
        DeploymentAction.DEPLOY,
        Optional.empty(),
        Optional.empty(),
        DeploymentStatus.FAILED,
        Optional.of(rejection.detail()),
        Optional.empty(),
        Map.of(),
        "promotion",
        "promotion",
        "",
        0,
        clock.get(),
        Optional.empty(),
        Optional.empty());
  }

  /** What deploying {@code version} into the environment would change now. Changes nothing. */
  public TierPlanner.Answer plan(String app, String environment, String version) {
    Registry.DeployReads read = registry.findForDeploy(app, environment, version, Optional.empty());
    if (read.app().isEmpty() || read.environment().isEmpty()) {
      return refused(
          Rejection.Code.NOT_FOUND, "environment '" + app + "/" + environment + "' does not exist");
    }
    App theApp = read.app().get();
    Environment env = read.environment().get();
    if (!env.tier().wireName().equals(tier)) {
      return refused(
          Rejection.Code.FORBIDDEN,
          "this is the "
              + tier
              + " provisioner; "
              + app
              + "/"
              + environment
              + " is on the "
              + env.tier().wireName()
              + " tier");
    }
    Optional<Release> release = read.release();
    if (release.isEmpty()) {
      return refused(
          Rejection.Code.NOT_FOUND, "release " + version + " of app '" + app + "' does not exist");
    }
    // The release's own template revision, as its deployment would use it (nothing is bound here).
    Outcome<TemplatePinning.Resolved> template = pinning.peek(theApp, release.get());
    if (template instanceof Outcome.Rejected<TemplatePinning.Resolved> r) {
      return new TierPlanner.Answer.Refused(r.rejection());
    }
    TemplatePinning.Resolved resolved =
        ((Outcome.Accepted<TemplatePinning.Resolved>) template).value();
    try {
      return new TierPlanner.Answer.Planned(
          provisioner.plan(
              new ProvisioningRequest(
                  "plan", env, release, resolved.template(), resolved.revision())));
    } catch (IllegalArgumentException | Provisioner.RequestRefused e) {
      return refused(
          Rejection.Code.VALIDATION_FAILED,
          "the environment template cannot be planned: " + e.getMessage());
    }
  }

  private static TierPlanner.Answer refused(Rejection.Code code, String detail) {
    return new TierPlanner.Answer.Refused(Rejection.of(code, detail));
  }
}
