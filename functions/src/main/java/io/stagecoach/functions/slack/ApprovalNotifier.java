package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.domain.promotion.ApprovalRequested;
import io.stagecoach.functions.support.Log;
import io.stagecoach.json.PlanJson;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts an {@code Approval Requested} to its app's Slack channel as a Block Kit message with the
 * plan's summary, blast radius and cost, a link to the full plan, and Approve and Reject buttons
 * ({@link BlockKit#approvalRequested}), with {@code chat.postMessage} and the bot token.
 *
 * <p>EventBridge delivers at least once, so each approval is claimed in the registry before it is
 * posted: a second delivery finds the claim and posts nothing. A post Slack could not take
 * (unreachable, rate-limited) gives the claim back and fails the invocation, so that Lambda retries
 * it; a post Slack refused for good (no such channel, the bot not in it, a bad token) is logged and
 * not retried.
 */
public final class ApprovalNotifier {

  private static final Log LOG = Log.of(ApprovalNotifier.class);

  /**
   * How long a claim is kept: longer than any approval waits (an approval times out within days).
   */
  static final Duration NOTICE_KEPT = Duration.ofDays(30);

  /** Slack was unavailable; thrown so that the delivery is retried. */
  public static final class SlackUnavailable extends RuntimeException {
    SlackUnavailable(String message) {
      super(message);
    }
  }

  private final SlackDirectory directory;
  private final Supplier<String> botToken;
  private final SlackWeb slack;
  private final Optional<URI> stagecoachUrl;
  private final Clock clock;

  /** A notifier whose messages link nowhere (no Stagecoach URL is known). */
  public ApprovalNotifier(
      SlackDirectory directory, Supplier<String> botToken, SlackWeb slack, Clock clock) {
    this(directory, botToken, slack, Optional.empty(), clock);
  }

  /**
   * @param stagecoachUrl the base URL of Stagecoach's REST API: the message links to the approval
   *     there ({@code GET /v1/approvals/{id}}, with its full plan)
   */
  public ApprovalNotifier(
      SlackDirectory directory,
      Supplier<String> botToken,
      SlackWeb slack,
      Optional<URI> stagecoachUrl,
      Clock clock) {
    this.directory = directory;
    this.botToken = botToken;
    this.slack = slack;
    this.stagecoachUrl = stagecoachUrl;
    this.clock = clock;
  }

  /**
   * Handles one event from the Stagecoach bus; any other detail type than Approval Requested is
   * ignored.
   */
  public void handle(JsonNode event) {
    String type = event.path("detail-type").asText("");
    if (!type.equals(ApprovalRequested.DETAIL_TYPE)) {
      LOG.info("event ignored", "detailType", type);
      return;
    }
    JsonNode detail = event.path("detail");
    Optional<BlockKit.Approval> approval = approval(detail);
    if (approval.isEmpty()) {
      LOG.error(
          "Approval Requested without approvalId, app, version or environment",
          "eventId",
          event.path("id").asText(""));
      return;
    }
    BlockKit.Approval a = approval.get();
    Optional<SlackChannel> channel = directory.findChannel(a.app());
    if (channel.isEmpty()) {
      LOG.info(
          "no Slack channel for the app; approval not posted",
          "app",
          a.app(),
          "approvalId",
          a.approvalId());
      return;
    }
    if (!directory.claimApprovalNotice(
        a.app(), a.approvalId(), clock.instant().plus(NOTICE_KEPT))) {
      LOG.info("approval already posted", "app", a.app(), "approvalId", a.approvalId());
      return;
    }
    SlackWeb.Result result;
    try {
      result =
          slack.postMessage(
              botToken.get(),
              channel.get().channelId(),
              BlockKit.approvalRequested(a, plan(detail), planLink(a.approvalId())));
    } catch (RuntimeException e) {
      directory.releaseApprovalNotice(a.app(), a.approvalId());
      throw e;
    }
    switch (result) {
      case SlackWeb.Result.Delivered d ->
          LOG.info(
              "approval posted",
              "app",
              a.app(),
              "approvalId",
              a.approvalId(),
              "channel",
              channel.get().channelId(),
              "ts",
              d.body().path("ts").asText(""));
      case SlackWeb.Result.Refused r ->
          LOG.error(
              "Slack refused the approval message",
              "app",
              a.app(),
              "approvalId",
              a.approvalId(),
              "channel",
              channel.get().channelId(),
              "error",
              r.error());
      case SlackWeb.Result.Unavailable u -> {
        directory.releaseApprovalNotice(a.app(), a.approvalId());
        throw new SlackUnavailable(
            "Slack did not take the approval message for " + a.approvalId() + ": " + u.reason());
      }
    }
  }

  /**
   * The plan the event carries, or why there is none; a plan that cannot be read is reported as
   * unavailable rather than failing the message.
   */
  private static BlockKit.PlanShown plan(JsonNode detail) {
    if (detail.hasNonNull("plan")) {
      try {
        return new BlockKit.PlanShown.Shown(PlanJson.read(detail.get("plan")));
      } catch (RuntimeException e) {
        LOG.warn("the approval's plan cannot be read", "error", e.getMessage());
        return new BlockKit.PlanShown.Unavailable("the plan in the event cannot be read");
      }
    }
    return new BlockKit.PlanShown.Unavailable(
        detail.path("planUnavailable").asText("the provisioner did not plan"));
  }

  /** {@code {stagecoach}/v1/approvals/{id}}, where the full plan is. */
  private Optional<String> planLink(String approvalId) {
    return stagecoachUrl.map(
        base -> {
          String root = base.toString();
          return (root.endsWith("/") ? root : root + "/")
              + "v1/approvals/"
              + URLEncoder.encode(approvalId, StandardCharsets.UTF_8);
        });
  }

  private static Optional<BlockKit.Approval> approval(JsonNode detail) {
    String id = detail.path("approvalId").asText("");
    String app = detail.path("app").asText("");
    String version = detail.path("version").asText("");
    String environment = detail.path("environment").asText("");
    if (id.isEmpty() || app.isEmpty() || version.isEmpty() || environment.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new BlockKit.Approval(
            id,
            app,
            version,
            environment,
            detail.path("requestedBy").asText("?"),
            Optional.empty()));
  }
}
