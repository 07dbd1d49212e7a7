package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.domain.drift.DriftResolved;
import io.stagecoach.functions.support.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts {@code Drift Detected} and {@code Drift Resolved} to their app's Slack channel: which
 * resources of which environment were deleted or changed by hand, and when that is repaired. Each
 * notice is claimed in the registry before it is posted (deliveries repeat); a post Slack could not
 * take gives the claim back and fails, so that Lambda retries it.
 */
public final class DriftNotifier {

  private static final Log LOG = Log.of(DriftNotifier.class);

  static final Duration NOTICE_KEPT = Duration.ofDays(30);

  private final SlackDirectory directory;
  private final Supplier<String> botToken;
  private final SlackWeb slack;

  public DriftNotifier(SlackDirectory directory, Supplier<String> botToken, SlackWeb slack) {
    this.directory = directory;
    this.botToken = botToken;
    this.slack = slack;
  }

  public void handle(JsonNode event) {
    JsonNode d = event.path("detail");
    String checkId = d.path("checkId").asText("");
    String app = d.path("app").asText("");
    if (checkId.isEmpty() || app.isEmpty()) {
      LOG.error("drift event without checkId or app", "eventId", event.path("id").asText(""));
      return;
    }
    boolean resolved = event.path("detail-type").asText("").equals(DriftResolved.DETAIL_TYPE);
    Optional<SlackChannel> channel = directory.findChannel(app);
    if (channel.isEmpty()) {
      LOG.info("no Slack channel for the app; drift not posted", "app", app, "checkId", checkId);
      return;
    }
    String notice =
        (resolved ? "drift-resolved:" : "drift-detected:")
            + d.path("environment").asText("")
            + ":"
            + checkId;
    // Kept from the check's time (the event's, not this function's clock).
    Instant kept = checkedAt(d).plus(NOTICE_KEPT);
    SlackNotice.postOnce(
        directory,
        LOG,
        app,
        notice,
        kept,
        () ->
            slack.postMessage(
                botToken.get(), channel.get().channelId(), BlockKit.drift(d, resolved)),
        "drift message",
        checkId,
        "app",
        app,
        "environment",
        d.path("environment").asText(""),
        "checkId",
        checkId,
        "resolved",
        String.valueOf(resolved));
  }

  private static Instant checkedAt(JsonNode detail) {
    try {
      return Instant.parse(detail.path("checkedAt").asText(""));
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
