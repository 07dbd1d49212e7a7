package io.stagecoach.domain.promotion;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentPolicy;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.drift.DriftGate;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.pipeline.DeploymentWindow;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.pipeline.Verification;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import io.stagecoach.domain.registry.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Promotions: starting one (order, freeze and window checked up front), the approvals people
 * decide, and the steps the promotion workflow calls for each stage (enter, request approval,
 * complete, promote, finish, fail). Everything is recorded on the promotion, and every transition
 * is an event.
 */
public final class PromotionService {

  /** A gate refused a stage: the workflow fails with this error (its {@code code} is the API's). */
  public static final class GateClosed extends RuntimeException {
    private final Rejection.Code code;

    public GateClosed(Rejection.Code code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public Rejection.Code code() {
      return code;
    }
  }

  /**
   * Another promotion holds the stage and the app queues promotions: the workflow tries again
   * later.
   */
  public static final class StageBusy extends RuntimeException {
    public StageBusy(String message) {
      super(message, null, false, false);
    }
  }

  /** The stage's verification failed; the environment is being rolled back. */
  public static final class VerificationFailed extends RuntimeException {
    public VerificationFailed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The promotion (or its approval) changed between this step's read and its conditional write: a
   * concurrent step, a decision or a redelivered invocation won the race. Nothing of this step was
   * written, and the step is safe to run again, on what the registry now holds.
   */
  public static final class ConcurrentChange extends RuntimeException {
    public ConcurrentChange(String message) {
      super(message, null, false, false);
    }
  }

  /** The promotion ended already (superseded, failed): its workflow has nothing left to do. */
  public static final class PromotionStopped extends RuntimeException {
    public PromotionStopped(String message) {
      super(message, null, false, false);
    }
  }

  /** Checks a stage after its deployment; the answer is the reason it failed, if it did. */
  public interface Verifier {
    Optional<String> failure(Verification verification, Map<String, String> outputs);
  }

  /**
   * What the Enter step tells the workflow: wait for the stage's window ({@code wait}, until {@code
   * opensAt}), wait for an approval first ({@code approve}), deploy now ({@code deploy}), or skip a
   * stage promoted already; with the deployment's id.
   */
  public record Entered(String next, String deploymentId, Optional<Instant> opensAt) {
    public Entered(String next, String deploymentId) {
      this(next, deploymentId, Optional.empty());
    }
  }

  /** What a stage's window says at a moment: go on, wait until it opens, or do not wait. */
  sealed interface WindowGate {
    record Open() implements WindowGate {}

    record WaitUntil(Instant opensAt, String reason) implements WindowGate {}

    record TooLate(String reason) implements WindowGate {}
  }

  /**
   * The stage's window at {@code now}, for a promotion waiting there since {@code waitingSince}:
   * open; closed and opening within the stage's {@code maxWait} of then (wait); or not (fail {@code
   * window_closed}).
   */
  static WindowGate windowGate(Stage stage, String environment, Instant waitingSince, Instant now) {
    if (stage.window().isEmpty() || stage.window().get().isOpenAt(now)) {
      return new WindowGate.Open();
    }
    DeploymentWindow w = stage.window().get();
    Instant opensAt = w.nextOpening(now);
    Instant deadline = waitingSince.plus(stage.maxWait());
    if (opensAt.isAfter(deadline)) {
      return new WindowGate.TooLate(
          "'"
              + environment
              + "' takes releases "
              + w.describe()
              + " only; it opens next at "
              + opensAt
              + ", later than the stage waits (maxWaitHours "
              + stage.maxWait().toHours()
              + ", until "
              + deadline
              + ")");
    }
    return new WindowGate.WaitUntil(
        opensAt,
        "waiting for the window of '"
            + environment
            + "' ("
            + w.describe()
            + "): it opens at "
            + opensAt);
  }

  /** How often a promotion held by the drift gate looks again. */
  public static final Duration DRIFT_RECHECK = Duration.ofMinutes(5);

  private final TierPlanner planner;
  private final Registry registry;
  private final Promotions promotions;
  private final PromotionRunner runner;
  private final DeploymentService deployments;
  private final EventPublisher events;
  private final PromotionGates gates;

  /** Promotions whose approvals come without a plan (no provisioner can be asked). */
  public PromotionService(
      Registry registry,
      Promotions promotions,
      PromotionRunner runner,
      DeploymentService deployments,
      EventPublisher events) {
    this(registry, promotions, runner, deployments, events, TierPlanner.NONE);
  }

  /**
   * @param planner asked, when a stage's approval is requested, what deploying the release there
   *     would change: the approval carries that plan
   */
  public PromotionService(
      Registry registry,
      Promotions promotions,
      PromotionRunner runner,
      DeploymentService deployments,
      EventPublisher events,
      TierPlanner planner) {
    this.planner = planner;
    this.registry = registry;
    this.promotions = promotions;
    this.runner = runner;
    this.deployments = deployments;
    this.events = events;
    this.gates = new PromotionGates(registry, promotions, deployments);
  }

  /** Every gate of every stage of {@code promotion}, as it stands at {@code now}. */
  public List<Gate.OfStage> gates(Promotion promotion, Instant now) {
    return gates.explain(promotion, now);
  }

  /**
   * Whether {@code version} could be promoted to {@code to} now, and if not every reason; nothing
   * is started or changed.
   */
  public Outcome<Eligibility> eligibility(
      String app, String version, Optional<String> to, Instant now) {
    return gates.eligibility(app, version, to, now);
  }

  // ------------------------------------------------------------ API

  /**
   * Starts taking {@code version} through the pipeline, from {@code from} (default: the first stage
   * that does not run it yet) to {@code to} (default: the last stage). Every stage before {@code
   * from} must run the release already ({@code order_violation} otherwise); the first stage must
   * not be frozen, and its window, when closed, must open within the stage's maxWait (the promotion
   * then waits for it).
   */
  public Outcome<Promotion> start(
      Principal caller,
      String appName,
      String version,
      Optional<String> from,
      Optional<String> to,
      String newId,
      Instant now) {
    return prepare(appName, version, from, to)
        .flatMap(
            prepared -> {
              Optional<GateClosed> closed =
                  gate(
                      prepared.app().pipeline().get(prepared.first()),
                      prepared.envs().get(prepared.first()),
                      now);
              if (closed.isPresent()) {
                return Outcome.rejected(
                    Rejection.of(closed.get().code(), closed.get().getMessage()));
              }
              return begin(caller.name(), prepared, newId, Optional.empty(), now);
            });
  }

  /**
   * An admin asks to force the promotion of {@code version} (from {@code from} to {@code to}, as
   * {@link #start}) past the gates that refuse its stages now: the freeze and the window of every
   * stage it goes through. Nothing starts: a second admin confirms it ({@link #confirmBreakGlass})
   * within {@link BreakGlass#TIME_BOX}. Refused: a caller who is not an admin, no reason, a
   * promotion some other rule refuses, or one no gate refuses.
   */
  public Outcome<BreakGlass> askBreakGlass(
      Principal caller,
      String appName,
      String version,
      Optional<String> from,
      Optional<String> to,
      String reason,
      String newId,
      Instant now) {
    Optional<Rejection> refused = DeploymentService.breakGlassAskRefusal(caller, reason, List.of());
    if (refused.isPresent()) {
      return Outcome.rejected(refused.get());
    }
    return prepare(appName, version, from, to)
        .flatMap(
            prepared -> {
              List<BreakGlass.StageGates> stages = new ArrayList<>();
              List<String> refusals = new ArrayList<>();
              for (int i = prepared.first(); i <= prepared.last(); i++) {
                Environment env = prepared.envs().get(i);
                List<String> gates = new ArrayList<>();
                DeploymentPolicy.frozenRefusal(prepared.app().freeze(), env)
                    .ifPresent(
                        r -> {
                          gates.add(GateOverride.FREEZE);
                          refusals.add(r.detail());
                        });
                DeploymentPolicy.windowRefusal(prepared.app(), env, now)
                    .ifPresent(
                        r -> {
                          gates.add(GateOverride.WINDOW);
                          refusals.add(r.detail());
                        });
                stages.add(new BreakGlass.StageGates(env.name(), gates));
              }
              return deployments.askBreakGlassPromotion(
                  caller, appName, version, stages, refusals, reason, newId, now);
            });
  }

  /**
   * A second admin confirms a pending break-glass within its time box. A promotion's starts the
   * promotion (its id derived from the break-glass's, {@link BreakGlass#promotionIdFor}), asked for
   * by the admin who asked, whose stages then go past the gates it covers (approvals still apply);
   * a deploy's or destroy's is {@link DeploymentService#confirmPending}'s. Refused: not an admin,
   * the admin who asked ({@code self_approval}), an expired or confirmed one, a promotion some
   * other rule refuses now, or whose first stage a gate it does not cover refuses.
   */
  public Outcome<BreakGlass> confirmBreakGlass(Principal caller, String id, Instant now) {
    Outcome<BreakGlass> confirmable = deployments.confirmable(caller, id, now);
    if (!(confirmable instanceof Outcome.Accepted<BreakGlass> pending)) {
      return confirmable;
    }
    BreakGlass glass = pending.value();
    if (glass.action() != BreakGlass.Action.PROMOTE) {
      return deployments.confirmPending(caller, glass, now);
    }
    Outcome<Prepared> checked =
        prepare(
            glass.app(),
            glass.version().orElseThrow(),
            Optional.of(glass.stages().getFirst().environment()),
            Optional.of(glass.stages().getLast().environment()));
    if (!(checked instanceof Outcome.Accepted<Prepared> accepted)) {
      return Outcome.rejected(((Outcome.Rejected<Prepared>) checked).rejection());
    }
    Prepared prepared = accepted.value();
    Stage first = prepared.app().pipeline().get(prepared.first());
    Environment firstEnv = prepared.envs().get(prepared.first());
    Optional<GateClosed> closed =
        frozen(firstEnv)
            .filter(f -> !glass.coversFreeze(firstEnv.name(), firstEnv.freeze().orElseThrow().at()))
            .or(
                () ->
                    glass.covers(firstEnv.name(), GateOverride.WINDOW)
                            || !(windowGate(first, firstEnv.name(), now, now)
                                instanceof WindowGate.TooLate late)
                        ? Optional.empty()
                        : Optional.of(new GateClosed(Rejection.Code.WINDOW_CLOSED, late.reason())));
    if (closed.isPresent()) {
      return Outcome.rejected(Rejection.of(closed.get().code(), closed.get().getMessage()));
    }
    String promotionId = BreakGlass.promotionIdFor(glass.id());
    BreakGlass confirmed = glass.confirmedPromotion(caller.name(), now, promotionId);
    // Confirmed before the workflow starts: its first step finds the break-glass that lets it
    // through.
    Outcome<BreakGlass> saved = deployments.saveConfirmed(glass, confirmed);
    if (!(saved instanceof Outcome.Accepted<BreakGlass>)) {
      return saved;
    }
    Outcome<Promotion> started =
        begin(glass.requestedBy(), prepared, promotionId, Optional.of(glass.id()), now);
    if (started instanceof Outcome.Rejected<Promotion> r) {
      return Outcome.rejected(r.rejection());
    }
    events.publish(new BreakGlassConfirmed(confirmed));
    return saved;
  }

  private Optional<BreakGlass> breakGlassOf(Promotion p) {
    return breakGlassOf(deployments, p);
  }

  /** The confirmed break-glass that started {@code p}, if one did. */
  static Optional<BreakGlass> breakGlassOf(DeploymentService deployments, Promotion p) {
    return p.breakGlassId()
        .flatMap(
            id ->
                deployments.breakGlass(id) instanceof Outcome.Accepted<BreakGlass> a
                    ? Optional.of(a.value())
                    : Optional.empty())
        .filter(g -> g.startedPromotion(p.id()));
  }

  /**
   * What starting a promotion takes, every rule but the first stage's gates checked: the app, the
   * release, the environment of every stage of the pipeline, and the stages it goes through ({@code
   * first} to {@code last}).
   */
  private record Prepared(App app, Release release, List<Environment> envs, int first, int last) {}

  private Outcome<Prepared> prepare(
      String appName, String version, Optional<String> from, Optional<String> to) {
    List<FieldError> malformed = new ArrayList<>();
    Identifier.RELEASE_VERSION
        .problem(version)
        .ifPresent(p -> malformed.add(new FieldError("version", p)));
    from.flatMap(Identifier.ENVIRONMENT_NAME::problem)
        .ifPresent(p -> malformed.add(new FieldError("from", p)));
    to.flatMap(Identifier.ENVIRONMENT_NAME::problem)
        .ifPresent(p -> malformed.add(new FieldError("to", p)));
    if (!malformed.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(malformed));
    }
    Optional<App> found = registry.findApp(appName);
    if (found.isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + appName + "' does not exist"));
    }
    App app = found.get();
    List<FieldError> errors = new ArrayList<>();
    from.filter(f -> app.stageOf(f).isEmpty())
        .ifPresent(
            f ->
                errors.add(
                    new FieldError("from", "'" + f + "' is not a stage of " + app.stageNames())));
    to.filter(t -> app.stageOf(t).isEmpty())
        .ifPresent(
            t ->
                errors.add(
                    new FieldError("to", "'" + t + "' is not a stage of " + app.stageNames())));
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    Optional<Release> release = registry.findRelease(appName, version);
    if (release.isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("release " + version + " of app '" + appName + "' does not exist"));
    }
    if (release.get().intake().equals(Optional.of("rejected"))) {
      return Outcome.rejected(
          Rejection.conflict("release " + version + " was rejected by the release intake"));
    }
    // A release bound to a template revision needs nothing more; an unbound one the app's template.
    if (release.get().templateRevision().isEmpty() && app.template().isEmpty()) {
      return Outcome.rejected(
          Rejection.conflict("app '" + appName + "' has no environment template"));
    }
    List<Environment> envs = new ArrayList<>();
    for (Stage stage : app.pipeline()) {
      Optional<Environment> env = registry.findEnvironment(appName, stage.environment());
      if (env.isEmpty()) {
        return Outcome.rejected(
            Rejection.conflict(
                "stage '"
                    + stage.environment()
                    + "' of app '"
                    + appName
                    + "' has no environment registered yet"));
      }
      envs.add(env.get());
    }
    int last = to.flatMap(app::stageOf).orElse(app.pipeline().size() - 1);
    int first;
    if (from.isPresent()) {
      first = app.stageOf(from.get()).orElseThrow();
      for (int i = 0; i < first; i++) {
        if (!runs(envs.get(i), release.get())) {
          return Outcome.rejected(
              Rejection.of(
                  Rejection.Code.ORDER_VIOLATION,
                  "release "
                      + version
                      + " has not reached '"
                      + envs.get(i).name()
                      + "', which comes before '"
                      + from.get()
                      + "'; stages cannot be skipped"));
        }
      }
    } else {
      first = 0;
      while (first < app.pipeline().size() && runs(envs.get(first), release.get())) {
        first++;
      }
    }
    if (first > last) {
      return Outcome.rejected(
          Rejection.conflict(
              "release "
                  + version
                  + " is already in '"
                  + app.pipeline().get(last).environment()
                  + "'"));
    }
    return Outcome.accepted(new Prepared(app, release.get(), envs, first, last));
  }

  /** Records the promotion {@code prepared} and starts its workflow. */
  private Outcome<Promotion> begin(
      String requestedBy,
      Prepared prepared,
      String newId,
      Optional<String> breakGlassId,
      Instant now) {
    App app = prepared.app();
    List<Promotion.StageProgress> stages = new ArrayList<>();
    for (int i = prepared.first(); i <= prepared.last(); i++) {
      stages.add(Promotion.StageProgress.pending(app.pipeline().get(i).environment()));
    }
    Promotion promotion =
        new Promotion(
            newId,
            app.name(),
            prepared.release().version(),
            prepared.release().digest(),
            requestedBy,
            now,
            Promotion.Status.RUNNING,
            stages,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            breakGlassId,
            1);
    if (!(promotions.createPromotion(promotion) instanceof WriteResult.Written)) {
      return Outcome.rejected(Rejection.conflict("promotion id " + newId + " is taken; retry"));
    }
    try {
      runner.start(promotion, app);
    } catch (RuntimeException e) {
      Promotion failed =
          promotion.ended(
              Promotion.Status.FAILED,
              Optional.of("not_started"),
              Optional.of("the workflow could not be started"),
              now);
      promotions.savePromotion(failed, promotion.revision());
      throw e;
    }
    events.publish(new PromotionStarted(promotion));
    return Outcome.accepted(promotion);
  }

  public Outcome<Promotion> get(String app, String id) {
    Optional<String> malformed = Identifier.PROMOTION_ID.problem(id);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    return promotions
        .findPromotion(app, id)
        .<Outcome<Promotion>>map(Outcome::accepted)
        .orElseGet(
            () ->
                Outcome.rejected(
                    Rejection.notFound(
                        "promotion " + id + " of app '" + app + "' does not exist")));
  }

  public Outcome<Page<Promotion>> list(String app, PageRequest page) {
    return promotions.listPromotions(app, page);
  }

  public Outcome<Approval> approval(String id) {
    Optional<String> malformed = Identifier.APPROVAL_ID.problem(id);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    return promotions
        .findApproval(id)
        .<Outcome<Approval>>map(Outcome::accepted)
        .orElseGet(
            () -> Outcome.rejected(Rejection.notFound("approval " + id + " does not exist")));
  }

  public Outcome<Page<Approval>> pendingApprovals(PageRequest page) {
    return promotions.pendingApprovals(page);
  }

  /**
   * A person approves or rejects. When the policy is met the waiting workflow step goes on; a
   * rejection stops the promotion. Nothing changes when the decision is refused.
   */
  public Outcome<Approval> decide(
      Principal caller, String approvalId, boolean approve, String comment, Instant now) {
    Optional<String> malformed = Identifier.APPROVAL_ID.problem(approvalId);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    Approval after = null;
    // A decision races other decisions and a workflow step handing over a new token: read again and
    // retry.
    for (int attempt = 0; attempt < 5 && after == null; attempt++) {
      Optional<Approval> found = promotions.findApproval(approvalId);
      if (found.isEmpty()) {
        return Outcome.rejected(Rejection.notFound("approval " + approvalId + " does not exist"));
      }
      Approval before = found.get();
      Outcome<Approval> decided = before.decide(caller, approve, comment, now);
      if (!(decided instanceof Outcome.Accepted<Approval> a)) {
        return decided;
      }
      if (promotions.saveApproval(a.value(), before) instanceof WriteResult.Written) {
        after = a.value();
      }
    }
    if (after == null) {
      return Outcome.rejected(
          Rejection.conflict("approval " + approvalId + " keeps changing; try again"));
    }
    String token = after.taskToken().orElse("");
    switch (after.status()) {
      case APPROVED -> {
        StringBuilder approvers = new StringBuilder();
        after.decisions().stream()
            .filter(Approval.Decision::approve)
            .forEach(
                d ->
                    approvers
                        .append(approvers.isEmpty() ? "" : ",")
                        .append('"')
                        .append(d.principal())
                        .append('"'));
        runner.succeed(
            token, "{\"approvalId\":\"" + after.id() + "\",\"approvers\":[" + approvers + "]}");
        events.publish(new ApprovalGranted(after));
      }
      case REJECTED -> {
        runner.fail(
            token,
            "Approval.Rejected",
            "rejected by " + caller.name() + (comment.isBlank() ? "" : ": " + comment));
        events.publish(new ApprovalRejected(after));
      }
      default -> {}
    }
    return Outcome.accepted(after);
  }

  // ------------------------------------------------------------ workflow steps

  /**
   * The gate of a stage: the release must run in the stage before (same digest), the environment
   * must not be frozen and its window must be open; a promotion a confirmed break-glass started
   * goes past the freeze (made before the ask) and the closed window that break-glass lists for the
   * stage, and nothing else. Then the stage's concurrency: older promotions waiting for approval
   * there are superseded (or, for an app that queues, this one waits).
   */
  public Entered enterStage(String appName, String promotionId, String environment, Instant now) {
    Promotion p = running(appName, promotionId);
    // A re-run of the stages (a workflow resumed from an earlier point) finds its own work: it goes
    // on from
    // where the promotion is, without deploying or asking for an approval twice.
    Promotion.StageProgress already = progress(p, environment);
    if (already.status() == Promotion.StageStatus.PROMOTED) {
      return new Entered("skip", already.deploymentId().orElse(""));
    }
    if (already.status() == Promotion.StageStatus.AWAITING_APPROVAL
        && already.deploymentId().isPresent()) {
      boolean granted =
          already
              .approvalId()
              .flatMap(promotions::findApproval)
              .map(a -> a.status() == Approval.Status.APPROVED)
              .orElse(false);
      return new Entered(granted ? "deploy" : "approve", already.deploymentId().get());
    }
    if (already.status() != Promotion.StageStatus.PENDING && already.deploymentId().isPresent()) {
      return new Entered("deploy", already.deploymentId().get());
    }
    App app =
        registry
            .findApp(appName)
            .orElseThrow(() -> new PromotionStopped("app " + appName + " is gone"));
    Stage stage =
        app.stage(environment)
            .orElseThrow(
                () ->
                    new GateClosed(
                        Rejection.Code.ORDER_VIOLATION,
                        "'" + environment + "' is no longer a stage of app '" + appName + "'"));
    Environment env =
        registry
            .findEnvironment(appName, environment)
            .orElseThrow(
                () ->
                    new GateClosed(
                        Rejection.Code.NOT_FOUND,
                        "environment '" + appName + "/" + environment + "' does not exist"));
    int index = app.stageOf(environment).orElseThrow();
    Optional<GateClosed> closed = Optional.empty();
    if (index > 0) {
      String previous = app.pipeline().get(index - 1).environment();
      Optional<Environment> before = registry.findEnvironment(appName, previous);
      boolean reached =
          before
              .flatMap(Environment::deployed)
              .map(d -> d.digest().equals(p.digest()) && d.version().equals(p.version()))
              .orElse(false);
      if (!reached) {
        closed =
            Optional.of(
                new GateClosed(
                    Rejection.Code.ORDER_VIOLATION,
                    "release "
                        + p.version()
                        + " does not run in '"
                        + previous
                        + "', the stage before '"
                        + environment
                        + "'"));
      }
    }
    // A confirmed break-glass that started the promotion lets the stage past the gates it covers:
    // a freeze made before it was asked for, a closed window (it does not wait).
    Optional<BreakGlass> glass = breakGlassOf(p);
    closed =
        closed.or(
            () ->
                frozen(env)
                    .filter(
                        f ->
                            glass.isEmpty()
                                || !glass
                                    .get()
                                    .coversFreeze(environment, env.freeze().orElseThrow().at())));
    boolean pastWindow = glass.isPresent() && glass.get().covers(environment, GateOverride.WINDOW);
    if (closed.isEmpty() && !pastWindow) {
      // A closed window: the workflow waits (Wait for window) and enters again when it opens, for
      // at most the stage's maxWait since it first waited here.
      Instant since =
          already.status() == Promotion.StageStatus.WAITING_FOR_WINDOW
              ? already.startedAt().orElse(now)
              : now;
      switch (windowGate(stage, environment, since, now)) {
        case WindowGate.TooLate late ->
            closed = Optional.of(new GateClosed(Rejection.Code.WINDOW_CLOSED, late.reason()));
        case WindowGate.WaitUntil wait -> {
          Promotion.StageProgress waiting =
              already.with(Promotion.StageStatus.WAITING_FOR_WINDOW, now).withReason(wait.reason());
          if (!waiting.equals(already)) {
            save(p.withStage(waiting), p);
          }
          return new Entered("wait", "", Optional.of(wait.opensAt()));
        }
        case WindowGate.Open open -> {}
      }
    }
    if (closed.isEmpty()) {
      Optional<String> drifted =
          DriftGate.holds(
              stage.blockOnDrift(),
              appName,
              environment,
              env.drift(),
              env.deployed().map(DeployedRelease::deployedAt));
      if (drifted.isPresent()) {
        // Waits, looking again every DRIFT_RECHECK, at most the stage's maxWait since it began to.
        Instant since =
            already.status() == Promotion.StageStatus.WAITING_FOR_DRIFT
                ? already.startedAt().orElse(now)
                : now;
        if (now.isAfter(since.plus(stage.maxWait()))) {
          closed =
              Optional.of(
                  new GateClosed(
                      Rejection.Code.DRIFTED,
                      drifted.get()
                          + "; it waited since "
                          + since
                          + ", longer than the stage waits (maxWaitHours "
                          + stage.maxWait().toHours()
                          + ")"));
        } else {
          Promotion.StageProgress waiting =
              (already.status() == Promotion.StageStatus.WAITING_FOR_DRIFT
                      ? already
                      : already.with(Promotion.StageStatus.WAITING_FOR_DRIFT, now))
                  .withReason(drifted.get());
          if (!waiting.equals(already)) {
            save(p.withStage(waiting), p);
          }
          return new Entered("wait", "", Optional.of(now.plus(DRIFT_RECHECK)));
        }
      }
    }
    if (closed.isPresent()) {
      record(
          p,
          progress(p, environment)
              .with(Promotion.StageStatus.FAILED, now)
              .withReason(closed.get().getMessage()),
          Optional.of(closed.get().code().wireName()),
          closed.get().getMessage(),
          now);
      throw closed.get();
    }
    for (Approval waiting : promotions.pendingApprovals(appName, environment)) {
      if (waiting.promotionId().equals(promotionId)) {
        continue;
      }
      if (app.concurrency() == PromotionConcurrency.QUEUE) {
        throw new StageBusy(
            "promotion "
                + waiting.promotionId()
                + " waits for approval in '"
                + environment
                + "'; this one queues behind it");
      }
      Approval superseded = waiting.ended(Approval.Status.SUPERSEDED);
      if (promotions.saveApproval(superseded, waiting) instanceof WriteResult.Written) {
        waiting
            .taskToken()
            .ifPresent(
                t ->
                    runner.fail(
                        t,
                        "Promotion.Superseded",
                        "superseded by promotion " + promotionId + " of release " + p.version()));
      }
    }
    String deploymentId = "p-" + Secrets.hash(promotionId + "\n" + environment).substring(0, 20);
    boolean approve = stage.needsApproval();
    Promotion.StageProgress next =
        progress(p, environment)
            .with(
                approve ? Promotion.StageStatus.AWAITING_APPROVAL : Promotion.StageStatus.DEPLOYING,
                now)
            .withoutReason()
            .withDeployment(deploymentId);
    save(p.withStage(next), p);
    return new Entered(approve ? "approve" : "deploy", deploymentId);
  }

  /**
   * Records the stage's approval with the waiting step's token, and asks for it (Approval
   * Requested). The approval carries the plan of deploying the release into the stage, asked of the
   * stage's provisioner now; when it cannot plan, the approval says why and is asked for all the
   * same (a person may still decide).
   */
  public Approval requestApproval(
      String appName,
      String promotionId,
      String environment,
      String taskToken,
      String newId,
      Instant now) {
    Promotion p = running(appName, promotionId);
    Optional<String> askedId = progress(p, environment).approvalId();
    // Asked already (a re-run of the step, e.g. a workflow resumed after a restart): the same
    // approval answers
    // the step waiting this time; one decided while nobody waited is answered at once. A decision
    // may land
    // between reading and handing over the token: read again and answer what it now says.
    for (int attempt = 0; askedId.isPresent() && attempt < 5; attempt++) {
      Approval a =
          promotions
              .findApproval(askedId.get())
              .orElseThrow(
                  () -> new IllegalStateException("approval " + askedId.get() + " is gone"));
      switch (a.status()) {
        case PENDING -> {
          Approval rewired = a.withTaskToken(taskToken);
          if (promotions.saveApproval(rewired, a) instanceof WriteResult.Written) {
            return rewired;
          }
          continue;
        }
        case APPROVED -> runner.succeed(taskToken, "{\"approvalId\":\"" + a.id() + "\"}");
        case REJECTED ->
            runner.fail(taskToken, "Approval.Rejected", "rejected before the workflow resumed");
        case EXPIRED -> runner.fail(taskToken, "Approval.Expired", "the approval expired");
        case SUPERSEDED ->
            runner.fail(taskToken, "Promotion.Superseded", "superseded by a newer promotion");
      }
      return a;
    }
    if (askedId.isPresent()) {
      throw new ConcurrentChange(
          "approval " + askedId.get() + " kept changing while the step handed over its token");
    }
    Stage stage =
        registry
            .findApp(appName)
            .flatMap(a -> a.stage(environment))
            .orElseThrow(() -> new PromotionStopped("'" + environment + "' is no longer a stage"));
    ApprovalPolicy policy =
        stage
            .approval()
            .orElseThrow(() -> new IllegalStateException(environment + " needs no approval"));
    TierPlanner.Answer planned =
        registry
            .findEnvironment(appName, environment)
            .map(env -> planner.plan(env.tier().wireName(), appName, environment, p.version()))
            .orElseGet(
                () ->
                    new TierPlanner.Answer.Unavailable("environment " + environment + " is gone"));
    Approval approval =
        new Approval(
            appName + ":" + newId,
            appName,
            promotionId,
            environment,
            p.version(),
            policy,
            p.requestedBy(),
            now,
            now.plus(policy.timeout()),
            Approval.Status.PENDING,
            List.of(),
            Optional.of(taskToken),
            planned instanceof TierPlanner.Answer.Planned pl
                ? Optional.of(pl.plan())
                : Optional.empty(),
            switch (planned) {
              case TierPlanner.Answer.Planned pl -> Optional.<String>empty();
              case TierPlanner.Answer.Refused r -> Optional.of(r.rejection().detail());
              case TierPlanner.Answer.Unavailable u -> Optional.of(u.reason());
            });
    if (!(promotions.createApproval(approval) instanceof WriteResult.Written)) {
      throw new IllegalStateException("approval id " + approval.id() + " is taken");
    }
    save(p.withStage(progress(p, environment).withApproval(approval.id())), p);
    events.publish(new ApprovalRequested(approval));
    return approval;
  }

  /**
   * After the stage's deployment succeeded: verification. A failed check rolls the environment back
   * to its last good release and fails the promotion. Answers how long to soak before the next
   * stage.
   */
  public Duration completeStage(
      String appName,
      String promotionId,
      String environment,
      Map<String, String> outputs,
      Verifier verifier,
      String rollbackId,
      Instant now) {
    Promotion p = running(appName, promotionId);
    Stage stage = registry.findApp(appName).flatMap(a -> a.stage(environment)).orElseThrow();
    Promotion.StageProgress progress = progress(p, environment);
    if (stage.verification().isPresent()) {
      Optional<String> failure = verifier.failure(stage.verification().get(), outputs);
      if (failure.isPresent()) {
        String reason = "verification of '" + environment + "' failed: " + failure.get();
        Outcome<Saved<Deployment>> rollback =
            deployments.rollback(
                new Principal(p.requestedBy(), java.util.Set.of()),
                appName,
                environment,
                Optional.empty(),
                Deployment.ORIGIN_ROLLBACK + ":promotion:" + promotionId,
                rollbackId,
                now);
        String how =
            switch (rollback) {
              case Outcome.Accepted<Saved<Deployment>> a ->
                  "; rolling back to "
                      + a.value().value().version().orElse("?")
                      + " (deployment "
                      + a.value().value().id()
                      + ")";
              case Outcome.Rejected<Saved<Deployment>> r ->
                  "; not rolled back: " + r.rejection().detail();
            };
        record(
            p,
            progress.with(Promotion.StageStatus.ROLLED_BACK, now).withReason(reason + how),
            Optional.of("verification_failed"),
            reason + how,
            now);
        throw new VerificationFailed(reason + how);
      }
    }
    save(
        p.withStage(
            progress.with(
                stage.soak().isZero()
                    ? Promotion.StageStatus.VERIFYING
                    : Promotion.StageStatus.SOAKING,
                now)),
        p);
    return stage.soak();
  }

  public void promoteStage(String appName, String promotionId, String environment, Instant now) {
    Promotion p = running(appName, promotionId);
    Promotion next =
        p.withStage(progress(p, environment).with(Promotion.StageStatus.PROMOTED, now));
    save(next, p);
    events.publish(new StagePromoted(next, environment));
  }

  /**
   * Every stage is done. A step run again after its write (a retry after the announcement failed)
   * finds the promotion succeeded and announces it again: events are delivered at least once.
   */
  public void finish(String appName, String promotionId, Instant now) {
    Optional<Promotion> succeeded =
        promotions
            .findPromotion(appName, promotionId)
            .filter(p -> p.status() == Promotion.Status.SUCCEEDED);
    if (succeeded.isPresent()) {
      events.publish(new PromotionSucceeded(succeeded.get()));
      return;
    }
    Promotion p = running(appName, promotionId);
    Promotion done = p.ended(Promotion.Status.SUCCEEDED, Optional.empty(), Optional.empty(), now);
    save(done, p);
    events.publish(new PromotionSucceeded(done));
  }

  /**
   * The workflow stopped with {@code error}: records why (a timed-out approval expires, a
   * rejection, a failed deploy, a gate that already recorded itself) and announces it. Idempotent.
   */
  public Promotion fail(
      String appName, String promotionId, String error, String cause, Instant now) {
    Promotion p =
        promotions
            .findPromotion(appName, promotionId)
            .orElseThrow(
                () -> new PromotionStopped("promotion " + promotionId + " does not exist"));
    if (p.status().isTerminal()) {
      return p;
    }
    Optional<Promotion.StageProgress> current = p.current();
    Promotion next = p;
    String code;
    String reason;
    Promotion.Status status = Promotion.Status.FAILED;
    switch (error) {
      case "States.Timeout", "Approval.Expired" -> {
        boolean approving =
            current.map(s -> s.status() == Promotion.StageStatus.AWAITING_APPROVAL).orElse(false);
        code = approving ? "approval_expired" : "timeout";
        reason =
            approving
                ? "nobody approved '" + current.get().environment() + "' in time"
                : "a step timed out";
        if (approving) {
          current
              .get()
              .approvalId()
              .flatMap(promotions::findApproval)
              .filter(Approval::isPending)
              .ifPresent(
                  a -> {
                    Approval expired = a.ended(Approval.Status.EXPIRED);
                    if (promotions.saveApproval(expired, a) instanceof WriteResult.Written) {
                      events.publish(new ApprovalExpired(expired));
                    }
                  });
        }
      }
      case "Approval.Rejected" -> {
        code = "approval_rejected";
        reason = cause;
      }
      case "Promotion.Superseded" -> {
        code = "superseded";
        reason = cause;
        status = Promotion.Status.SUPERSEDED;
      }
      default -> {
        if (p.failure().isPresent()) {
          code = p.failure().get();
          reason = p.reason().orElse(cause);
        } else if (error.startsWith("Deployment.")) {
          code = "deployment_failed";
          reason =
              "the deployment to '"
                  + current.map(Promotion.StageProgress::environment).orElse("?")
                  + "' failed: "
                  + cause;
        } else {
          code = "error";
          reason = error + ": " + cause;
        }
      }
    }
    if (current.isPresent()
        && current.get().status() != Promotion.StageStatus.ROLLED_BACK
        && current.get().status() != Promotion.StageStatus.FAILED) {
      next =
          next.withStage(current.get().with(Promotion.StageStatus.FAILED, now).withReason(reason));
    }
    Promotion ended = next.ended(status, Optional.of(code), Optional.of(reason), now);
    Promotion ending =
        new Promotion(
            ended.id(),
            ended.app(),
            ended.version(),
            ended.digest(),
            ended.requestedBy(),
            ended.startedAt(),
            ended.status(),
            ended.stages(),
            ended.failure(),
            ended.reason(),
            ended.finishedAt(),
            ended.breakGlassId(),
            p.revision() + 1);
    if (promotions.savePromotion(ending, p.revision()) instanceof WriteResult.Written) {
      events.publish(new PromotionFailed(ending));
      return ending;
    }
    return fail(appName, promotionId, error, cause, now);
  }

  // ------------------------------------------------------------ rules

  static boolean runs(Environment env, Release release) {
    return env.deployed()
        .map(d -> d.version().equals(release.version()) && d.digest().equals(release.digest()))
        .orElse(false);
  }

  /**
   * The gates that refuse a stage outright at {@code now}: a freeze, and a window that does not
   * open within the stage's maxWait (one that does is waited for).
   */
  static Optional<GateClosed> gate(Stage stage, Environment env, Instant now) {
    return frozen(env)
        .or(
            () ->
                windowGate(stage, env.name(), now, now) instanceof WindowGate.TooLate late
                    ? Optional.of(new GateClosed(Rejection.Code.WINDOW_CLOSED, late.reason()))
                    : Optional.empty());
  }

  private static Optional<GateClosed> frozen(Environment env) {
    return env.freeze()
        .map(f -> new GateClosed(Rejection.Code.FROZEN, f.describe(env.app(), env.name())));
  }

  private Promotion running(String app, String id) {
    Promotion p =
        promotions
            .findPromotion(app, id)
            .orElseThrow(() -> new PromotionStopped("promotion " + id + " does not exist"));
    if (p.status().isTerminal()) {
      throw new PromotionStopped("promotion " + id + " is " + p.status().wireName());
    }
    return p;
  }

  private static Promotion.StageProgress progress(Promotion p, String environment) {
    return p.stage(environment)
        .orElseThrow(
            () ->
                new PromotionStopped(
                    "promotion " + p.id() + " does not go through '" + environment + "'"));
  }

  private void record(
      Promotion p,
      Promotion.StageProgress stage,
      Optional<String> code,
      String reason,
      Instant now) {
    Promotion next = p.withStage(stage);
    Promotion marked =
        new Promotion(
            next.id(),
            next.app(),
            next.version(),
            next.digest(),
            next.requestedBy(),
            next.startedAt(),
            next.status(),
            next.stages(),
            code,
            Optional.of(reason),
            next.finishedAt(),
            next.breakGlassId(),
            next.revision());
    save(marked, p);
  }

  private void save(Promotion next, Promotion read) {
    if (!(promotions.savePromotion(next, read.revision()) instanceof WriteResult.Written)) {
      throw new ConcurrentChange(
          "promotion "
              + read.id()
              + " changed while this step ran (a concurrent step or decision)");
    }
  }
}
