package io.stagecoach.domain.pipeline;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a stage's gates must satisfy: approvals that can be met, windows that open, bounded soak
 * times.
 */
public final class StageRules {

  static final int MAX_GROUPS = 5;
  static final int MAX_APPROVERS = 10;

  private StageRules() {}

  public static List<FieldError> problems(Stage stage, String field) {
    List<FieldError> errors = new ArrayList<>();
    stage
        .approval()
        .ifPresent(
            a -> {
              if (a.groups().isEmpty()) {
                errors.add(
                    new FieldError(field + ".approval.groups", "must name at least one group"));
              }
              if (a.groups().size() > MAX_GROUPS) {
                errors.add(
                    new FieldError(
                        field + ".approval.groups", "must have at most " + MAX_GROUPS + " groups"));
              }
              Set<String> seen = new HashSet<>();
              for (int i = 0; i < a.groups().size(); i++) {
                ApprovalPolicy.GroupQuorum q = a.groups().get(i);
                String at = field + ".approval.groups[" + i + "]";
                Optional<String> groupProblem = Identifier.GROUP_NAME.problem(q.group());
                if (groupProblem.isPresent()) {
                  errors.add(new FieldError(at + ".group", groupProblem.get()));
                } else if (!seen.add(q.group())) {
                  errors.add(new FieldError(at + ".group", "'" + q.group() + "' is listed twice"));
                }
                if (q.minApprovers() < 1 || q.minApprovers() > MAX_APPROVERS) {
                  errors.add(new FieldError(at + ".min", "must be 1 to " + MAX_APPROVERS));
                }
              }
              if (a.timeout().compareTo(Duration.ofSeconds(5)) < 0
                  || a.timeout().compareTo(ApprovalPolicy.MAX_TIMEOUT) > 0) {
                errors.add(
                    new FieldError(
                        field + ".approval.timeoutMinutes",
                        "the timeout must be 5 seconds to 7 days"));
              }
            });
    stage
        .window()
        .ifPresent(
            w -> {
              if (w.days().isEmpty()) {
                errors.add(new FieldError(field + ".window.days", "must name at least one day"));
              }
              if (w.start().equals(w.end())) {
                errors.add(new FieldError(field + ".window", "start and end must differ"));
              }
            });
    stage
        .verification()
        .flatMap(Verification::problem)
        .ifPresent(p -> errors.add(new FieldError(field + ".verification", p)));
    if (stage.maxWait().compareTo(java.time.Duration.ofHours(1)) < 0
        || stage.maxWait().compareTo(Stage.MAX_MAX_WAIT) > 0) {
      errors.add(
          new FieldError(
              field + ".maxWaitHours", "must be 1 to " + Stage.MAX_MAX_WAIT.toHours() + " hours"));
    }
    if (stage.soak().isNegative() || stage.soak().compareTo(Stage.MAX_SOAK) > 0) {
      errors.add(
          new FieldError(field + ".soakSeconds", "must be 0 to " + Stage.MAX_SOAK.toSeconds()));
    }
    return errors;
  }
}
