package io.stagecoach.functions.codecommit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.push.PushDecision;
import io.stagecoach.domain.push.PushService;
import io.stagecoach.domain.push.RepositoryChange;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The push function: CodeCommit's "Repository State Change" events from the default bus, carried
 * out by {@link PushService}. It answers (and logs, one JSON line) what it did: {@code done},
 * {@code refused} (a rule said no), {@code ignored} (no app or rule for the branch, a tag, a merge
 * commit) or {@code malformed}. None of these throws, so EventBridge does not retry an event that
 * would fare the same again; a technical failure (DynamoDB, the bus, Step Functions) throws and the
 * event is retried, then dead-lettered.
 */
public final class PushHandler implements RequestStreamHandler {

  private static final Log LOG = Log.of(PushHandler.class);

  private final PushService pushes;
  private final Clock clock;

  /** Lambda's constructor: settings from the process environment. */
  public PushHandler() {
    this(System.getenv());
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
    this(service(Settings.fromEnvironment(environment)), clock);
  }

  public PushHandler(PushService pushes, Clock clock) {
    this.pushes = pushes;
    this.clock = clock;
  }

  private static PushService service(Settings settings) {
    CoreServices core = CoreServices.withWorkflow(settings);
    return new PushService(core.registry(), core.deployments(), core.promotions(), core.events());
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
    if (read instanceof CodeCommitEvent.Malformed m) {
      return malformed(report, m.problem());
    }
    JsonNode event;
    try {
      event = Json.parse(text);
    } catch (JsonProcessingException e) {
      return malformed(report, "is not JSON");
    }
    Optional<String> id = text(event, "id");
    Optional<String> region = text(event, "region");
    if (id.isEmpty() || region.isEmpty()) {
      return malformed(report, id.isEmpty() ? "id is missing" : "region is missing");
    }
    RepositoryChange change = ((CodeCommitEvent.Change) read).change();
    report.put("eventId", id.get()).put("repository", change.repository());
    if (change instanceof RepositoryChange.ReferenceChange ref) {
      report.put("reference", ref.name());
    }
    var caller = PushService.pusher(text(event.path("detail"), "callerUserArn"));
    report.put("principal", caller.name());
    PushService.Result result =
        pushes.handle(
            caller, change, new PushService.Delivery(id.get(), region.get()), clock.instant());
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

  private static ObjectNode malformed(ObjectNode report, String problem) {
    return report
        .put("level", "WARN")
        .put("outcome", "malformed")
        .put("detail", "not a CodeCommit Repository State Change event: " + problem);
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
