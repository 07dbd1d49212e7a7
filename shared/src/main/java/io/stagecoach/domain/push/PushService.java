package io.stagecoach.domain.push;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.ExpiryPolicy;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.ReleaseRegistration;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.domain.registry.Secrets;
import io.stagecoach.domain.registry.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pushes to CodeCommit: finds the apps built from the repository, lets {@link PushDecision} decide,
 * and carries the decision out through the same use cases the API calls. A push on a pipeline
 * branch registers the commit as a release and promotes it; a push on an ephemeral branch registers
 * it and deploys it into the branch's own environment; deleting that branch destroys the
 * environment, if it is ephemeral.
 *
 * <p>EventBridge delivers at least once, so everything is keyed on the event's id: a redelivery
 * finds the release, the promotion and the deployment it made the first time. Business refusals
 * come back as {@link Result.Refused} (nothing to retry); technical failures throw.
 */
public final class PushService {

  /** Who acts for a push whose event names no one. */
  public static final String PRINCIPAL = "codecommit";

  /** More than one app already means the push is ignored, so there is no need to read them all. */
  static final int APPS_READ = 10;

  /**
   * Starts of the same event's promotion that failed before the workflow began (each leaves a
   * failed promotion).
   */
  static final int MAX_PROMOTION_STARTS = 5;

  /** Writes of the ephemeral environment lost to a concurrent write, read again and retried. */
  static final int MAX_ENVIRONMENT_WRITES = 3;

  /** How a promotion whose workflow never began is marked ({@link PromotionService#start}). */
  private static final String NOT_STARTED = "not_started";

  /**
   * The delivery that reported the change: the event's id (the same on redelivery) and the
   * repository's region.
   */
  public record Delivery(String eventId, String region) {}

  /** What became of a push. */
  public sealed interface Result {

    /** The decision was carried out; {@code detail} says what was done. */
    record Done(PushDecision decision, String detail) implements Result {}

    /**
     * A rule refused the decision. What the registry can tell up front (the branch's environment)
     * is refused before the release is registered; a later refusal (the promotion's start, the
     * deployment) leaves the registered release.
     */
    record Refused(PushDecision decision, Rejection rejection) implements Result {}

    /** Nothing to do, and why. */
    record Ignored(String reason) implements Result {}
  }

  private final Registry registry;
  private final RegistryService rules;
  private final ReleaseRegistration releases;
  private final DeploymentService deployments;
  private final PromotionService promotions;
  private final EventPublisher events;

  public PushService(
      Registry registry,
      DeploymentService deployments,
      PromotionService promotions,
      EventPublisher events) {
    this.registry = registry;
    this.rules = new RegistryService(registry);
    this.releases = new ReleaseRegistration(rules, events);
    this.deployments = deployments;
    this.promotions = promotions;
    this.events = events;
  }

  /**
   * The one who pushed, when the event names them ({@code callerUserArn}) and the name fits a
   * principal's; {@value #PRINCIPAL} otherwise. Either may deploy, nothing more.
   */
  public static Principal pusher(Optional<String> caller) {
    String name = caller.filter(Identifier.PRINCIPAL_NAME::accepts).orElse(PRINCIPAL);
    return new Principal(name, Set.of(Role.DEPLOYER));
  }

  /**
   * Who owns an ephemeral environment a push creates, and so is warned before it expires and may
   * extend it: the pusher the event names; when it names none ({@value #PRINCIPAL} acts), the app's
   * {@code ephemeral.defaultOwner}; without one, {@value #PRINCIPAL}.
   */
  public static String ownerOf(Principal pusher, App app) {
    if (!pusher.name().equals(PRINCIPAL)) {
      return pusher.name();
    }
    return app.ephemeral().defaultOwner().orElse(PRINCIPAL);
  }

  public Result handle(Principal caller, RepositoryChange change, Delivery delivery, Instant now) {
    Outcome<Page<App>> read =
        registry.listAppsByRepository(
            change.repository(), new PageRequest(Optional.empty(), APPS_READ));
    List<App> apps = read instanceof Outcome.Accepted<Page<App>> a ? a.value().items() : List.of();
    List<RepositoryMapping> mappings =
        apps.stream().flatMap(app -> app.repository().stream()).toList();
    PushDecision decision = PushDecision.decide(change, mappings, now);
    return switch (decision) {
      case PushDecision.Ignored i -> new Result.Ignored(i.reason());
      case PushDecision.RegisterAndPromote r ->
          registerAndPromote(caller, appOf(apps, r.app()), r, delivery, now);
      case PushDecision.DeployEphemeral d ->
          deployEphemeral(caller, appOf(apps, d.app()), d, delivery, now);
      case PushDecision.DestroyEphemeral d -> destroyEphemeral(caller, d, delivery, now);
    };
  }

  private Result registerAndPromote(
      Principal caller,
      App app,
      PushDecision.RegisterAndPromote decision,
      Delivery delivery,
      Instant now) {
    Outcome<Release> registered =
        register(caller, app, decision.commit(), decision.version(), delivery, now);
    if (registered instanceof Outcome.Rejected<Release> r) {
      return new Result.Refused(decision, r.rejection());
    }
    for (int attempt = 1; attempt <= MAX_PROMOTION_STARTS; attempt++) {
      String id = promotionIdFor(app.name(), delivery.eventId(), attempt);
      Optional<Promotion> earlier =
          promotions.get(app.name(), id) instanceof Outcome.Accepted<Promotion> a
              ? Optional.of(a.value())
              : Optional.empty();
      if (earlier.isPresent() && earlier.get().failure().equals(Optional.of(NOT_STARTED))) {
        continue;
      }
      if (earlier.isPresent()) {
        return new Result.Done(
            decision,
            "release "
                + decision.version()
                + " registered; promotion "
                + id
                + " was started by an earlier delivery of this event");
      }
      return switch (promotions.start(
          caller, app.name(), decision.version(), Optional.empty(), Optional.empty(), id, now)) {
        case Outcome.Accepted<Promotion> started ->
            new Result.Done(
                decision,
                "release "
                    + decision.version()
                    + " registered; promotion "
                    + started.value().id()
                    + " started");
        case Outcome.Rejected<Promotion> refused ->
            new Result.Refused(decision, refused.rejection());
      };
    }
    throw new IllegalStateException(
        "the promotion of release "
            + decision.version()
            + " of app '"
            + app.name()
            + "' failed to start "
            + MAX_PROMOTION_STARTS
            + " times");
  }

  private Result deployEphemeral(
      Principal caller,
      App app,
      PushDecision.DeployEphemeral decision,
      Delivery delivery,
      Instant now) {
    // Refused before anything is registered: a branch named like a stage, an environment of
    // another kind, a first stage without an environment to take the account from.
    Optional<Environment> current = registry.findEnvironment(app.name(), decision.environment());
    Outcome<Environment> allowed =
        ephemeralSpec(caller, app, decision, current, now)
            .flatMap(
                spec ->
                    rules.checkEnvironment(caller, app.name(), decision.environment(), spec, now));
    if (allowed instanceof Outcome.Rejected<Environment> r) {
      return new Result.Refused(decision, r.rejection());
    }
    Outcome<Release> registered =
        register(caller, app, decision.commit(), decision.version(), delivery, now);
    if (registered instanceof Outcome.Rejected<Release> r) {
      return new Result.Refused(decision, r.rejection());
    }
    Outcome<Environment> environment = ephemeralEnvironment(caller, app, decision, now);
    if (environment instanceof Outcome.Rejected<Environment> r) {
      return new Result.Refused(decision, r.rejection());
    }
    String key = "codecommit:" + Secrets.hash(delivery.eventId()).substring(0, 32);
    return switch (deployments.request(
        caller,
        app.name(),
        new DeploymentSpec(decision.environment(), decision.version()),
        Optional.of(key),
        "codecommit:" + decision.environment() + ":" + decision.version(),
        DeploymentService.deploymentIdFor(app.name(), key),
        DeploymentService.Origin.API,
        now)) {
      case Outcome.Accepted<Saved<Deployment>> a ->
          new Result.Done(
              decision,
              "release "
                  + decision.version()
                  + " registered; deployment "
                  + a.value().value().id()
                  + " into ephemeral environment '"
                  + decision.environment()
                  + "' (expires "
                  + ((Outcome.Accepted<Environment>) environment)
                      .value()
                      .expiresAt()
                      .map(Instant::toString)
                      .orElse("never")
                  + ")");
      case Outcome.Rejected<Saved<Deployment>> r -> new Result.Refused(decision, r.rejection());
    };
  }

  /**
   * Creates the branch's environment (ephemeral, dev tier, in the account and region of the app's
   * first stage) or moves the expiry of the existing one; an expiry someone set later than the
   * push's is kept.
   */
  private Outcome<Environment> ephemeralEnvironment(
      Principal caller, App app, PushDecision.DeployEphemeral decision, Instant now) {
    for (int attempt = 1; ; attempt++) {
      Optional<Environment> current = registry.findEnvironment(app.name(), decision.environment());
      Outcome<EnvironmentSpec> spec = ephemeralSpec(caller, app, decision, current, now);
      if (spec instanceof Outcome.Rejected<EnvironmentSpec> r) {
        return Outcome.rejected(r.rejection());
      }
      Outcome<Saved<Environment>> saved =
          rules.putEnvironment(
              caller,
              app.name(),
              decision.environment(),
              ((Outcome.Accepted<EnvironmentSpec>) spec).value(),
              current.map(Environment::revision),
              now);
      boolean lostRace =
          saved instanceof Outcome.Rejected<Saved<Environment>> r
              && r.rejection().code() == Rejection.Code.CONFLICT;
      if (!lostRace || attempt == MAX_ENVIRONMENT_WRITES) {
        return saved.map(Saved::value);
      }
    }
  }

  /**
   * The branch's environment as the push would write it, given the one registered ({@code
   * current}): only an ephemeral environment is a branch's; a new one takes the account and region
   * of the app's first stage, and is owned as {@link #ownerOf} says.
   */
  private Outcome<EnvironmentSpec> ephemeralSpec(
      Principal caller,
      App app,
      PushDecision.DeployEphemeral decision,
      Optional<Environment> current,
      Instant now) {
    String what = "environment '" + app.name() + "/" + decision.environment() + "'";
    EnvironmentSpec spec;
    if (current.isPresent()) {
      Environment env = current.get();
      if (env.kind() != EnvironmentKind.EPHEMERAL) {
        return Outcome.rejected(
            Rejection.conflict(
                what
                    + " is "
                    + env.kind().wireName()
                    + "; a push to branch "
                    + decision.branch()
                    + " deploys only into an ephemeral environment"));
      }
      // Moved to the push's expiry if that is later, never past the app's maximum lifetime.
      Optional<Instant> expiresAt =
          env.expiresAt()
              .flatMap(at -> ExpiryPolicy.movedTo(app.ephemeral(), env, decision.expiresAt()))
              .or(env::expiresAt);
      spec =
          new EnvironmentSpec(
              Optional.of(EnvironmentKind.EPHEMERAL.wireName()),
              Optional.of(env.tier().wireName()),
              Optional.of(env.account()),
              Optional.of(env.region()),
              env.config(),
              references(env),
              Optional.of(env.isProtected()),
              Optional.of(env.owner()),
              expiresAt);
    } else {
      String firstStage = app.pipeline().get(0).environment();
      Optional<Environment> first = registry.findEnvironment(app.name(), firstStage);
      if (first.isEmpty()) {
        return Outcome.rejected(
            Rejection.conflict(
                "stage '"
                    + firstStage
                    + "' of app '"
                    + app.name()
                    + "' has no environment registered yet; an ephemeral environment takes its account and region"));
      }
      spec =
          new EnvironmentSpec(
              Optional.of(EnvironmentKind.EPHEMERAL.wireName()),
              Optional.of(Tier.DEV.wireName()),
              Optional.of(first.get().account()),
              Optional.of(first.get().region()),
              Map.of(),
              Map.of(),
              Optional.empty(),
              Optional.of(ownerOf(caller, app)),
              Optional.of(
                  ExpiryPolicy.earlier(
                      decision.expiresAt(), now.plus(app.ephemeral().maxLifetime()))));
    }
    return Outcome.accepted(spec);
  }

  private Result destroyEphemeral(
      Principal caller, PushDecision.DestroyEphemeral decision, Delivery delivery, Instant now) {
    Optional<Environment> env = registry.findEnvironment(decision.app(), decision.environment());
    if (env.isEmpty()) {
      return new Result.Ignored(
          "branch "
              + decision.branch()
              + " of app "
              + decision.app()
              + " was deleted; it has"
              + " no environment '"
              + decision.environment()
              + "' to destroy");
    }
    if (env.get().kind() != EnvironmentKind.EPHEMERAL) {
      // A branch may be named like a shared stage or someone's personal environment: those are
      // never a branch's.
      return new Result.Refused(
          decision,
          Rejection.conflict(
              "environment '"
                  + decision.app()
                  + "/"
                  + decision.environment()
                  + "' is "
                  + env.get().kind().wireName()
                  + "; deleting branch "
                  + decision.branch()
                  + " destroys only an ephemeral environment"));
    }
    String newId =
        "d-"
            + Secrets.hash("codecommit\n" + decision.app() + "\n" + delivery.eventId())
                .substring(0, 20);
    return switch (deployments.destroy(
        caller, decision.app(), decision.environment(), Optional.empty(), newId, now)) {
      case Outcome.Accepted<Saved<Deployment>> a ->
          new Result.Done(
              decision,
              "destroy "
                  + a.value().value().id()
                  + " of ephemeral environment '"
                  + decision.environment()
                  + "' requested");
      case Outcome.Rejected<Saved<Deployment>> r -> new Result.Refused(decision, r.rejection());
    };
  }

  /**
   * Registers the pushed commit (again: a redelivery finds the same release) and announces it, so
   * the release intake checks it as it checks the API's. A failed announcement throws: the push is
   * retried.
   */
  private Outcome<Release> register(
      Principal caller, App app, String commit, String version, Delivery delivery, Instant now) {
    ReleaseSpec spec = app.repository().orElseThrow().releaseOf(commit, version, delivery.region());
    return releases.register(caller, app.name(), spec, now).map(Saved::value);
  }

  /**
   * {@code pr-} and 12 hex digits of SHA-256(app, event id); a later attempt after a failed start
   * adds {@code -n}.
   */
  static String promotionIdFor(String app, String eventId, int attempt) {
    String id = "pr-" + Secrets.hash("codecommit\n" + app + "\n" + eventId).substring(0, 12);
    return attempt == 1 ? id : id + "-" + attempt;
  }

  private static App appOf(List<App> apps, String name) {
    return apps.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }

  private static Map<String, String> references(Environment env) {
    Map<String, String> refs = new TreeMap<>();
    env.secrets().forEach((k, v) -> refs.put(k, v.reference()));
    return refs;
  }
}
