package io.stagecoach.domain.audit;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading the audit log: an admin reads every entry; anyone else only the entries of their own
 * requests (a principal filter naming someone else is refused). A range whose end comes before its
 * start, or a malformed filter, is refused before anything is read.
 */
public final class AuditService {

  /**
   * What entries name as their action: a route, a Slack command, or a decision of the push
   * function, the workflow or the reaper ({@code workflow stage.started}).
   */
  private static final java.util.regex.Pattern ACTION =
      java.util.regex.Pattern.compile(
          "(?:GET|POST|PUT|PATCH|DELETE) /v1(?:/[A-Za-z0-9{}._-]+)+|slack [a-z]+"
              + "|(?:codecommit|workflow|reaper) [a-z]+(?:\\.[a-z_]+)?");

  private final AuditLog log;

  public AuditService(AuditLog log) {
    this.log = log;
  }

  public Outcome<Page<AuditEntry>> read(Principal caller, AuditQuery query, PageRequest page) {
    List<FieldError> errors = new ArrayList<>();
    query
        .app()
        .flatMap(Identifier.APP_NAME::problem)
        .ifPresent(p -> errors.add(new FieldError("app", p)));
    query
        .environment()
        .flatMap(Identifier.ENVIRONMENT_NAME::problem)
        .ifPresent(p -> errors.add(new FieldError("env", p)));
    query
        .principal()
        .flatMap(Identifier.PRINCIPAL_NAME::problem)
        .ifPresent(p -> errors.add(new FieldError("principal", p)));
    query
        .action()
        .filter(a -> a.length() > 200 || !ACTION.matcher(a).matches())
        .ifPresent(
            a ->
                errors.add(
                    new FieldError(
                        "action",
                        "must be a route such as 'DELETE /v1/apps/{app}/environments/{env}', a"
                            + " command such as 'slack deploy' or a decision such as 'workflow"
                            + " stage.started'")));
    if (query.since().isPresent()
        && query.until().isPresent()
        && query.until().get().isBefore(query.since().get())) {
      errors.add(new FieldError("until", "must not be before since"));
    }
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    if (caller.may(Role.ADMIN)) {
      return log.find(query, page);
    }
    if (query.principal().isPresent() && !query.principal().get().equals(caller.name())) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.FORBIDDEN,
              caller.name()
                  + " may read only the entries of their own requests; reading others' needs the"
                  + " admin role"));
    }
    return log.find(query.of(caller.name()), page);
  }
}
