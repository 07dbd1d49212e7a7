package io.stagecoach.domain.promotion;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.drift.DriftGate;
import io.stagecoach.domain.override.BreakGlass;
import io.stagecoach.domain.override.GateOverride;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.domain.registry.Release;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gates that explain themselves: for a promotion, where each gate of each stage stands and what it
 * waits for; for a release not yet promoted, whether it could go to a stage now and, if not, every
 * reason. Reads only; the rules are those {@link PromotionService} applies (its window and freeze
 * gates), so what is explained is what happens.
 */
public final class PromotionGates {

  private static final Set<Promotion.StageStatus> ENTERED =
      EnumSet.of(
          Promotion.StageStatus.AWAITING_APPROVAL,
          Promotion.StageStatus.DEPLOYING,
          Promotion.StageStatus.VERIFYING,
          Promotion.StageStatus.SOAKING,
          Promotion.StageStatus.PROMOTED,
          Promotion.StageStatus.ROLLED_BACK);

  private final Registry registry;
  private final Promotions promotions;
  private final DeploymentService deployments;

  public PromotionGates(Registry registry, Promotions promotions, DeploymentService deployments) {
    this.registry = registry;
    this.promotions = promotions;
    this.deployments = deployments;
  }

  /** Every gate of every stage of {@code p}, as it stands at {@code now}. */
  public List<Gate.OfStage> explain(Promotion p, Instant now) {
    Optional<App> found = registry.findApp(p.app());
    Optional<BreakGlass> glass = PromotionService.breakGlassOf(deployments, p);
    List<Gate.OfStage> stages = new ArrayList<>();
    for (int i = 0; i < p.stages().size(); i++) {
      Promotion.StageProgress s = p.stages().get(i);
      Optional<Stage> stage = found.flatMap(a -> a.stage(s.environment()));
      if (stage.isEmpty()) {
        stages.add(
            new Gate.OfStage(
                s.environment(),
                List.of(
                    Gate.of(
                        Gate.Kind.ORDER,
                        Gate.State.FAILED,
                        "'"
                            + s.environment()
                            + "' is no longer a stage of app '"
                            + p.app()
                            + "'"))));
        continue;
      }
      App app = found.get();
      Optional<Environment> env = registry.findEnvironment(p.app(), s.environment());
      boolean entered =
          ENTERED.contains(s.status())
              || s.status() == Promotion.StageStatus.FAILED && s.deploymentId().isPresent();
      Optional<String> failedAtGate =
          s.status() == Promotion.StageStatus.FAILED && !entered ? p.failure() : Optional.empty();
      boolean reached = i == 0 || p.stages().get(i - 1).status() == Promotion.StageStatus.PROMOTED;
      List<Gate> gates = new ArrayList<>();
      gates.add(order(app, stage.get(), s, entered, failedAtGate, reached));
      gates.add(pastByBreakGlass(freeze(env, entered, failedAtGate, s), glass, s, env));
      window(stage.get(), s, entered, failedAtGate, now)
          .map(w -> pastByBreakGlass(w, glass, s, env))
          .ifPresent(gates::add);
      queue(app, s, entered, p.id()).ifPresent(gates::add);
      drift(stage.get(), env, s, entered, failedAtGate).ifPresent(gates::add);
      approval(stage.get(), s).ifPresent(gates::add);
      verification(stage.get(), s).ifPresent(gates::add);
      soak(stage.get(), s, p.app()).ifPresent(gates::add);
      stages.add(new Gate.OfStage(s.environment(), gates));
    }
    return stages;
  }

  /**
   * Whether {@code version} could be promoted to {@code to} (default: the last stage) now, and the
   * gates of each stage it would go through. Refused: a malformed or unknown version or stage.
   */
  public Outcome<Eligibility> eligibility(
      String appName, String version, Optional<String> to, Instant now) {
    List<FieldError> malformed = new ArrayList<>();
    Identifier.RELEASE_VERSION
        .problem(version)
        .ifPresent(p -> malformed.add(new FieldError("version", p)));
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
    if (to.isPresent() && app.stageOf(to.get()).isEmpty()) {
      return Outcome.rejected(
          Rejection.invalid("to", "'" + to.get() + "' is not a stage of " + app.stageNames()));
    }
    Optional<Release> release = registry.findRelease(appName, version);
    if (release.isEmpty()) {
      return Outcome.rejected(
          Rejection.notFound("release " + version + " of app '" + appName + "' does not exist"));
    }
    int last = to.flatMap(app::stageOf).orElse(app.pipeline().size() - 1);
    String target = app.pipeline().get(last).environment();
    List<String> reasons = new ArrayList<>();
    if (release.get().intake().equals(Optional.of("rejected"))) {
      reasons.add(
          "release "
              + version
              + " was rejected by the release intake ("
              + release.get().intakeReason().orElse("no reason recorded")
              + ")");
    }
    if (app.template().isEmpty()) {
      reasons.add("app '" + appName + "' has no environment template");
    }
    List<Optional<Environment>> envs = new ArrayList<>();
    for (int i = 0; i <= last; i++) {
      Optional<Environment> env =
          registry.findEnvironment(appName, app.pipeline().get(i).environment());
      if (env.isEmpty()) {
        reasons.add(
            "stage '"
                + app.pipeline().get(i).environment()
                + "' has no environment registered yet");
      }
      envs.add(env);
    }
    int first = 0;
    while (first <= last
        && envs.get(first).map(e -> PromotionService.runs(e, release.get())).orElse(false)) {
      first++;
    }
    if (first > last) {
      reasons.add("release " + version + " already runs in '" + target + "'");
    }
    List<Gate.OfStage> stages = new ArrayList<>();
    for (int i = first; i <= last; i++) {
      Stage stage = app.pipeline().get(i);
      Promotion.StageProgress pending = Promotion.StageProgress.pending(stage.environment());
      List<Gate> gates = new ArrayList<>();
      gates.add(order(app, stage, pending, false, Optional.empty(), i == first));
      gates.add(freeze(envs.get(i), false, Optional.empty(), pending));
      window(stage, pending, false, Optional.empty(), now).ifPresent(gates::add);
      queue(app, pending, false, "").ifPresent(gates::add);
      drift(stage, envs.get(i), pending, false, Optional.empty()).ifPresent(gates::add);
      approval(stage, pending).ifPresent(gates::add);
      verification(stage, pending).ifPresent(gates::add);
      soak(stage, pending, appName).ifPresent(gates::add);
      for (Gate g : gates) {
        if (g.refuses()) {
          reasons.add(g.reason());
        }
      }
      stages.add(new Gate.OfStage(stage.environment(), gates));
    }
    return Outcome.accepted(
        new Eligibility(appName, version, target, reasons.isEmpty(), reasons, stages));
  }

  // ------------------------------------------------------------ one gate each

  private static Gate order(
      App app,
      Stage stage,
      Promotion.StageProgress s,
      boolean entered,
      Optional<String> failedAtGate,
      boolean reached) {
    int index = app.stageOf(stage.environment()).orElse(0);
    String previous = index == 0 ? null : app.pipeline().get(index - 1).environment();
    String ran =
        previous == null
            ? "the first stage of the pipeline"
            : "the release runs in '" + previous + "', the stage before";
    if (entered
        || s.status() == Promotion.StageStatus.WAITING_FOR_WINDOW
        || s.status() == Promotion.StageStatus.WAITING_FOR_DRIFT) {
      return Gate.of(Gate.Kind.ORDER, Gate.State.PASSED, ran);
    }
    if (failedAtGate.equals(Optional.of("order_violation"))) {
      return Gate.of(Gate.Kind.ORDER, Gate.State.FAILED, s.reason().orElse("stages skipped"));
    }
    if (reached) {
      return Gate.of(Gate.Kind.ORDER, Gate.State.OPEN, ran);
    }
    return Gate.of(
        Gate.Kind.ORDER, Gate.State.PENDING, "comes once '" + previous + "' is promoted");
  }

  /**
   * A freeze or window gate of a stage the promotion's break-glass covers: gone past when the stage
   * entered, no longer holding while it is closed (a freeze made after the break-glass was asked
   * for still holds); as it is otherwise.
   */
  private static Gate pastByBreakGlass(
      Gate gate, Optional<BreakGlass> glass, Promotion.StageProgress s, Optional<Environment> env) {
    String name = gate.kind() == Gate.Kind.FREEZE ? GateOverride.FREEZE : GateOverride.WINDOW;
    if (glass.isEmpty() || !glass.get().covers(s.environment(), name)) {
      return gate;
    }
    BreakGlass g = glass.get();
    String by =
        "break-glass "
            + g.id()
            + " (asked by "
            + g.requestedBy()
            + ": "
            + g.reason()
            + "; confirmed by "
            + g.confirmedBy().orElse("?")
            + ")";
    return switch (gate.state()) {
      case PASSED ->
          Gate.of(gate.kind(), Gate.State.PASSED, "entered under " + by + ", which goes past it");
      case CLOSED, WAITING -> {
        boolean frozenSince =
            gate.kind() == Gate.Kind.FREEZE
                && env.flatMap(Environment::freeze)
                    .map(f -> !g.coversFreeze(s.environment(), f.at()))
                    .orElse(true);
        yield frozenSince
            ? gate
            : Gate.of(gate.kind(), Gate.State.OPEN, gate.reason() + "; " + by + " goes past it");
      }
      default -> gate;
    };
  }

  private static Gate freeze(
      Optional<Environment> env,
      boolean entered,
      Optional<String> failedAtGate,
      Promotion.StageProgress s) {
    if (entered) {
      return Gate.of(Gate.Kind.FREEZE, Gate.State.PASSED, "not frozen when the release entered");
    }
    if (failedAtGate.equals(Optional.of("frozen"))) {
      return Gate.of(Gate.Kind.FREEZE, Gate.State.FAILED, s.reason().orElse("frozen"));
    }
    if (env.isEmpty()) {
      return Gate.of(
          Gate.Kind.FREEZE,
          Gate.State.CLOSED,
          "'" + s.environment() + "' has no environment registered yet");
    }
    return env.get()
        .freeze()
        .map(
            f ->
                Gate.of(
                    Gate.Kind.FREEZE,
                    Gate.State.CLOSED,
                    f.describe(env.get().app(), env.get().name())))
        .orElseGet(() -> Gate.of(Gate.Kind.FREEZE, Gate.State.OPEN, "not frozen"));
  }

  private static Optional<Gate> window(
      Stage stage,
      Promotion.StageProgress s,
      boolean entered,
      Optional<String> failedAtGate,
      Instant now) {
    if (stage.window().isEmpty()) {
      return Optional.empty();
    }
    String policy = stage.window().get().describe();
    if (entered) {
      return Optional.of(
          Gate.of(Gate.Kind.WINDOW, Gate.State.PASSED, "entered inside its window, " + policy));
    }
    if (failedAtGate.equals(Optional.of("window_closed"))) {
      return Optional.of(
          Gate.of(Gate.Kind.WINDOW, Gate.State.FAILED, s.reason().orElse("window closed")));
    }
    Instant since =
        s.status() == Promotion.StageStatus.WAITING_FOR_WINDOW ? s.startedAt().orElse(now) : now;
    return Optional.of(
        switch (PromotionService.windowGate(stage, s.environment(), since, now)) {
          case PromotionService.WindowGate.Open o ->
              Gate.of(Gate.Kind.WINDOW, Gate.State.OPEN, "open now, " + policy);
          case PromotionService.WindowGate.WaitUntil w ->
              Gate.until(Gate.Kind.WINDOW, Gate.State.WAITING, w.reason(), w.opensAt());
          case PromotionService.WindowGate.TooLate late ->
              Gate.of(Gate.Kind.WINDOW, Gate.State.CLOSED, late.reason());
        });
  }

  /**
   * For a stage that blocks on drift: whether its environment has drifted since its last deployment
   * ({@link DriftGate}), which holds the release there.
   */
  private static Optional<Gate> drift(
      Stage stage,
      Optional<Environment> env,
      Promotion.StageProgress s,
      boolean entered,
      Optional<String> failedAtGate) {
    if (!stage.blockOnDrift()) {
      return Optional.empty();
    }
    if (entered) {
      return Optional.of(
          Gate.of(Gate.Kind.DRIFT, Gate.State.PASSED, "no drift held it when it entered"));
    }
    if (failedAtGate.equals(Optional.of(Rejection.Code.DRIFTED.wireName()))) {
      return Optional.of(Gate.of(Gate.Kind.DRIFT, Gate.State.FAILED, s.reason().orElse("drifted")));
    }
    if (env.isEmpty()) {
      return Optional.of(
          Gate.of(
              Gate.Kind.DRIFT,
              Gate.State.PENDING,
              "'" + s.environment() + "' has no environment registered yet"));
    }
    Environment e = env.get();
    Optional<java.time.Instant> deployedAt = e.deployed().map(DeployedRelease::deployedAt);
    Optional<String> held = DriftGate.holds(true, e.app(), e.name(), e.drift(), deployedAt);
    if (held.isPresent()) {
      return Optional.of(Gate.of(Gate.Kind.DRIFT, Gate.State.DRIFTED, held.get()));
    }
    String now =
        e.drift().isDrifted()
            ? "its drift was found before its last deployment"
                + e.drift().checking().map(c -> "; check " + c.id() + " is under way").orElse("")
            : e.drift().describe();
    return Optional.of(Gate.of(Gate.Kind.DRIFT, Gate.State.OPEN, "not drifted: " + now));
  }

  /** For an app that queues: whether another promotion holds the stage (waits for approval). */
  private Optional<Gate> queue(
      App app, Promotion.StageProgress s, boolean entered, String promotionId) {
    if (app.concurrency() != PromotionConcurrency.QUEUE) {
      return Optional.empty();
    }
    if (entered) {
      return Optional.of(Gate.of(Gate.Kind.QUEUE, Gate.State.PASSED, "had the stage to itself"));
    }
    List<String> ahead =
        promotions.pendingApprovals(app.name(), s.environment()).stream()
            .map(Approval::promotionId)
            .filter(id -> !id.equals(promotionId))
            .distinct()
            .toList();
    if (ahead.isEmpty()) {
      return Optional.of(
          Gate.of(Gate.Kind.QUEUE, Gate.State.OPEN, "no other promotion holds the stage"));
    }
    return Optional.of(
        Gate.of(
            Gate.Kind.QUEUE,
            Gate.State.WAITING,
            "queued: position "
                + (ahead.size() + 1)
                + ", behind promotion"
                + (ahead.size() == 1 ? " " : "s ")
                + String.join(", ", ahead)
                + ", which wait"
                + (ahead.size() == 1 ? "s" : "")
                + " for approval in '"
                + s.environment()
                + "'"));
  }

  private Optional<Gate> approval(Stage stage, Promotion.StageProgress s) {
    if (stage.approval().isEmpty()) {
      return Optional.empty();
    }
    ApprovalPolicy policy = stage.approval().get();
    Optional<Approval> asked = s.approvalId().flatMap(promotions::findApproval);
    if (asked.isEmpty()) {
      Map<String, Integer> needs = policy.missing(Map.of());
      return Optional.of(
          new Gate(
              Gate.Kind.APPROVAL,
              Gate.State.PENDING,
              "will need " + needs(needs) + " (the requester never counts)",
              Optional.empty(),
              needs,
              List.of()));
    }
    Approval a = asked.get();
    return Optional.of(
        switch (a.status()) {
          case PENDING ->
              new Gate(
                  Gate.Kind.APPROVAL,
                  Gate.State.WAITING,
                  "approval "
                      + a.id()
                      + " still needs "
                      + needs(a.missing())
                      + decided(a.decisions())
                      + "; it expires at "
                      + a.expiresAt(),
                  Optional.of(a.expiresAt()),
                  a.missing(),
                  a.decisions());
          case APPROVED ->
              new Gate(
                  Gate.Kind.APPROVAL,
                  Gate.State.PASSED,
                  "approval " + a.id() + " granted" + decided(a.decisions()),
                  Optional.empty(),
                  Map.of(),
                  a.decisions());
          case REJECTED ->
              new Gate(
                  Gate.Kind.APPROVAL,
                  Gate.State.FAILED,
                  "approval " + a.id() + " rejected" + decided(a.decisions()),
                  Optional.empty(),
                  Map.of(),
                  a.decisions());
          case EXPIRED ->
              new Gate(
                  Gate.Kind.APPROVAL,
                  Gate.State.FAILED,
                  "approval " + a.id() + " expired at " + a.expiresAt() + decided(a.decisions()),
                  Optional.empty(),
                  a.missing(),
                  a.decisions());
          case SUPERSEDED ->
              Gate.of(
                  Gate.Kind.APPROVAL,
                  Gate.State.FAILED,
                  "approval " + a.id() + " superseded by a newer promotion");
        });
  }

  private static Optional<Gate> verification(Stage stage, Promotion.StageProgress s) {
    return stage
        .verification()
        .map(
            v -> {
              String check =
                  "GET of the stack output "
                      + v.urlOutput()
                      + " + "
                      + v.path()
                      + ", 2xx within "
                      + v.attempts()
                      + " attempt"
                      + (v.attempts() == 1 ? "" : "s");
              return switch (s.status()) {
                case VERIFYING, SOAKING, PROMOTED ->
                    Gate.of(Gate.Kind.VERIFICATION, Gate.State.PASSED, check + ": passed");
                case ROLLED_BACK ->
                    Gate.of(
                        Gate.Kind.VERIFICATION,
                        Gate.State.FAILED,
                        s.reason().orElse(check + ": failed"));
                default ->
                    Gate.of(
                        Gate.Kind.VERIFICATION, Gate.State.PENDING, check + ", after deploying");
              };
            });
  }

  private Optional<Gate> soak(Stage stage, Promotion.StageProgress s, String app) {
    if (stage.soak().isZero()) {
      return Optional.empty();
    }
    long seconds = stage.soak().toSeconds();
    return Optional.of(
        switch (s.status()) {
          case PROMOTED -> Gate.of(Gate.Kind.SOAK, Gate.State.PASSED, "soaked " + seconds + " s");
          case SOAKING -> {
            Optional<Instant> until =
                s.deploymentId()
                    .flatMap(
                        id ->
                            deployments.get(app, id) instanceof Outcome.Accepted<Deployment> d
                                ? d.value().finishedAt()
                                : Optional.empty())
                    .map(done -> done.plus(stage.soak()));
            yield new Gate(
                Gate.Kind.SOAK,
                Gate.State.WAITING,
                "soaks "
                    + seconds
                    + " s after its deployment"
                    + until.map(u -> ", until " + u).orElse(""),
                until,
                Map.of(),
                List.of());
          }
          default ->
              Gate.of(
                  Gate.Kind.SOAK,
                  Gate.State.PENDING,
                  "soaks " + seconds + " s after its deployment is verified");
        });
  }

  /** {@code 1 of staff and 1 of client}. */
  static String needs(Map<String, Integer> missing) {
    if (missing.isEmpty()) {
      return "nothing more";
    }
    List<String> parts = new ArrayList<>();
    missing.forEach((group, count) -> parts.add(count + " of " + group));
    return String.join(" and ", parts);
  }

  /** {@code ; decided: sam approved (staff)}, or nothing when nobody has decided. */
  private static String decided(List<Approval.Decision> decisions) {
    if (decisions.isEmpty()) {
      return "";
    }
    List<String> who = new ArrayList<>();
    for (Approval.Decision d : decisions) {
      who.add(
          d.principal()
              + (d.approve() ? " approved" : " rejected")
              + (d.groups().isEmpty()
                  ? ""
                  : " (" + String.join(", ", d.groups().stream().sorted().toList()) + ")")
              + (d.comment().isBlank() ? "" : ": " + d.comment()));
    }
    return "; decided: " + String.join("; ", who);
  }
}
