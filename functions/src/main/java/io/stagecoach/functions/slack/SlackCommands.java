package io.stagecoach.functions.slack;

import static io.stagecoach.functions.slack.BlockKit.escape;

import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.chat.ChatCommand;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentPlanning;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PlanSummary;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Gate;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.ExpiryPolicy;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Secrets;
import io.stagecoach.functions.support.AuditNote;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.TokenSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code /stagecoach} commands, run for a principal through the same use cases as the REST API,
 * with the same role per action as the API route that does the same: reading needs {@code viewer},
 * changing an environment {@code deployer}; an approval's own groups decide who may approve. A
 * refusal is a reply, never an exception.
 */
public final class SlackCommands {

  private static final Log LOG = Log.of(SlackCommands.class);

  /** Past this many lines a listing says how many it left out. */
  private static final int MAX_LINES = 20;

  private final RegistryService registry;
  private final DeploymentService deployments;
  private final PromotionService promotions;
  private final DeploymentPlanning planning;
  private final AuditLog audit;
  private final Clock clock;
  private final TokenSource ids = new TokenSource();

  public SlackCommands(
      RegistryService registry,
      DeploymentService deployments,
      PromotionService promotions,
      TierPlanner planner,
      Clock clock) {
    this(registry, deployments, promotions, new DeploymentPlanning(registry, planner), clock);
  }

  public SlackCommands(
      RegistryService registry,
      DeploymentService deployments,
      PromotionService promotions,
      DeploymentPlanning planning,
      Clock clock) {
    this(registry, deployments, promotions, planning, AuditLog.NONE, clock);
  }

  /** Commands whose changes (and refusals) are recorded in {@code audit}. */
  public SlackCommands(
      RegistryService registry,
      DeploymentService deployments,
      PromotionService promotions,
      DeploymentPlanning planning,
      AuditLog audit,
      Clock clock) {
    this.registry = registry;
    this.deployments = deployments;
    this.promotions = promotions;
    this.planning = planning;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Commands that may take longer than Slack waits for an answer (three seconds): they ask a
   * provisioner for a plan, or record and announce a deployment or promotion. The webhook
   * acknowledges them first.
   */
  public static boolean isSlow(ChatCommand command) {
    return command instanceof ChatCommand.Deploy
        || command instanceof ChatCommand.Promote
        || command instanceof ChatCommand.Diff
        || command instanceof ChatCommand.Rollback;
  }

  /**
   * Runs {@code command} for {@code caller}. {@code requestKey} identifies the Slack request (its
   * trigger id): a deploy delivered twice makes one deployment.
   */
  public SlackReply run(Principal caller, ChatCommand command, String requestKey) {
    SlackReply reply = answer(caller, command, requestKey);
    audit(caller, command, requestKey, reply);
    return reply;
  }

  /**
   * Records a command that changes something (or asks to), however it ended: who, from Slack, what,
   * the outcome, and for one carried out what it changed ({@link SlackReply#change}, from what the
   * core returned). A failure to record is logged; the person has the reply.
   */
  private void audit(Principal caller, ChatCommand command, String requestKey, SlackReply reply) {
    if (command.action().isEmpty() || command.action().get() == Action.READ) {
      return;
    }
    String verb = command.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    Optional<String> app =
        switch (command) {
          case ChatCommand.Deploy d -> Optional.of(d.app());
          case ChatCommand.Promote p -> Optional.of(p.app());
          case ChatCommand.Rollback r -> Optional.of(r.app());
          case ChatCommand.Freeze f -> Optional.of(f.app());
          case ChatCommand.Unfreeze u -> Optional.of(u.app());
          case ChatCommand.Extend x -> Optional.of(x.app());
          case ChatCommand.Drift d -> Optional.of(d.app());
          default -> Optional.empty();
        };
    Optional<String> environment =
        switch (command) {
          case ChatCommand.Deploy d -> Optional.of(d.environment());
          case ChatCommand.Rollback r -> Optional.of(r.environment());
          case ChatCommand.Freeze f -> Optional.of(f.environment());
          case ChatCommand.Unfreeze u -> Optional.of(u.environment());
          case ChatCommand.Extend x -> Optional.of(x.environment());
          case ChatCommand.Drift d -> Optional.of(d.environment());
          default -> Optional.empty();
        };
    String target =
        switch (command) {
          case ChatCommand.Approve a -> a.approvalId();
          case ChatCommand.Reject r -> r.approvalId();
          case ChatCommand.Promote p -> p.app() + " " + p.version();
          default -> app.orElse("") + environment.map(e -> "/" + e).orElse("");
        };
    record(
        caller,
        verb,
        target,
        app,
        environment,
        reply.refusal(),
        reply.change(),
        "slack-" + requestKey);
  }

  /**
   * One entry of the Slack surface: {@code slack <verb>} on {@code target}, accepted or refused
   * with {@code refusal}'s code; an accepted one with what it changed ({@code change}), a refused
   * one with nothing. A failure to record is logged.
   */
  private void record(
      Principal caller,
      String verb,
      String target,
      Optional<String> app,
      Optional<String> environment,
      Optional<String> refusal,
      AuditNote change,
      String requestId) {
    AuditNote noted = refusal.isPresent() ? AuditNote.NONE : change;
    try {
      audit.record(
          new AuditEntry(
              "au-" + ids.newId(),
              clock.instant(),
              caller.name(),
              "slack",
              "slack " + verb,
              target,
              app,
              environment,
              refusal.orElse(AuditEntry.ACCEPTED),
              refusal.isPresent() ? 409 : 200,
              requestId,
              noted.before(),
              noted.after(),
              noted.detail()));
    } catch (RuntimeException e) {
      LOG.error(e, "audit entry not recorded", "command", verb);
    }
  }

  /** The stable code an outcome was refused with, if it was. */
  private static Optional<String> refusalOf(Outcome<?> outcome) {
    return outcome instanceof Outcome.Rejected<?> r
        ? Optional.of(r.rejection().code().wireName())
        : Optional.empty();
  }

  /**
   * A click on an approval request's Approve or Reject button: decided by the approval use case
   * (its policy's groups say who may), and recorded as {@code slack approve} or {@code slack
   * reject} would be, under {@code requestId} (the click's request).
   */
  public Outcome<Approval> onApprovalClick(
      Principal caller, String approvalId, boolean approve, String requestId) {
    Outcome<Approval> decided = promotions.decide(caller, approvalId, approve, "", clock.instant());
    Optional<Approval> done =
        decided instanceof Outcome.Accepted<Approval> a ? Optional.of(a.value()) : Optional.empty();
    record(
        caller,
        approve ? "approve" : "reject",
        approvalId,
        done.map(Approval::app),
        done.map(Approval::environment),
        refusalOf(decided),
        done.map(x -> AuditNote.approval(x, approve)).orElse(AuditNote.NONE),
        requestId);
    return decided;
  }

  private SlackReply answer(Principal caller, ChatCommand command, String requestKey) {
    Optional<Role> needed = command.action().map(Action::requiredRole);
    if (needed.isPresent() && !caller.may(needed.get())) {
      return SlackReply.refused(
          escape(caller.name())
              + " may not do this: it needs the "
              + needed.get().wireName()
              + " role, and "
              + escape(caller.name())
              + " has "
              + caller.roles().stream().map(Role::wireName).sorted().toList()
              + ".",
          Rejection.Code.FORBIDDEN.wireName());
    }
    Instant now = clock.instant();
    return switch (command) {
      case ChatCommand.Help h -> SlackReply.toPerson(ChatCommand.helpText());
      case ChatCommand.Unknown u -> SlackReply.toPerson(u.replyText());
      case ChatCommand.Invalid i -> SlackReply.toPerson(i.replyText());
      case ChatCommand.Envs e -> environments(e.app());
      case ChatCommand.Status s -> status(s.app());
      case ChatCommand.Why w -> why(w, now);
      case ChatCommand.Deploy d -> deploy(caller, d, requestKey, now);
      case ChatCommand.Promote p -> promote(caller, p, now);
      case ChatCommand.Approve a -> decide(caller, a.approvalId(), true, a.comment(), now);
      case ChatCommand.Reject r -> decide(caller, r.approvalId(), false, r.comment(), now);
      case ChatCommand.Rollback r -> rollback(caller, r, now);
      case ChatCommand.Freeze f ->
          answer(
              registry.freeze(
                  caller,
                  f.app(),
                  f.environment(),
                  f.reason().orElse("frozen from Slack by " + caller.name()),
                  now),
              env ->
                  SlackReply.toChannel(
                          escape(caller.name())
                              + " froze "
                              + where(env)
                              + ": "
                              + escape(env.freeze().map(z -> z.reason()).orElse(""))
                              + ". Promotions stop at its gate until it is unfrozen.")
                      .changed(AuditNote.freeze(env)));
      case ChatCommand.Unfreeze u ->
          answer(
              registry.unfreeze(u.app(), u.environment()),
              env ->
                  SlackReply.toChannel(escape(caller.name()) + " unfroze " + where(env) + ".")
                      .changed(AuditNote.freeze(env)));
      case ChatCommand.Diff d -> diff(d);
      case ChatCommand.Drift d -> drift(caller, d, now);
      case ChatCommand.Extend x ->
          answer(
              registry.extendEnvironment(
                  caller, x.app(), x.environment(), Optional.empty(), Optional.of(x.by()), now),
              env ->
                  SlackReply.toChannel(
                          where(env)
                              + " now expires at "
                              + env.expiresAt().map(Instant::toString).orElse("?")
                              + " (extended by "
                              + escape(caller.name())
                              + ").")
                      .changed(AuditNote.extended(env)));
    };
  }

  /**
   * Starts a drift check (or finds the one under way); what it finds comes to the app's channel as
   * Drift Detected or Drift Resolved when the status changes, and is on the environment.
   */
  private SlackReply drift(Principal caller, ChatCommand.Drift d, Instant now) {
    return answer(
        deployments
            .driftChecks()
            .request(caller.name(), d.app(), d.environment(), "k-" + ids.newId(), now),
        r -> {
          String where = where(r.environment());
          if (r.check().isEmpty()) {
            return SlackReply.toPerson(
                where
                    + " has never been deployed: its drift is unknown, and there is nothing to"
                    + " check.");
          }
          String last = escape(r.environment().drift().describe());
          return SlackReply.toPerson(
                  (r.started()
                          ? "Checking "
                              + where
                              + " for drift (check "
                              + escape(r.check().get().id())
                          : "A drift check of "
                              + where
                              + " is under way already (check "
                              + escape(r.check().get().id())
                              + ", asked by "
                              + escape(r.check().get().requestedBy()))
                      + "). Last check: "
                      + last
                      + ". A change is posted to the app's channel.")
              .changed(AuditNote.driftCheck(r));
        });
  }

  private SlackReply environments(String app) {
    return answer(
        registry.listEnvironments(app, new PageRequest(Optional.empty(), MAX_LINES)),
        page -> {
          List<String> lines = new ArrayList<>();
          for (Environment env : page.items()) {
            lines.add(
                "• "
                    + escape(env.name())
                    + " ("
                    + env.kind().wireName()
                    + ", "
                    + env.tier().wireName()
                    + "): "
                    + deployed(env));
          }
          if (lines.isEmpty()) {
            return SlackReply.toPerson("App " + escape(app) + " has no environments yet.");
          }
          return SlackReply.toPerson(
              "Environments of "
                  + escape(app)
                  + ":\n"
                  + String.join("\n", lines)
                  + (page.nextCursor().isPresent()
                      ? "\n(more: GET /v1/apps/" + escape(app) + "/environments)"
                      : ""));
        });
  }

  private SlackReply status(String appName) {
    return answer(
        registry.getApp(appName),
        app -> {
          List<String> lines = new ArrayList<>();
          for (Stage stage : app.pipeline()) {
            String state =
                registry.getEnvironment(app.name(), stage.environment())
                        instanceof Outcome.Accepted<Environment> env
                    ? deployed(env.value())
                    : "not registered";
            lines.add("• " + escape(stage.environment()) + ": " + state);
          }
          return SlackReply.toPerson(
              "Pipeline of " + escape(app.name()) + ":\n" + String.join("\n", lines));
        });
  }

  /**
   * Whether the release could be promoted there now: every reason, and what each stage waits for.
   */
  private SlackReply why(ChatCommand.Why w, Instant now) {
    return answer(
        promotions.eligibility(w.app(), w.version(), w.to(), now),
        e -> {
          List<String> lines = new ArrayList<>();
          lines.add(
              escape(e.app())
                  + " "
                  + escape(e.version())
                  + " to "
                  + escape(e.to())
                  + (e.eligible() ? ": can be promoted now." : ": cannot be promoted now."));
          e.reasons().forEach(r -> lines.add("• because " + escape(r)));
          for (Gate.OfStage stage : e.stages()) {
            for (Gate g : stage.gates()) {
              if (g.state() != Gate.State.OPEN && g.state() != Gate.State.PASSED) {
                lines.add(
                    "• "
                        + escape(stage.environment())
                        + " "
                        + g.kind().wireName()
                        + " "
                        + g.state().wireName()
                        + ": "
                        + escape(g.reason()));
              }
            }
          }
          return SlackReply.toPerson(String.join("\n", lines));
        });
  }

  private SlackReply deploy(
      Principal caller, ChatCommand.Deploy d, String requestKey, Instant now) {
    String requestHash = Secrets.hash(d.app() + "\n" + d.environment() + "\n" + d.version());
    try {
      return answer(
          deployments.request(
              caller,
              d.app(),
              new DeploymentSpec(d.environment(), d.version()),
              Optional.of("slack-" + requestKey),
              requestHash,
              "d-" + ids.newId(),
              DeploymentService.Origin.API,
              now),
          (Saved<Deployment> saved) ->
              SlackReply.toChannel(
                      escape(caller.name())
                          + " is deploying "
                          + escape(d.app())
                          + " "
                          + escape(d.version())
                          + " to "
                          + escape(d.environment())
                          + " (deployment "
                          + escape(saved.value().id())
                          + "). /stagecoach status "
                          + escape(d.app())
                          + " shows when it runs.")
                  .changed(
                      AuditNote.deployment(saved, saved.value().version(), saved.value().id())));
    } catch (EventPublisher.EventNotPublishedException e) {
      return notAnnounced("Deployment Requested", e);
    }
  }

  private SlackReply promote(Principal caller, ChatCommand.Promote p, Instant now) {
    try {
      return answer(
          promotions.start(
              caller, p.app(), p.version(), Optional.empty(), p.to(), "pr-" + ids.newId(), now),
          (Promotion promotion) ->
              SlackReply.toChannel(
                      escape(caller.name())
                          + " is promoting "
                          + escape(p.app())
                          + " "
                          + escape(p.version())
                          + " through "
                          + escape(
                              String.join(
                                  ", ",
                                  promotion.stages().stream()
                                      .map(Promotion.StageProgress::environment)
                                      .toList()))
                          + " (promotion "
                          + escape(promotion.id())
                          + ").")
                  .changed(AuditNote.promotion(promotion)));
    } catch (EventPublisher.EventNotPublishedException e) {
      return notAnnounced("Promotion Started", e);
    }
  }

  private SlackReply decide(
      Principal caller, String approvalId, boolean approve, Optional<String> comment, Instant now) {
    return answer(
        promotions.decide(caller, approvalId, approve, comment.orElse(""), now),
        approval ->
            SlackReply.toChannel(
                    escape(caller.name())
                        + (approve ? " approved " : " rejected ")
                        + escape(approval.app())
                        + " "
                        + escape(approval.version())
                        + " to "
                        + escape(approval.environment())
                        + " (approval "
                        + escape(approval.id())
                        + "): it is now "
                        + approval.status().wireName()
                        + ".")
                .changed(AuditNote.approval(approval, approve)));
  }

  private SlackReply rollback(Principal caller, ChatCommand.Rollback r, Instant now) {
    try {
      return answer(
          deployments.rollback(
              caller,
              r.app(),
              r.environment(),
              Optional.empty(),
              Deployment.ORIGIN_ROLLBACK,
              "d-" + ids.newId(),
              now),
          (Saved<Deployment> saved) ->
              SlackReply.toChannel(
                      escape(caller.name())
                          + " is rolling "
                          + escape(r.app())
                          + "/"
                          + escape(r.environment())
                          + " back to "
                          + escape(saved.value().version().orElse("?"))
                          + " (deployment "
                          + escape(saved.value().id())
                          + ").")
                  .changed(
                      AuditNote.deployment(saved, saved.value().version(), saved.value().id())));
    } catch (EventPublisher.EventNotPublishedException e) {
      return notAnnounced("Deployment Requested", e);
    }
  }

  /**
   * What deploying the version would change, from the environment's own provisioner. Changes
   * nothing.
   */
  private SlackReply diff(ChatCommand.Diff d) {
    return switch (planning.preview(d.app(), d.environment(), d.version())) {
      case DeploymentPlanning.Preview.Planned p ->
          SlackReply.toPerson(plan(d, p.environment(), p.plan()));
      case DeploymentPlanning.Preview.Refused f -> refused(f.rejection());
      case DeploymentPlanning.Preview.Unavailable u ->
          SlackReply.toPerson(
              "The "
                  + u.tier().wireName()
                  + " provisioner could not plan now ("
                  + escape(u.reason())
                  + "); try again in a minute.");
    };
  }

  private static String plan(ChatCommand.Diff d, Environment env, Plan plan) {
    String subject =
        escape(d.app())
            + " "
            + escape(d.version())
            + " in "
            + escape(d.environment())
            + env.deployedVersion().map(v -> " (now " + escape(v) + ")").orElse("");
    if (plan.isEmpty()) {
      return "Deploying " + subject + " changes nothing.";
    }
    PlanSummary s = plan.summary();
    StringBuilder text =
        new StringBuilder(
            "Deploying "
                + subject
                + ": "
                + s.adds()
                + " to add, "
                + s.modifies()
                + " to change, "
                + s.replacements()
                + " to replace, "
                + s.removes()
                + " to remove.");
    plan.blastRadius()
        .ifPresent(
            b ->
                text.append(" Blast radius ")
                    .append(b.level().wireName())
                    .append(b.dataLossCount() > 0 ? " (data loss possible)" : "")
                    .append('.'));
    plan.cost()
        .ifPresent(
            c ->
                text.append(" Cost ")
                    .append(c.currency())
                    .append(' ')
                    .append(c.monthlyAfter().toPlainString())
                    .append(" a month (")
                    .append(BlockKit.signed(c.delta()))
                    .append(")."));
    int shown = 0;
    for (ResourceChange c : plan.changes()) {
      if (shown++ == MAX_LINES) {
        text.append("\n… and ").append(plan.changes().size() - MAX_LINES).append(" more");
        break;
      }
      text.append("\n• ")
          .append(c.action().wireName())
          .append(' ')
          .append(escape(c.logicalId()))
          .append(" (")
          .append(escape(c.type()))
          .append(')')
          .append(c.replacementReason().map(r -> ": " + escape(r)).orElse(""))
          .append(c.supported() ? "" : ", not made by this provisioner");
    }
    return text.toString();
  }

  private static String deployed(Environment env) {
    String version = env.deployedVersion().map(v -> "runs " + escape(v)).orElse("nothing deployed");
    return version + env.freeze().map(f -> ", frozen: " + escape(f.reason())).orElse("");
  }

  private static String where(Environment env) {
    return escape(env.app()) + "/" + escape(env.name());
  }

  private static <T> SlackReply answer(
      Outcome<T> outcome, java.util.function.Function<T, SlackReply> reply) {
    return switch (outcome) {
      case Outcome.Accepted<T> a -> reply.apply(a.value());
      case Outcome.Rejected<T> r -> refused(r.rejection());
    };
  }

  /**
   * A click on an expiry warning's button, with the API's rules: extending is the owner's or an
   * admin's ({@link RegistryService#extendEnvironment}); destroying needs the role the API's
   * destroy needs and, from a warning, to be the owner or an admin. Answers what was done.
   */
  public Outcome<String> onExpiryWarning(
      Principal caller, String app, String environment, boolean extend, String requestId) {
    Instant now = clock.instant();
    Action action = extend ? Action.MANAGE_ENVIRONMENTS : Action.DEPLOY;
    Outcome<Done> done;
    if (!caller.may(action.requiredRole())) {
      done =
          Outcome.rejected(
              Rejection.of(
                  Rejection.Code.FORBIDDEN,
                  caller.name()
                      + " may not do this: it needs the "
                      + action.requiredRole().wireName()
                      + " role"));
    } else if (extend) {
      done =
          registry
              .extendEnvironment(
                  caller, app, environment, Optional.empty(), Optional.of(BlockKit.EXTEND_BY), now)
              .map(
                  env ->
                      new Done(
                          app
                              + "/"
                              + environment
                              + " extended by "
                              + caller.name()
                              + ": it now expires at "
                              + env.expiresAt().map(Instant::toString).orElse("?"),
                          AuditNote.extended(env)));
    } else {
      done =
          registry
              .getEnvironment(app, environment)
              .flatMap(
                  env ->
                      ExpiryPolicy.ownerOrAdminOnly(caller, env, "destroy")
                          .<Outcome<Environment>>map(Outcome::rejected)
                          .orElseGet(() -> Outcome.accepted(env)))
              .flatMap(
                  env ->
                      deployments.destroy(
                          caller, app, environment, Optional.empty(), "x-" + ids.newId(), now))
              .map(
                  d ->
                      new Done(
                          app
                              + "/"
                              + environment
                              + " is being destroyed at "
                              + caller.name()
                              + "'s request (deployment "
                              + d.value().id()
                              + ")",
                          AuditNote.deployment(d, Optional.empty(), d.value().id())));
    }
    record(
        caller,
        extend ? "extend" : "destroy",
        app + "/" + environment,
        Optional.of(app),
        Optional.of(environment),
        refusalOf(done),
        done instanceof Outcome.Accepted<Done> a ? a.value().change() : AuditNote.NONE,
        requestId);
    return done.map(Done::text);
  }

  /** What a button did: the words for Slack, and the change for the audit log. */
  private record Done(String text, AuditNote change) {}

  /** A refusal in the API's words, with its stable code, seen only by the person who asked. */
  static SlackReply refused(Rejection rejection) {
    StringBuilder text =
        new StringBuilder(
            "Refused (" + rejection.code().wireName() + "): " + escape(rejection.detail()));
    if (rejection.errors().size() > 1) {
      rejection
          .errors()
          .forEach(
              e ->
                  text.append("\n• ")
                      .append(escape(e.field()))
                      .append(": ")
                      .append(escape(e.message())));
    }
    return SlackReply.refused(text.toString(), rejection.code().wireName());
  }

  private static SlackReply notAnnounced(String event, RuntimeException e) {
    LOG.error("event not published", "event", event, "error", String.valueOf(e.getMessage()));
    return SlackReply.toPerson(
        "Stagecoach recorded the request but could not announce it ("
            + event
            + " was not published); run the command again.");
  }

  static String approvalSubject(Approval approval) {
    return escape(approval.app())
        + " "
        + escape(approval.version())
        + " to "
        + escape(approval.environment());
  }
}
