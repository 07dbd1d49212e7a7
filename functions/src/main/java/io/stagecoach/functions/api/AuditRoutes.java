package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditQuery;
import io.stagecoach.domain.audit.AuditService;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.functions.support.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/audit?app=&env=&principal=&action=&since=&until=}: the audit log, newest first;
 * every entry for an admin, one's own for anyone else.
 */
record AuditRoutes(AuditService audit) {

  ApiResponse read(ApiRequest req) {
    List<FieldError> errors = new ArrayList<>();
    Optional<Instant> since = instant(req, "since", errors);
    Optional<Instant> until = instant(req, "until", errors);
    if (!errors.isEmpty()) {
      return RegistryRoutes.invalid(req, errors);
    }
    AuditQuery query =
        new AuditQuery(
            param(req, "app"),
            param(req, "env"),
            param(req, "principal"),
            param(req, "action"),
            since,
            until);
    return RegistryRoutes.pageRequest(req)
        .map(
            page ->
                RegistryRoutes.answer(
                    req,
                    audit.read(req.caller(), query, page),
                    p -> Views.page(p, AuditRoutes::entry)))
        .fold();
  }

  private static Optional<String> param(ApiRequest req, String name) {
    return req.queryParam(name).filter(v -> !v.isEmpty());
  }

  private static Optional<Instant> instant(ApiRequest req, String name, List<FieldError> errors) {
    Optional<String> text = param(req, name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text.get()));
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-12-01T18:00:00Z"));
      return Optional.empty();
    }
  }

  static ObjectNode entry(AuditEntry e) {
    ObjectNode o = Json.object();
    o.put("id", e.id());
    o.put("at", e.at().toString());
    o.put("principal", e.principal());
    o.put("surface", e.surface());
    o.put("action", e.action());
    o.put("target", e.target());
    e.app().ifPresent(v -> o.put("app", v));
    e.environment().ifPresent(v -> o.put("environment", v));
    o.put("outcome", e.outcome());
    o.put("status", e.status());
    o.put("requestId", e.requestId());
    e.before().ifPresent(v -> o.put("before", v));
    e.after().ifPresent(v -> o.put("after", v));
    e.detail().ifPresent(v -> o.put("detail", v));
    return o;
  }
}
