package io.stagecoach.functions.slack;

import static io.stagecoach.functions.slack.BlockKit.escape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.chat.ChatCommand;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.SecretsManagerSecret;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code POST /slack/commands} and {@code POST /slack/interactions}: what Slack sends when someone
 * types {@code /stagecoach ...} or clicks Approve or Reject.
 *
 * <p>Every request is checked against Slack's signature first, on the raw body; an unsigned, stale
 * or wrongly signed one is answered 401 and nothing else happens. The Slack account is then mapped
 * to its principal (an unlinked account is told so, and nothing happens), and the command runs
 * through the same use cases and rules as the REST API.
 *
 * <p>Slack waits three seconds for an answer. Quick commands answer in the HTTP response; slow ones
 * ({@link SlackCommands#isSlow}) are acknowledged at once and handed to a deferred invocation
 * ({@link CommandDeferral}), which verifies the request again, runs it and posts the result to the
 * command's {@code response_url}. A click decides the approval at once and replaces the message
 * through its {@code response_url}.
 */
public final class SlackWebhook {

  private static final Log LOG = Log.of(SlackWebhook.class);

  public static final String COMMANDS = "/slack/commands";
  public static final String INTERACTIONS = "/slack/interactions";

  /**
   * Slack's bodies are a few kilobytes; a larger one is refused before its signature is computed.
   */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final Supplier<String> signingSecret;
  private final SlackDirectoryService directory;
  private final SlackCommands commands;
  private final SlackWeb slack;
  private final CommandDeferral deferral;
  private final Clock requestClock;

  /**
   * @param commands the commands, and the decisions of buttons (approvals, expiry warnings), made
   *     on their clock and recorded in their audit log
   * @param requestClock the time a request's signature timestamp is checked against: the wall
   *     clock, as Slack's own, even where the commands' clock has been moved (the local cloud)
   */
  public SlackWebhook(
      Supplier<String> signingSecret,
      SlackDirectoryService directory,
      SlackCommands commands,
      SlackWeb slack,
      CommandDeferral deferral,
      Clock requestClock) {
    this.requestClock = requestClock;
    this.signingSecret = signingSecret;
    this.directory = directory;
    this.commands = commands;
    this.slack = slack;
    this.deferral = deferral;
  }

  /**
   * An API Gateway proxy event in, the proxy response out. {@code functionArn}: this invocation's
   * own ARN.
   */
  public ObjectNode handle(JsonNode proxyEvent, String functionArn) {
    SlackHttpRequest request = SlackHttpRequest.from(proxyEvent);
    try {
      return answer(request, proxyEvent, functionArn);
    } catch (RuntimeException e) {
      LOG.error(
          "Slack request failed",
          "requestId",
          request.requestId(),
          "route",
          request.resource(),
          "error",
          e.getClass().getName());
      return problem(
          500,
          "internal_error",
          "Internal error",
          "the request failed inside Stagecoach; quote request id " + request.requestId());
    }
  }

  /**
   * The deferred half of a slow command: verified again, run, and answered through its response
   * URL.
   */
  public void finish(JsonNode proxyEvent) {
    SlackHttpRequest request = SlackHttpRequest.from(proxyEvent);
    if (!COMMANDS.equals(request.resource()) || !isAuthentic(request)) {
      LOG.warn(
          "deferred Slack command dropped: not a signed command", "requestId", request.requestId());
      return;
    }
    if (!(SlashCommand.parse(request.bodyText())
        instanceof Outcome.Accepted<SlashCommand> parsed)) {
      LOG.warn("deferred Slack command dropped: malformed", "requestId", request.requestId());
      return;
    }
    SlashCommand command = parsed.value();
    SlackReply reply;
    try {
      reply =
          directory
              .principalOf(command.teamId(), command.userId())
              .map(caller -> commands.run(caller, command.chatCommand(), command.triggerId()))
              .orElseGet(() -> notLinked(command.teamId(), command.userId()));
    } catch (RuntimeException e) {
      LOG.error(
          "deferred Slack command failed",
          "requestId",
          request.requestId(),
          "error",
          e.getClass().getName());
      reply =
          SlackReply.toPerson(
              "Stagecoach failed to run this command; quote request id "
                  + request.requestId()
                  + ".");
    }
    deliver(command.responseUrl(), reply.followUp(), request.requestId());
  }

  private ObjectNode answer(SlackHttpRequest request, JsonNode proxyEvent, String functionArn) {
    if (!COMMANDS.equals(request.resource()) && !INTERACTIONS.equals(request.resource())) {
      return problem(404, "not_found", "Not found", "no Slack route " + request.resource());
    }
    if (!request.method().equals("POST")) {
      ObjectNode refused =
          problem(
              405,
              "validation_failed",
              "Method not allowed",
              "Slack posts to this route; use POST");
      ((ObjectNode) refused.get("headers")).put("Allow", "POST");
      return refused;
    }
    if (request.body().length > MAX_BODY_BYTES) {
      return problem(
          413,
          "validation_failed",
          "Request body too large",
          "the body has "
              + request.body().length
              + " bytes; Slack never sends more than "
              + MAX_BODY_BYTES);
    }
    if (!isAuthentic(request)) {
      return problem(
          401,
          "unauthorized",
          "Unauthorized",
          "the request does not carry a valid, recent Slack signature (X-Slack-Signature, X-Slack-Request-Timestamp)");
    }
    return request.resource().equals(COMMANDS)
        ? command(request, proxyEvent, functionArn)
        : interaction(request);
  }

  private boolean isAuthentic(SlackHttpRequest request) {
    String secret;
    try {
      secret = signingSecret.get();
    } catch (SecretsManagerSecret.SecretNotSet e) {
      // Nothing can be verified without it: every request is refused (401) until it is set.
      LOG.error(
          "the Slack signing secret is not set; Slack requests are refused until it is",
          "requestId",
          request.requestId());
      return false;
    }
    SlackRequestSignature.Verdict verdict =
        new SlackRequestSignature(secret)
            .verify(
                request.header("X-Slack-Request-Timestamp").orElse(null),
                request.header("X-Slack-Signature").orElse(null),
                request.bodyText(),
                requestClock.instant());
    if (!verdict.isAuthentic()) {
      LOG.warn(
          "Slack request refused", "requestId", request.requestId(), "verdict", verdict.name());
    }
    return verdict.isAuthentic();
  }

  private ObjectNode command(SlackHttpRequest request, JsonNode proxyEvent, String functionArn) {
    Outcome<SlashCommand> parsed = SlashCommand.parse(request.bodyText());
    if (parsed instanceof Outcome.Rejected<SlashCommand> r) {
      return problem(400, "validation_failed", "Not a slash command", r.rejection().detail());
    }
    SlashCommand command = ((Outcome.Accepted<SlashCommand>) parsed).value();
    Optional<Principal> caller = directory.principalOf(command.teamId(), command.userId());
    if (caller.isEmpty()) {
      return slackJson(notLinked(command.teamId(), command.userId()).message());
    }
    ChatCommand chat = command.chatCommand();
    LOG.info(
        "Slack command",
        "requestId",
        request.requestId(),
        "principal",
        caller.get().name(),
        "command",
        chat.getClass().getSimpleName());
    if (!SlackCommands.isSlow(chat)) {
      return slackJson(commands.run(caller.get(), chat, command.triggerId()).message());
    }
    if (!deferral.defer(functionArn, proxyEvent)) {
      return slackJson(
          SlackReply.toPerson("Stagecoach could not start this command just now; try again.")
              .message());
    }
    return slackJson(
        SlackReply.toPerson(
                "Working on it: "
                    + escape(command.command() + " " + command.text())
                    + " (the answer follows here).")
            .message());
  }

  private ObjectNode interaction(SlackHttpRequest request) {
    return switch (SlackInteraction.read(request.bodyText())) {
      case SlackInteraction.Malformed m ->
          problem(400, "validation_failed", "Not a Slack interaction", m.problem());
      case SlackInteraction.Unsupported u -> {
        LOG.info(
            "Slack interaction ignored", "requestId", request.requestId(), "reason", u.reason());
        yield empty();
      }
      case ApprovalClick click -> {
        deliver(click.responseUrl(), decide(click, request.requestId()), request.requestId());
        yield empty();
      }
      case EnvironmentClick click -> {
        deliver(click.responseUrl(), act(click, request.requestId()), request.requestId());
        yield empty();
      }
    };
  }

  /**
   * The approval decided by a click, as the message that replaces the request, or a note to the
   * clicker.
   */
  private ObjectNode decide(ApprovalClick click, String requestId) {
    if (click.teamId().isEmpty()) {
      return SlackReply.toPerson("Stagecoach cannot tell which workspace this click came from.")
          .followUp();
    }
    Optional<Principal> caller = directory.principalOf(click.teamId().get(), click.slackUserId());
    if (caller.isEmpty()) {
      return notLinked(click.teamId().get(), click.slackUserId()).followUp();
    }
    boolean approve = click.decision() == ApprovalClick.Decision.APPROVE;
    return switch (commands.onApprovalClick(caller.get(), click.approvalId(), approve, requestId)) {
      case Outcome.Rejected<Approval> r -> SlackCommands.refused(r.rejection()).followUp();
      case Outcome.Accepted<Approval> a when a.value().isPending() ->
          SlackReply.toPerson(
                  escape(caller.get().name())
                      + "'s approval of "
                      + SlackCommands.approvalSubject(a.value())
                      + " counts; the approval still waits for the other approvers its policy needs.")
              .followUp();
      case Outcome.Accepted<Approval> a ->
          BlockKit.approvalDecided(
              view(a.value()), click.decision(), click.slackUserId(), Optional.empty());
    };
  }

  /**
   * Extend 24 h or Destroy now on an expiry warning: done, the warning is replaced saying so;
   * refused, the clicker is told why and the warning stays.
   */
  private ObjectNode act(EnvironmentClick click, String requestId) {
    if (click.teamId().isEmpty()) {
      return SlackReply.toPerson("Stagecoach cannot tell which workspace this click came from.")
          .followUp();
    }
    Optional<Principal> caller = directory.principalOf(click.teamId().get(), click.slackUserId());
    if (caller.isEmpty()) {
      return notLinked(click.teamId().get(), click.slackUserId()).followUp();
    }
    LOG.info(
        "Slack expiry button",
        "principal",
        caller.get().name(),
        "app",
        click.app(),
        "environment",
        click.environment(),
        "choice",
        click.choice().name());
    return switch (commands.onExpiryWarning(
        caller.get(),
        click.app(),
        click.environment(),
        click.choice() == EnvironmentClick.Choice.EXTEND,
        requestId)) {
      case Outcome.Accepted<String> done ->
          BlockKit.environmentActedOn(click.slackUserId(), done.value());
      case Outcome.Rejected<String> r -> SlackCommands.refused(r.rejection()).followUp();
    };
  }

  static BlockKit.Approval view(Approval approval) {
    return new BlockKit.Approval(
        approval.id(),
        approval.app(),
        approval.version(),
        approval.environment(),
        approval.requestedBy(),
        Optional.empty());
  }

  private void deliver(String responseUrl, ObjectNode message, String requestId) {
    switch (slack.respond(responseUrl, message)) {
      case SlackWeb.Result.Delivered d -> {}
      case SlackWeb.Result.Refused r ->
          LOG.warn("Slack refused the response", "requestId", requestId, "error", r.error());
      case SlackWeb.Result.Unavailable u ->
          LOG.warn("Slack did not take the response", "requestId", requestId, "error", u.reason());
    }
  }

  private static SlackReply notLinked(String teamId, String userId) {
    return SlackReply.toPerson(
        "Your Slack account ("
            + escape(userId)
            + " in workspace "
            + escape(teamId)
            + ") is not linked to a Stagecoach principal, so Stagecoach did nothing. An admin links it with"
            + " PUT /v1/slack/teams/"
            + escape(teamId)
            + "/users/"
            + escape(userId)
            + ".");
  }

  // ------------------------------------------------------------ proxy responses

  private static ObjectNode slackJson(ObjectNode body) {
    return response(200, "application/json", Json.write(body));
  }

  private static ObjectNode empty() {
    ObjectNode response = Json.object().put("statusCode", 200);
    response.putObject("headers").put("Cache-Control", "no-store");
    return response.put("body", "").put("isBase64Encoded", false);
  }

  private static ObjectNode problem(int status, String code, String title, String detail) {
    ObjectNode body =
        Json.object()
            .put("type", "urn:stagecoach:problem:" + code)
            .put("title", title)
            .put("status", status)
            .put("code", code)
            .put("detail", detail);
    return response(status, "application/problem+json", Json.write(body));
  }

  private static ObjectNode response(int status, String contentType, String body) {
    ObjectNode response = Json.object().put("statusCode", status);
    response
        .putObject("headers")
        .put("Content-Type", contentType)
        .put("Cache-Control", "no-store")
        .put("X-Content-Type-Options", "nosniff");
    return response.put("body", body).put("isBase64Encoded", false);
  }
}
