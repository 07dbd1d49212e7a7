package io.stagecoach.domain.deployment;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.domain.override.BreakGlassRequested;
import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.ExpiryPolicy;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.Secrets;
import io.stagecoach.domain.registry.TemplatePinning;
import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deploy requests, as the API takes them: the rules a request must pass before anything is
 * recorded, the idempotency of retried requests, and the destroy of an environment. What happens
 * next is the provisioner's ({@link ProvisioningRun}).
 */
public final class DeploymentService {

  /**
   * The field a malformed idempotency key is reported under; each surface names it in its own words
   * (the API: its {@code Idempotency-Key} header).
   */
  public static final String IDEMPOTENCY_KEY_FIELD = "idempotencyKey";

  private final Registry registry;
  private final Deployments deployments;
  private final EventPublisher events;
  private final TemplatePinning pinning;

  public DeploymentService(Registry registry, Deployments deployments, EventPublisher events) {
    this.registry = registry;
    this.deployments = deployments;
    this.events = events;
    // Apps registered before template revisions are pinned here from their stored inline body; one
    // whose template is at a URL is pinned by the registry's side (a PUT of the app), which reads
    // S3.
    this.pinning = new TemplatePinning(registry, TemplateSource.NONE);
  }

  /** Drift checks of the same registry: asking for one, and the schedule's runs. */
  public DriftChecks driftChecks() {
    return new DriftChecks(registry, events);
  }

  /** Where a request comes from: a person or script through the API, or a promotion's stage. */
  public record Origin(String name, boolean isPipeline) {
    public static final Origin API = new Origin(Deployment.ORIGIN_API, false);

    public static Origin promotion(String promotionId) {
      return new Origin("promotion:" + promotionId, true);
    }
  }

  /**
   * Records a deployment of {@code spec.version()} into {@code spec.environment()} and announces
   * it. With an idempotency key, the deployment's id is derived from the app and key: the same key
   * with the same request ({@code requestHash}) answers the deployment it made, with another
   * request it is a conflict. {@code newId} is used when there is no key.
   */
  public Outcome<Saved<Deployment>> request(
      Principal caller,
      String app,
      DeploymentSpec spec,
      Optional<String> idempotencyKey,
      String requestHash,
      String newId,
      Origin origin,
      Instant now) {
    return request(caller, app, spec, idempotencyKey, requestHash, newId, origin, false, now);
  }

  private Outcome<Saved<Deployment>> request(
      Principal caller,
      String app,
      DeploymentSpec spec,
      Optional<String> idempotencyKey,
      String requestHash,
      String newId,
      Origin origin,
      boolean rollback,
      Instant now) {
    return request(
        caller,
        app,
        spec,
        idempotencyKey,
        requestHash,
        newId,
        origin,
        rollback,
        Optional.empty(),
        now);
  }

  /**
   * A deploy; with {@code glass}, a confirmed break-glass whose gates it goes past (each recorded
   * on the deployment), {@code caller} being the admin who confirmed it.
   */
  private Outcome<Saved<Deployment>> request(
      Principal caller,
      String app,
      DeploymentSpec spec,
      Optional<String> idempotencyKey,
      String requestHash,
      String newId,
      Origin origin,
      boolean rollback,
      Optional<BreakGlass> glass,
      Instant now) {
    List<FieldError> errors = specProblems(spec);
    idempotencyKey
        .flatMap(Identifier.IDEMPOTENCY_KEY::problem)
        .ifPresent(p -> errors.add(new FieldError(IDEMPOTENCY_KEY_FIELD, p)));
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    String id = idempotencyKey.map(k -> deploymentIdFor(app, k)).orElse(newId);
    if (idempotencyKey.isPresent()) {
      Optional<Deployment> earlier = deployments.findDeployment(app, id);
      if (earlier.isPresent()) {
        return replay(earlier.get(), requestHash);
      }
    }
    Principal deployer =
        glass.map(g -> new Principal(g.requestedBy(), java.util.Set.of(Role.ADMIN))).orElse(caller);
    Outcome<Checked> checked = check(deployer, app, spec, origin, rollback, now);
    if (!(checked instanceof Outcome.Accepted<Checked> accepted)) {
      return Outcome.rejected(((Outcome.Rejected<Checked>) checked).rejection());
    }
    Checked c = accepted.value();
    List<GateOverride> overrides = new ArrayList<>(c.overrides());
    for (Refused refused : c.breakable()) {
      if (glass.isEmpty() || !glass.get().gates().contains(refused.gate())) {
        return Outcome.rejected(refused.rejection());
      }
      overrides.add(
          glass.get().override(refused.gate(), refused.rejection().detail(), caller.name()));
    }
    Deployment deployment =
        new Deployment(
            id,
            app,
            c.env().name(),
            c.env().tier(),
            DeploymentAction.DEPLOY,
            Optional.of(c.release().version()),
            Optional.of(c.release().digest()),
            DeploymentStatus.REQUESTED,
            Optional.empty(),
            Optional.empty(),
            java.util.Map.of(),
            deployer.name(),
            origin.name(),
            requestHash,
            0,
            now,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            overrides,
            Optional.of(c.templateRevision()));
    Outcome<Saved<Deployment>> recorded = record(deployment, requestHash);
    if (recorded instanceof Outcome.Accepted<Saved<Deployment>> a && a.value().created()) {
      renewOnDeploy(c.app(), c.env(), now);
      return Outcome.accepted(ranBefore(a.value(), c.env()));
    }
    return recorded;
  }

  private static List<FieldError> specProblems(DeploymentSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (spec.environment() == null || spec.environment().isEmpty()) {
      errors.add(new FieldError("environment", "is required"));
    } else {
      Naming.environmentNameProblem(spec.environment())
          .ifPresent(p -> errors.add(new FieldError("environment", p)));
    }
    Identifier.RELEASE_VERSION
        .problem(spec.version())
        .ifPresent(p -> errors.add(new FieldError("version", p)));
    return errors;
  }

  /**
   * A gate that refuses, and that a confirmed break-glass may go past: {@code freeze}, {@code
   * window}.
   */
  record Refused(String gate, Rejection rejection) {}

  /**
   * What a deploy would be, every rule checked: the refusals no one may go past are answered; those
   * of a gate a break-glass may go past ({@code breakable}) are kept for the caller to answer or to
   * override; {@code overrides} are what the app's policy lets through (a rollback during a
   * freeze).
   */
  private record Checked(
      App app,
      Environment env,
      Release release,
      int templateRevision,
      List<Refused> breakable,
      List<GateOverride> overrides) {}

  private Outcome<Checked> check(
      Principal caller,
      String app,
      DeploymentSpec spec,
      Origin origin,
      boolean rollback,
      Instant now) {
    // The release is read with the app and its environment (one round trip), though it is looked
    // at only once they pass.
    Registry.DeployReads read =
        registry.findForDeploy(app, spec.environment(), spec.version(), Optional.empty());
    if (read.app().isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + app + "' does not exist"));
    }
    if (read.environment().isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound(
              "environment '" + app + "/" + spec.environment() + "' does not exist"));
    }
    App theApp = read.app().get();
    Environment env = read.environment().get();
    Optional<GateOverride> repair =
        rollback || origin.isPipeline()
            ? Optional.empty()
            : DeploymentPolicy.driftRepair(env, spec.version());
    Optional<Rejection> refusal =
        DeploymentPolicy.notOwnersRefusal(caller, env)
            .or(
                () ->
                    repair.isPresent()
                        ? Optional.empty()
                        : DeploymentPolicy.directDeployRefusal(theApp, env, origin.isPipeline()));
    if (refusal.isPresent()) {
      return Outcome.rejected(refusal.get());
    }
    List<Refused> breakable = new ArrayList<>();
    List<GateOverride> overrides = new ArrayList<>();
    repair.ifPresent(overrides::add);
    if (rollback) {
      Optional<Outcome<GateOverride>> throughFreeze =
          DeploymentPolicy.rollbackThroughFreeze(theApp, env);
      if (throughFreeze.isPresent()) {
        switch (throughFreeze.get()) {
          case Outcome.Rejected<GateOverride> r ->
              breakable.add(new Refused(GateOverride.FREEZE, r.rejection()));
          case Outcome.Accepted<GateOverride> a -> overrides.add(a.value());
        }
      }
    } else {
      DeploymentPolicy.frozenRefusal(theApp.freeze(), env)
          .ifPresent(r -> breakable.add(new Refused(GateOverride.FREEZE, r)));
      if (!origin.isPipeline()) {
        DeploymentPolicy.windowRefusal(theApp, env, now)
            .ifPresent(r -> breakable.add(new Refused(GateOverride.WINDOW, r)));
      }
    }
    Optional<Rejection> expired = ExpiryPolicy.expiredEnvironmentTakesNoRelease(env, now);
    if (expired.isPresent()) {
      return Outcome.rejected(expired.get());
    }
    Optional<Release> release = read.release();
    if (release.isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("release " + spec.version() + " of app '" + app + "' does not exist"));
    }
    if (release.get().intake().equals(Optional.of("rejected"))) {
      return Outcome.rejected(
          Rejection.conflict(
              "release "
                  + spec.version()
                  + " was rejected by the release intake ("
                  + release.get().intakeReason().orElse("no reason recorded")
                  + "); it cannot be deployed"));
    }
    // Every deployment of a release is made from the template revision the release is bound to.
    Outcome<TemplateRevision> revision = pinning.forRelease(theApp, release.get(), now);
    if (revision instanceof Outcome.Rejected<TemplateRevision> r) {
      return Outcome.rejected(r.rejection());
    }
    int templateRevision = ((Outcome.Accepted<TemplateRevision>) revision).value().number();
    return Outcome.accepted(
        new Checked(theApp, env, release.get(), templateRevision, breakable, overrides));
  }

  // ---------------------------------------------------------------- break-glass

  /**
   * An admin asks to force the deploy of {@code spec} past the gates that refuse it now (freeze,
   * window), with a reason. Nothing is deployed: a second admin confirms it ({@link #confirmable},
   * {@link #confirmPending}) within {@link BreakGlass#TIME_BOX}. Refused: a caller who is not an
   * admin, no reason, a deploy some other rule refuses, or one nothing refuses.
   */
  public Outcome<BreakGlass> askBreakGlass(
      Principal caller, String app, DeploymentSpec spec, String reason, String newId, Instant now) {
    Optional<Rejection> refused = breakGlassAskRefusal(caller, reason, specProblems(spec));
    if (refused.isPresent()) {
      return Outcome.rejected(refused.get());
    }
    return check(caller, app, spec, Origin.API, false, now)
        .flatMap(
            c ->
                ask(
                    caller,
                    app,
                    c.env().name(),
                    BreakGlass.Action.DEPLOY,
                    Optional.of(c.release().version()),
                    c.breakable(),
                    List.of(),
                    reason,
                    newId,
                    now));
  }

  /**
   * An admin asks to force the destroy of {@code environment} past its freeze, with a reason;
   * protection is not a gate break-glass goes past (unprotecting is an admin decision of its own).
   */
  public Outcome<BreakGlass> askBreakGlassDestroy(
      Principal caller,
      String app,
      String environment,
      Optional<String> confirm,
      String reason,
      String newId,
      Instant now) {
    Optional<Rejection> refused = breakGlassAskRefusal(caller, reason, List.of());
    if (refused.isPresent()) {
      return Outcome.rejected(refused.get());
    }
    return destroyCheck(caller, app, environment, confirm)
        .flatMap(
            c ->
                c.env().kind().isShared() && !confirm.equals(Optional.of(environment))
                    ? Outcome.<BreakGlass>rejected(
                        Rejection.invalid(
                            "confirm",
                            "environment '"
                                + app
                                + "/"
                                + environment
                                + "' is shared; confirm with its name ("
                                + environment
                                + ") to destroy it"))
                    : ask(
                        caller,
                        app,
                        environment,
                        BreakGlass.Action.DESTROY,
                        Optional.empty(),
                        c.breakable(),
                        List.of(),
                        reason,
                        newId,
                        now));
  }

  /**
   * Records an admin's request to force the promotion of {@code version} through {@code stages}
   * (the first is where it starts) past the gates each lists, which refused with {@code refusals}
   * (in the order of the stages); the promotion's rules are {@code PromotionService}'s, which
   * checked them. Nothing starts until a second admin confirms it.
   */
  public Outcome<BreakGlass> askBreakGlassPromotion(
      Principal caller,
      String app,
      String version,
      List<BreakGlass.StageGates> stages,
      List<String> refusals,
      String reason,
      String newId,
      Instant now) {
    Optional<Rejection> refused = breakGlassAskRefusal(caller, reason, List.of());
    if (refused.isPresent()) {
      return Outcome.rejected(refused.get());
    }
    List<Refused> breakable = new ArrayList<>();
    int sentence = 0;
    for (BreakGlass.StageGates stage : stages) {
      for (String gate : stage.gates()) {
        breakable.add(
            new Refused(
                gate,
                Rejection.conflict(sentence < refusals.size() ? refusals.get(sentence) : gate)));
        sentence++;
      }
    }
    return ask(
        caller,
        app,
        stages.getFirst().environment(),
        BreakGlass.Action.PROMOTE,
        Optional.of(version),
        breakable,
        stages,
        reason,
        newId,
        now);
  }

  /**
   * Refused when a break-glass is asked for: a malformed request ({@code problems}), no reason or a
   * reason too long, a caller who is not an admin.
   */
  public static Optional<Rejection> breakGlassAskRefusal(
      Principal caller, String reason, List<FieldError> problems) {
    List<FieldError> errors = new ArrayList<>(problems);
    if (reason == null || reason.isBlank() || reason.length() > BreakGlass.MAX_REASON) {
      errors.add(
          new FieldError(
              "breakGlass.reason",
              "is required, at most " + BreakGlass.MAX_REASON + " characters"));
    }
    if (!errors.isEmpty()) {
      return Optional.of(Rejection.invalid(errors));
    }
    if (!caller.may(Role.ADMIN)) {
      return Optional.of(
          Rejection.of(
              Rejection.Code.FORBIDDEN,
              caller.name() + " may not break glass: it needs the admin role"));
    }
    return Optional.empty();
  }

  private Outcome<BreakGlass> ask(
      Principal caller,
      String app,
      String environment,
      BreakGlass.Action action,
      Optional<String> version,
      List<Refused> breakable,
      List<BreakGlass.StageGates> stages,
      String reason,
      String id,
      Instant now) {
    if (breakable.isEmpty()) {
      return Outcome.rejected(
          Rejection.conflict(
              "no gate refuses this "
                  + (action == BreakGlass.Action.PROMOTE
                      ? "promotion of "
                          + version.orElse("?")
                          + " through "
                          + stages.stream()
                              .map(st -> "'" + app + "/" + st.environment() + "'")
                              .collect(java.util.stream.Collectors.joining(", "))
                      : action.wireName() + " into '" + app + "/" + environment + "'")
                  + " now: send it without breakGlass"));
    }
    BreakGlass glass =
        new BreakGlass(
            id,
            app,
            environment,
            action,
            version,
            breakable.stream().map(Refused::gate).distinct().toList(),
            breakable.stream().map(r -> r.rejection().detail()).toList(),
            stages,
            reason.strip(),
            caller.name(),
            now,
            now.plus(BreakGlass.TIME_BOX),
            BreakGlass.Status.PENDING,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            1);
    if (!(deployments.createBreakGlass(glass) instanceof WriteResult.Written)) {
      return Outcome.rejected(Rejection.conflict("break-glass id " + id + " is taken; retry"));
    }
    events.publish(new BreakGlassRequested(glass));
    return Outcome.accepted(glass);
  }

  /**
   * A second admin, {@code caller}, confirms {@code glass}, a deploy's or destroy's break-glass
   * that {@link #confirmable} accepted for them: its deploy or destroy is recorded, past the gates
   * it named (each recorded on the deployment), and it is announced. Refused: a deploy or destroy
   * some other rule (or another gate) refuses now. Called by {@code
   * PromotionService.confirmBreakGlass}, which confirms every break-glass and starts a promotion's
   * itself.
   */
  public Outcome<BreakGlass> confirmPending(Principal caller, BreakGlass glass, Instant now) {
    String id = glass.id();
    String deploymentId = "d-" + Secrets.hash("break-glass\n" + id).substring(0, 20);
    Outcome<Saved<Deployment>> done =
        switch (glass.action()) {
          case DEPLOY ->
              request(
                  caller,
                  glass.app(),
                  new DeploymentSpec(glass.environment(), glass.version().orElseThrow()),
                  Optional.empty(),
                  "break-glass:" + id,
                  deploymentId,
                  Origin.API,
                  false,
                  Optional.of(glass),
                  now);
          case DESTROY ->
              destroy(
                  new Principal(glass.requestedBy(), java.util.Set.of(Role.ADMIN)),
                  glass.app(),
                  glass.environment(),
                  Optional.of(glass.environment()),
                  deploymentId,
                  Origin.API,
                  Optional.of(glass),
                  caller.name(),
                  now);
          case PROMOTE ->
              Outcome.rejected(
                  Rejection.conflict(
                      "break-glass " + id + " is a promotion's: the promotions confirm it"));
        };
    if (!(done instanceof Outcome.Accepted<Saved<Deployment>> a)) {
      return Outcome.rejected(((Outcome.Rejected<Saved<Deployment>>) done).rejection());
    }
    BreakGlass confirmed = glass.confirmed(caller.name(), now, a.value().value().id());
    Outcome<BreakGlass> saved = saveConfirmed(glass, confirmed);
    if (saved instanceof Outcome.Accepted<BreakGlass>) {
      events.publish(new BreakGlassConfirmed(confirmed));
    }
    return saved;
  }

  /**
   * Records {@code confirmed}, the break-glass {@code read} once confirmed, if no one confirmed it
   * meanwhile. Nothing is announced: the caller does that once what it made is under way.
   */
  public Outcome<BreakGlass> saveConfirmed(BreakGlass read, BreakGlass confirmed) {
    if (!(deployments.saveBreakGlass(confirmed, read.revision()) instanceof WriteResult.Written)) {
      return Outcome.rejected(
          Rejection.conflict(
              "break-glass " + read.id() + " was confirmed at the same time; read it again"));
    }
    return Outcome.accepted(confirmed);
  }

  /**
   * The pending break-glass {@code id}, if {@code caller} may confirm it now: an admin other than
   * the one who asked, within its time box. Changes nothing.
   */
  public Outcome<BreakGlass> confirmable(Principal caller, String id, Instant now) {
    Optional<String> malformed = Identifier.BREAK_GLASS_ID.problem(id);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    if (!caller.may(Role.ADMIN)) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.FORBIDDEN,
              caller.name() + " may not confirm a break-glass: it needs the admin role"));
    }
    Optional<BreakGlass> found = deployments.findBreakGlass(id);
    if (found.isEmpty()) {
      return Outcome.rejected(Rejection.notFound("break-glass " + id + " does not exist"));
    }
    BreakGlass glass = found.get();
    switch (glass.statusAt(now)) {
      case CONFIRMED -> {
        return Outcome.rejected(
            Rejection.conflict(
                "break-glass "
                    + id
                    + " was confirmed by "
                    + glass.confirmedBy().orElse("?")
                    + glass
                        .promotionId()
                        .map(p -> " (promotion " + p + ")")
                        .orElse(" (deployment " + glass.deploymentId().orElse("?") + ")")));
      }
      case EXPIRED -> {
        return Outcome.rejected(
            Rejection.conflict(
                "break-glass "
                    + id
                    + " expired at "
                    + glass.expiresAt()
                    + " unconfirmed; ask again if it is still needed"));
      }
      case PENDING -> {}
    }
    if (glass.requestedBy().equals(caller.name())) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.SELF_APPROVAL,
              "break-glass "
                  + id
                  + " was asked for by "
                  + caller.name()
                  + "; a second, different admin must confirm it"));
    }
    return Outcome.accepted(glass);
  }

  public Outcome<BreakGlass> breakGlass(String id) {
    Optional<String> malformed = Identifier.BREAK_GLASS_ID.problem(id);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    return deployments
        .findBreakGlass(id)
        .<Outcome<BreakGlass>>map(Outcome::accepted)
        .orElseGet(
            () -> Outcome.rejected(Rejection.notFound("break-glass " + id + " does not exist")));
  }

  /** Every break-glass, newest first: for review. */
  public Outcome<Page<BreakGlass>> breakGlasses(PageRequest page) {
    return deployments.listBreakGlasses(page);
  }

  /** Writes of a renewed expiry lost to a concurrent write, read again and retried. */
  static final int MAX_RENEWAL_WRITES = 3;

  /**
   * A deploy into an ephemeral environment of an app that renews on deploy moves its expiry ({@link
   * ExpiryPolicy#renewedByDeploy}). Best effort after the deployment is recorded: a renewal lost to
   * concurrent writes leaves the expiry as it was, which the owner can still extend.
   */
  private void renewOnDeploy(App app, Environment read, Instant now) {
    Environment env = read;
    for (int attempt = 1; attempt <= MAX_RENEWAL_WRITES; attempt++) {
      Optional<Instant> renewed = ExpiryPolicy.renewedByDeploy(app, env, now);
      if (renewed.isEmpty()) {
        return;
      }
      if (registry.replaceEnvironment(env.expiringAt(renewed.get(), now), env.revision())
          instanceof WriteResult.Written) {
        return;
      }
      Optional<Environment> again = registry.findEnvironment(env.app(), env.name());
      if (again.isEmpty()) {
        return;
      }
      env = again.get();
    }
  }

  /**
   * Records the deployment a promotion's Deploy step asked for (its event carries the id, the
   * release and the step's task token). Idempotent: a repeated event finds the record. Nothing is
   * published: the event that asked is the announcement. A promotion a confirmed break-glass
   * started records on its deployment each gate of the stage that refuses now and that the
   * break-glass goes past (the promotion's Enter step let it through them).
   */
  public Outcome<Deployment> recordForPromotion(
      Principal requester,
      String app,
      String id,
      String environment,
      String version,
      String promotionId,
      String callbackToken,
      Instant now) {
    Optional<Deployment> existing = deployments.findDeployment(app, id);
    if (existing.isPresent()) {
      // Asked again by a re-run of the step: the deployment now answers the step waiting this time.
      if (!existing.get().callbackToken().equals(Optional.of(callbackToken))) {
        deployments.setCallbackToken(app, id, callbackToken);
      }
      return Outcome.accepted(existing.get());
    }
    Registry.DeployReads read = registry.findForDeploy(app, environment, version, Optional.empty());
    if (read.app().isEmpty() || read.environment().isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("environment '" + app + "/" + environment + "' does not exist"));
    }
    Optional<Release> release = read.release();
    if (release.isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("release " + version + " of app '" + app + "' does not exist"));
    }
    Outcome<TemplateRevision> revision = pinning.forRelease(read.app().get(), release.get(), now);
    if (revision instanceof Outcome.Rejected<TemplateRevision> r) {
      return Outcome.rejected(r.rejection());
    }
    Deployment d =
        new Deployment(
            id,
            app,
            environment,
            read.environment().get().tier(),
            DeploymentAction.DEPLOY,
            Optional.of(version),
            Optional.of(release.get().digest()),
            DeploymentStatus.REQUESTED,
            Optional.empty(),
            Optional.empty(),
            java.util.Map.of(),
            requester.name(),
            Origin.promotion(promotionId).name(),
            "promotion:" + promotionId + ":" + environment,
            0,
            now,
            Optional.empty(),
            Optional.empty(),
            Optional.of(callbackToken),
            breakGlassOverrides(promotionId, read.app().get(), read.environment().get(), now),
            Optional.of(((Outcome.Accepted<TemplateRevision>) revision).value().number()));
    return switch (deployments.createDeployment(d)) {
      case WriteResult.Written w -> Outcome.accepted(d);
      default ->
          deployments
              .findDeployment(app, id)
              .<Outcome<Deployment>>map(Outcome::accepted)
              .orElseGet(
                  () ->
                      Outcome.rejected(
                          Rejection.conflict("deployment " + id + " could not be recorded")));
    };
  }

  /**
   * What the deployment of a promotion's stage records of the break-glass that started the
   * promotion: each gate of the stage that refuses now and that it covers (a freeze made after it
   * was asked for is not).
   */
  private List<GateOverride> breakGlassOverrides(
      String promotionId, App app, Environment env, Instant now) {
    Optional<BreakGlass> glass =
        BreakGlass.idOfPromotion(promotionId)
            .flatMap(deployments::findBreakGlass)
            .filter(g -> g.startedPromotion(promotionId));
    if (glass.isEmpty()) {
      return List.of();
    }
    String confirmer = glass.get().confirmedBy().orElse("?");
    List<GateOverride> overrides = new ArrayList<>();
    env.freeze()
        .filter(f -> glass.get().coversFreeze(env.name(), f.at()))
        .flatMap(f -> DeploymentPolicy.frozenRefusal(app.freeze(), env))
        .ifPresent(
            r -> overrides.add(glass.get().override(GateOverride.FREEZE, r.detail(), confirmer)));
    DeploymentPolicy.windowRefusal(app, env, now)
        .filter(r -> glass.get().covers(env.name(), GateOverride.WINDOW))
        .ifPresent(
            r -> overrides.add(glass.get().override(GateOverride.WINDOW, r.detail(), confirmer)));
    return overrides;
  }

  /**
   * Puts an environment back on an earlier release: {@code version}, or the last one that succeeded
   * there before the one it runs. Like a promotion's deploy it needs no promotion: the release was
   * there before.
   */
  public Outcome<Saved<Deployment>> rollback(
      Principal caller,
      String app,
      String environment,
      Optional<String> version,
      String origin,
      String newId,
      Instant now) {
    Optional<String> malformed = version.flatMap(Identifier.RELEASE_VERSION::problem);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("version", malformed.get()));
    }
    Optional<Environment> env = registry.findEnvironment(app, environment);
    if (env.isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("environment '" + app + "/" + environment + "' does not exist"));
    }
    Optional<Rejection> notOwners = DeploymentPolicy.notOwnersRefusal(caller, env.get());
    if (notOwners.isPresent()) {
      return Outcome.rejected(notOwners.get());
    }
    Optional<String> current = env.get().deployedVersion();
    if (current.isEmpty()) {
      return Outcome.rejected(
          Rejection.conflict(
              "environment '"
                  + app
                  + "/"
                  + environment
                  + "' has never received a release; there is nothing to roll back"));
    }
    Optional<String> target = version;
    if (target.isEmpty()) {
      target = lastGoodBefore(app, environment, current.get());
      if (target.isEmpty()) {
        return Outcome.rejected(
            Rejection.conflict(
                "environment '"
                    + app
                    + "/"
                    + environment
                    + "' has no earlier successful release than "
                    + current.get()));
      }
    } else if (!hasSucceeded(app, environment, target.get())) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.ORDER_VIOLATION,
              "release "
                  + target.get()
                  + " never succeeded in '"
                  + app
                  + "/"
                  + environment
                  + "'; a rollback goes back to a release that did"));
    }
    return request(
        caller,
        app,
        new DeploymentSpec(environment, target.get()),
        Optional.empty(),
        "rollback:" + environment + ":" + target.get(),
        newId,
        new Origin(origin, true),
        true,
        now);
  }

  /** The newest release that succeeded in the environment, other than {@code current}. */
  public Optional<String> lastGoodBefore(String app, String environment, String current) {
    PageRequest page = new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT);
    for (int pages = 0; pages < 10; pages++) {
      if (!(deployments.history(app, environment, page)
          instanceof Outcome.Accepted<Page<Deployment>> a)) {
        return Optional.empty();
      }
      for (Deployment d : a.value().items()) {
        if (d.status() == DeploymentStatus.SUCCEEDED
            && d.action() == DeploymentAction.DEPLOY
            && d.version().isPresent()
            && !d.version().get().equals(current)) {
          return d.version();
        }
      }
      if (a.value().nextCursor().isEmpty()) {
        return Optional.empty();
      }
      page = new PageRequest(a.value().nextCursor(), PageRequest.MAX_LIMIT);
    }
    return Optional.empty();
  }

  private boolean hasSucceeded(String app, String environment, String version) {
    PageRequest page = new PageRequest(Optional.empty(), PageRequest.MAX_LIMIT);
    if (deployments.history(app, environment, page)
        instanceof Outcome.Accepted<Page<Deployment>> a) {
      return a.value().items().stream()
          .anyMatch(
              d ->
                  d.status() == DeploymentStatus.SUCCEEDED
                      && d.version().equals(Optional.of(version)));
    }
    return false;
  }

  /**
   * Asks the environment's provisioner to remove everything it made, then the registration.
   * Protected environments are refused; shared ones need {@code confirm} to repeat their name.
   */
  public Outcome<Saved<Deployment>> destroy(
      Principal caller,
      String app,
      String environment,
      Optional<String> confirm,
      String newId,
      Instant now) {
    return destroy(caller, app, environment, confirm, newId, Origin.API, now);
  }

  /**
   * As {@link #destroy(Principal, String, String, Optional, String, Instant)}, from {@code origin}.
   */
  public Outcome<Saved<Deployment>> destroy(
      Principal caller,
      String app,
      String environment,
      Optional<String> confirm,
      String newId,
      Origin origin,
      Instant now) {
    return destroy(
        caller, app, environment, confirm, newId, origin, Optional.empty(), caller.name(), now);
  }

  /** What a destroy would be: its environment, and the refusals a break-glass may go past. */
  private record DestroyChecked(Environment env, List<Refused> breakable) {}

  private Outcome<DestroyChecked> destroyCheck(
      Principal caller, String app, String environment, Optional<String> confirm) {
    Optional<Environment> found = registry.findEnvironment(app, environment);
    if (found.isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("environment '" + app + "/" + environment + "' does not exist"));
    }
    Environment env = found.get();
    String what = "environment '" + app + "/" + environment + "'";
    Optional<Rejection> notOwners = DeploymentPolicy.notOwnersRefusal(caller, env);
    if (notOwners.isPresent()) {
      return Outcome.rejected(notOwners.get());
    }
    List<Refused> breakable = new ArrayList<>();
    DeploymentPolicy.frozenRefusal(
            registry.findApp(app).map(App::freeze).orElse(FreezePolicy.DEFAULT), env)
        .ifPresent(r -> breakable.add(new Refused(GateOverride.FREEZE, r)));
    if (!breakable.isEmpty() && !env.isProtected()) {
      // Frozen is what this destroy first runs into (the name to confirm comes after it).
      return Outcome.accepted(new DestroyChecked(env, breakable));
    }
    if (env.isProtected()) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.PROTECTED, what + " is protected; unprotect it before destroying it"));
    }
    if (env.kind().isShared() && !confirm.equals(Optional.of(environment))) {
      return Outcome.rejected(
          Rejection.invalid(
              "confirm",
              what + " is shared; confirm with its name (" + environment + ") to destroy it"));
    }
    return Outcome.accepted(new DestroyChecked(env, breakable));
  }

  private Outcome<Saved<Deployment>> destroy(
      Principal caller,
      String app,
      String environment,
      Optional<String> confirm,
      String newId,
      Origin origin,
      Optional<BreakGlass> glass,
      String confirmer,
      Instant now) {
    Outcome<DestroyChecked> checked = destroyCheck(caller, app, environment, confirm);
    if (!(checked instanceof Outcome.Accepted<DestroyChecked> accepted)) {
      return Outcome.rejected(((Outcome.Rejected<DestroyChecked>) checked).rejection());
    }
    Environment env = accepted.value().env();
    List<GateOverride> overrides = new ArrayList<>();
    for (Refused refused : accepted.value().breakable()) {
      if (glass.isEmpty() || !glass.get().gates().contains(refused.gate())) {
        return Outcome.rejected(refused.rejection());
      }
      overrides.add(glass.get().override(refused.gate(), refused.rejection().detail(), confirmer));
    }
    if (env.kind().isShared() && !confirm.equals(Optional.of(environment))) {
      return Outcome.rejected(
          Rejection.invalid(
              "confirm",
              "environment '"
                  + app
                  + "/"
                  + environment
                  + "' is shared; confirm with its name ("
                  + environment
                  + ") to destroy it"));
    }
    // One destroy per environment at a time: a repeated DELETE (or a second delivery of the
    // reaper's schedule) finds the destroy already under way. After a destroy that ended, the next
    // attempt's id is derived too, so two callers retrying at once still make one destroy.
    String id = newId;
    for (int attempt = 0; attempt < MAX_DERIVED_DESTROY_IDS; attempt++) {
      String candidate = destroyIdFor(app, environment, env.createdAt(), attempt);
      Optional<Deployment> earlier = deployments.findDeployment(app, candidate);
      if (earlier.isEmpty()) {
        id = candidate;
        break;
      }
      if (!earlier.get().isTerminal()) {
        return Outcome.accepted(new Saved<>(earlier.get(), false));
      }
    }
    Deployment destroy =
        new Deployment(
            id,
            app,
            environment,
            env.tier(),
            DeploymentAction.DESTROY,
            Optional.empty(),
            Optional.empty(),
            DeploymentStatus.REQUESTED,
            Optional.empty(),
            Optional.empty(),
            java.util.Map.of(),
            caller.name(),
            origin.name(),
            "destroy:" + environment,
            0,
            now,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            overrides,
            Optional.empty());
    return record(destroy, destroy.requestHash())
        .map(saved -> saved.created() ? ranBefore(saved, env) : saved);
  }

  /** A deployment just recorded, with the release its environment ran when it was checked. */
  private static Saved<Deployment> ranBefore(Saved<Deployment> saved, Environment env) {
    return new Saved<>(saved.value(), true, env.deployedVersion().map(Saved::release));
  }

  public Outcome<Deployment> get(String app, String id) {
    Optional<String> malformed = Identifier.DEPLOYMENT_ID.problem(id);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    return deployments
        .findDeployment(app, id)
        .<Outcome<Deployment>>map(Outcome::accepted)
        .orElseGet(
            () ->
                Outcome.rejected(
                    Rejection.notFound(
                        "deployment " + id + " of app '" + app + "' does not exist")));
  }

  public Outcome<Page<Deployment>> history(String app, String environment, PageRequest page) {
    if (registry.findApp(app).isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + app + "' does not exist"));
    }
    return deployments.history(app, environment, page);
  }

  private Outcome<Saved<Deployment>> record(Deployment deployment, String requestHash) {
    return switch (deployments.createDeployment(deployment)) {
      case WriteResult.Written w -> {
        events.publish(new DeploymentRequested(deployment));
        yield Outcome.accepted(new Saved<>(deployment, true));
      }
      case WriteResult.AlreadyExists a ->
          deployments
              .findDeployment(deployment.app(), deployment.id())
              .map(d -> replay(d, requestHash))
              .orElseGet(
                  () ->
                      Outcome.rejected(
                          Rejection.conflict(
                              "deployment " + deployment.id() + " changed meanwhile; retry")));
      default ->
          Outcome.rejected(
              Rejection.conflict(
                  "deployment " + deployment.id() + " could not be recorded; retry"));
    };
  }

  /**
   * A retried request: the same deployment. While it is still {@code requested} its event is sent
   * again, since the first attempt may have stopped between recording it and announcing it.
   */
  private Outcome<Saved<Deployment>> replay(Deployment earlier, String requestHash) {
    if (!earlier.requestHash().equals(requestHash)) {
      return Outcome.rejected(
          Rejection.conflict(
              "this idempotency key was used for another request (deployment "
                  + earlier.id()
                  + "); use a new key for a new request"));
    }
    if (earlier.status() == DeploymentStatus.REQUESTED) {
      events.publish(new DeploymentRequested(earlier));
    }
    return Outcome.accepted(new Saved<>(earlier, false));
  }

  /** Destroys of one environment after the first ones that ended take random ids. */
  static final int MAX_DERIVED_DESTROY_IDS = 10;

  /**
   * {@code x-} and 20 hex digits of SHA-256(app, environment, its creation time[, attempt]): the
   * first attempt keeps the id earlier versions derived.
   */
  static String destroyIdFor(String app, String environment, Instant createdAt, int attempt) {
    String seed =
        app + "\n" + environment + "\n" + createdAt + (attempt == 0 ? "" : "\n" + attempt);
    return "x-" + Secrets.hash(seed).substring(0, 20);
  }

  /**
   * {@code d-} and 20 hex digits of SHA-256(app, key): stable, so retries land on the same item.
   */
  public static String deploymentIdFor(String app, String idempotencyKey) {
    return "d-" + Secrets.hash(app + "\n" + idempotencyKey).substring(0, 20);
  }
}
