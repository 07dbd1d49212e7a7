package io.stagecoach.functions.codecommit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditLog;
import io.stagecoach.domain.push.PushDecision;
import io.stagecoach.domain.push.PushService;
import io.stagecoach.domain.push.RepositoryChange;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.support.AuditTrail;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The push function: CodeCommit's "Repository State Change" events from the default bus, carried
 * out by {@link PushService}. It answers (and logs, one JSON line) what it did: {@code done},
 * {@code refused} (a rule said no), {@code ignored} (no app or rule for the branch, a tag, a merge
 * commit) or {@code malformed}. None of these throws, so EventBridge does not retry an event that
 * would fare the same again; a technical failure (DynamoDB, the bus, Step Functions) throws and the
 * event is retried, then dead-lettered. What it did or was refused is recorded in the audit log
 * (surface {@code codecommit}, the pusher as principal).
 */
public final class PushHandler implements RequestStreamHandler {

  private static final Log LOG = Log.of(PushHandler.class);
  private static final String SURFACE = "codecommit";

  private final PushService pushes;
  private final AuditTrail audit;
  private final Clock clock;

  /** Lambda's constructor: settings from the process environment. */
  public PushHandler() {
    this(Settings.processEnvironment());
  }

  /** The function's environment as the template declares it, on the system clock. */
  public PushHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public PushHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment), clock);
  }

  private PushHandler(Settings settings, Clock clock) {
    this(CoreServices.withWorkflow(settings), settings.registryTable(), clock);
  }

  private PushHandler(CoreServices core, String table, Clock clock) {
    this(
        new PushService(core.registry(), core.deployments(), core.promotions(), core.events()),
        new DynamoDbAuditLog(core.dynamo(), table),
        clock);
  }

  /** Pushes carried out, recorded nowhere (handler tests that look at other things). */
  public PushHandler(PushService pushes, Clock clock) {
    this(pushes, AuditLog.NONE, clock);
  }

  /** Pushes carried out, each decision recorded in {@code audit}. */
  public PushHandler(PushService pushes, AuditLog audit, Clock clock) {
    this.pushes = pushes;
    this.audit = new AuditTrail(audit, SURFACE);
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    ObjectNode report = handle(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    String line = Json.write(report);
    LOG.report("CodeCommit push handled", report);
    output.write(line.getBytes(StandardCharsets.UTF_8));
  }

  /** What became of one event, as the log line and the answer show it. */
  ObjectNode handle(String text) {
    ObjectNode report = Json.object().put("function", "push");
    CodeCommitEvent read = CodeCommitEvent.read(text);
    Optional<JsonNode> parsed;
    try {
      parsed = Optional.of(Json.parse(text));
    } catch (JsonProcessingException e) {
      parsed = Optional.empty();
    }
    if (read instanceof CodeCommitEvent.Malformed m) {
      return malformed(report, text, parsed, m.problem());
    }
    if (parsed.isEmpty()) {
      return malformed(report, text, parsed, "is not JSON");
    }
    JsonNode event = parsed.get();
    Optional<String> id = text(event, "id");
    Optional<String> region = text(event, "region");
    if (id.isEmpty() || region.isEmpty()) {
      return malformed(report, text, parsed, id.isEmpty() ? "id is missing" : "region is missing");
    }
    RepositoryChange change = ((CodeCommitEvent.Change) read).change();
    report.put("eventId", id.get()).put("repository", change.repository());
    if (change instanceof RepositoryChange.ReferenceChange ref) {
      report.put("reference", ref.name());
    }
    var caller = PushService.pusher(text(event.path("detail"), "callerUserArn"));
    report.put("principal", caller.name());
    Instant now = clock.instant();
    PushService.Result result =
        pushes.handle(caller, change, new PushService.Delivery(id.get(), region.get()), now);
    record(caller.name(), id.get(), now, result, target(change));
    switch (result) {
      case PushService.Result.Done d ->
          report
              .put("level", "INFO")
              .put("outcome", "done")
              .put("decision", decision(d.decision()))
              .put("detail", d.detail());
      case PushService.Result.Refused r ->
          report
              .put("level", "WARN")
              .put("outcome", "refused")
              .put("decision", decision(r.decision()))
              .put("code", r.rejection().code().wireName())
              .put("detail", r.rejection().detail());
      case PushService.Result.Ignored i ->
          report.put("level", "INFO").put("outcome", "ignored").put("detail", i.reason());
    }
    return report;
  }

  /**
   * Records what the push decided and how it ended, once per event (a redelivery has the same id),
   * at the time the push was taken up: before the promotion it starts records its own steps. An
   * ignored push changed nothing, and is recorded as {@code codecommit push} with outcome {@code
   * ignored} and the reason.
   */
  private void record(
      String principal, String eventId, Instant at, PushService.Result result, String pushed) {
    PushDecision decision;
    String outcome;
    String detail;
    switch (result) {
      case PushService.Result.Done d -> {
        decision = d.decision();
        outcome = AuditEntry.ACCEPTED;
        detail = d.detail();
      }
      case PushService.Result.Refused r -> {
        decision = r.decision();
        outcome = r.rejection().code().wireName();
        detail = r.rejection().detail();
      }
      case PushService.Result.Ignored i -> {
        ignored(principal, eventId, AuditEntry.idOf(SURFACE, eventId), at, pushed, i.reason());
        return;
      }
    }
    String action;
    String app;
    Optional<String> environment;
    Optional<String> version;
    switch (decision) {
      case PushDecision.RegisterAndPromote p -> {
        action = "promote";
        app = p.app();
        environment = Optional.empty();
        version = Optional.of(p.version());
      }
      case PushDecision.DeployEphemeral d -> {
        action = "deploy";
        app = d.app();
        environment = Optional.of(d.environment());
        version = Optional.of(d.version());
      }
      case PushDecision.DestroyEphemeral d -> {
        action = "destroy";
        app = d.app();
        environment = Optional.of(d.environment());
        version = Optional.empty();
      }
      case PushDecision.Ignored i -> {
        ignored(principal, eventId, AuditEntry.idOf(SURFACE, eventId), at, pushed, i.reason());
        return;
      }
    }
    audit.record(
        new AuditTrail.Decision(
            AuditEntry.idOf(SURFACE, eventId),
            at,
            principal,
            action,
            app + environment.map(e -> "/" + e).orElse("") + version.map(v -> " " + v).orElse(""),
            Optional.of(app),
            environment,
            outcome,
            eventId,
            Optional.empty(),
            version,
            Optional.of(detail)));
  }

  /**
   * An event taken up and left alone: {@code codecommit push}, outcome {@code ignored}, the reason
   * in its detail. {@code auditId} is the event's (a redelivery records nothing more).
   */
  private void ignored(
      String principal, String eventId, String auditId, Instant at, String pushed, String reason) {
    audit.record(
        new AuditTrail.Decision(
            auditId,
            at,
            principal,
            "push",
            pushed,
            Optional.empty(),
            Optional.empty(),
            AuditEntry.IGNORED,
            eventId,
            Optional.empty(),
            Optional.empty(),
            Optional.of(reason)));
  }

  /**
   * A malformed event is answered, logged and recorded as ignored, once: its id when it has one,
   * else its whole text, names the entry. Who pushed is read from it where it can be.
   */
  private ObjectNode malformed(
      ObjectNode report, String text, Optional<JsonNode> parsed, String problem) {
    String detail = "not a CodeCommit Repository State Change event: " + problem;
    Optional<String> id = parsed.flatMap(e -> text(e, "id"));
    String principal =
        PushService.pusher(parsed.flatMap(e -> text(e.path("detail"), "callerUserArn"))).name();
    ignored(
        principal,
        id.orElse("malformed"),
        AuditEntry.idOf(SURFACE, id.orElse(text)),
        clock.instant(),
        parsed.flatMap(e -> text(e.path("detail"), "repositoryName")).orElse("an unreadable event"),
        detail);
    return report.put("level", "WARN").put("outcome", "malformed").put("detail", detail);
  }

  /**
   * What was pushed, as an entry's target: the repository and the reference ({@code myRepo
   * refs/tags/v1}), or the commit of a merge no reference points at yet.
   */
  private static String target(RepositoryChange change) {
    return change.repository()
        + " "
        + switch (change) {
          case RepositoryChange.ReferenceChange ref ->
              (ref.type() == RepositoryChange.ReferenceType.TAG ? "refs/tags/" : "refs/heads/")
                  + ref.name();
          case RepositoryChange.UnreferencedMergeCommit merge -> merge.commitId();
        };
  }

  private static String decision(PushDecision decision) {
    return switch (decision) {
      case PushDecision.RegisterAndPromote r -> "registerAndPromote";
      case PushDecision.DeployEphemeral d -> "deployEphemeral";
      case PushDecision.DestroyEphemeral d -> "destroyEphemeral";
      case PushDecision.Ignored i -> "ignored";
    };
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty()
        ? Optional.of(value.asText())
        : Optional.empty();
  }
}
