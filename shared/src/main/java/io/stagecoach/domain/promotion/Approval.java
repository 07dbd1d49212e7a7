package io.stagecoach.domain.promotion;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.plan.Plan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A gate on a stage for one promotion: the policy it must satisfy, the decisions taken so far (who,
 * in which groups, approve or reject, when, with what comment), and how it ended. The task token of
 * the waiting workflow step is kept with it and never shown: the API speaks of approval ids. {@code
 * plan} is what deploying the release into the stage would change, asked of the stage's provisioner
 * when the approval was requested (with its blast radius and cost); {@code planUnavailable} says
 * why there is none when the provisioner could not plan.
 */
public record Approval(
    String id,
    String app,
    String promotionId,
    String environment,
    String version,
    ApprovalPolicy policy,
    String requestedBy,
    Instant requestedAt,
    Instant expiresAt,
    Status status,
    List<Decision> decisions,
    Optional<String> taskToken,
    Optional<Plan> plan,
    Optional<String> planUnavailable) {

  public enum Status {
    PENDING,
    APPROVED,
    REJECTED,
    EXPIRED,
    SUPERSEDED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Status> fromWire(String value) {
      for (Status s : values()) {
        if (s.wireName().equals(value)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  public record Decision(
      String principal, Set<String> groups, boolean approve, String comment, Instant at) {
    public Decision {
      groups = Set.copyOf(groups);
    }
  }

  public static final int MAX_COMMENT = 500;

  public Approval {
    decisions = List.copyOf(decisions);
  }

  /** An approval asked for without a plan. */
  public Approval(
      String id,
      String app,
      String promotionId,
      String environment,
      String version,
      ApprovalPolicy policy,
      String requestedBy,
      Instant requestedAt,
      Instant expiresAt,
      Status status,
      List<Decision> decisions,
      Optional<String> taskToken) {
    this(
        id,
        app,
        promotionId,
        environment,
        version,
        policy,
        requestedBy,
        requestedAt,
        expiresAt,
        status,
        decisions,
        taskToken,
        Optional.empty(),
        Optional.empty());
  }

  public boolean isPending() {
    return status == Status.PENDING;
  }

  /** Per group, the approvals still needed (each approver counted once); empty once approved. */
  public Map<String, Integer> missing() {
    return policy.missing(approvers(decisions));
  }

  /**
   * The approval after {@code caller} decided. Refusals: it is no longer pending (or has expired),
   * the caller asked for the promotion ({@code self_approval}), already decided, or belongs to none
   * of the policy's groups ({@code forbidden}).
   */
  public Outcome<Approval> decide(Principal caller, boolean approve, String comment, Instant now) {
    if (comment.length() > MAX_COMMENT) {
      return Outcome.rejected(
          Rejection.invalid("comment", "must be at most " + MAX_COMMENT + " characters"));
    }
    if (status != Status.PENDING) {
      return Outcome.rejected(
          Rejection.conflict(
              "approval " + id + " is no longer pending: it was " + status.wireName()));
    }
    if (!now.isBefore(expiresAt)) {
      return Outcome.rejected(Rejection.conflict("approval " + id + " expired at " + expiresAt));
    }
    if (requesterCannotApproveOwnPromotion(caller)) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.SELF_APPROVAL,
              caller.name()
                  + " asked for this promotion and cannot decide on it; another person must"));
    }
    if (decisions.stream().anyMatch(d -> d.principal().equals(caller.name()))) {
      return Outcome.rejected(
          Rejection.conflict(
              caller.name()
                  + " has already decided on approval "
                  + id
                  + "; one person counts once"));
    }
    if (!policy.admits(caller.groups())) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.FORBIDDEN,
              caller.name()
                  + " is in none of the groups "
                  + policy.groupNames().stream().sorted().toList()
                  + " that approve "
                  + environment));
    }
    List<Decision> all = new ArrayList<>(decisions);
    Set<String> counted = new java.util.TreeSet<>(caller.groups());
    counted.retainAll(policy.groupNames());
    all.add(new Decision(caller.name(), counted, approve, comment, now));
    Status next =
        !approve
            ? Status.REJECTED
            : policy.isSatisfiedBy(approvers(all)) ? Status.APPROVED : Status.PENDING;
    return Outcome.accepted(
        new Approval(
            id,
            app,
            promotionId,
            environment,
            version,
            policy,
            requestedBy,
            requestedAt,
            expiresAt,
            next,
            all,
            taskToken,
            plan,
            planUnavailable));
  }

  boolean requesterCannotApproveOwnPromotion(Principal caller) {
    return caller.name().equals(requestedBy);
  }

  public Approval withTaskToken(String token) {
    return new Approval(
        id,
        app,
        promotionId,
        environment,
        version,
        policy,
        requestedBy,
        requestedAt,
        expiresAt,
        status,
        decisions,
        Optional.of(token),
        plan,
        planUnavailable);
  }

  public Approval ended(Status status) {
    return new Approval(
        id,
        app,
        promotionId,
        environment,
        version,
        policy,
        requestedBy,
        requestedAt,
        expiresAt,
        status,
        decisions,
        taskToken,
        plan,
        planUnavailable);
  }

  private static Map<String, Set<String>> approvers(List<Decision> decisions) {
    Map<String, Set<String>> approvers = new HashMap<>();
    decisions.stream()
        .filter(Decision::approve)
        .forEach(d -> approvers.put(d.principal(), d.groups()));
    return approvers;
  }
}
