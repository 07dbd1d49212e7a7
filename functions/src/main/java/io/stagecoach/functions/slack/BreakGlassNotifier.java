package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.domain.override.BreakGlassConfirmed;
import io.stagecoach.functions.support.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts {@code Break Glass Requested} and {@code Break Glass Confirmed} to their app's Slack
 * channel, so that forcing a gate is never quiet: who asked, why, which gates, and who confirmed.
 * Each notice is claimed in the registry before it is posted (deliveries repeat); a post Slack
 * could not take gives the claim back and fails, so that Lambda retries it.
 */
public final class BreakGlassNotifier {

  private static final Log LOG = Log.of(BreakGlassNotifier.class);

  static final Duration NOTICE_KEPT = Duration.ofDays(30);

  private final SlackDirectory directory;
  private final Supplier<String> botToken;
  private final SlackWeb slack;

  public BreakGlassNotifier(SlackDirectory directory, Supplier<String> botToken, SlackWeb slack) {
    this.directory = directory;
    this.botToken = botToken;
    this.slack = slack;
  }

  private static Instant expiry(JsonNode detail) {
    try {
      return Instant.parse(detail.path("expiresAt").asText(""));
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  public void handle(JsonNode event) {
    JsonNode d = event.path("detail");
    String id = d.path("breakGlassId").asText("");
    String app = d.path("app").asText("");
    if (id.isEmpty() || app.isEmpty()) {
      LOG.error(
          "break-glass event without breakGlassId or app", "eventId", event.path("id").asText(""));
      return;
    }
    boolean confirmed =
        event.path("detail-type").asText("").equals(BreakGlassConfirmed.DETAIL_TYPE);
    Optional<SlackChannel> channel = directory.findChannel(app);
    if (channel.isEmpty()) {
      LOG.info(
          "no Slack channel for the app; break-glass not posted", "app", app, "breakGlassId", id);
      return;
    }
    String notice = (confirmed ? "break-glass-confirmed:" : "break-glass:") + id;
    // Kept past the request's own time box, from its expiry (the event's, not this function's
    // clock).
    Instant kept = expiry(d).plus(NOTICE_KEPT);
    SlackNotice.postOnce(
        directory,
        LOG,
        app,
        notice,
        kept,
        () ->
            slack.postMessage(
                botToken.get(), channel.get().channelId(), BlockKit.breakGlass(d, confirmed)),
        "break-glass message",
        id,
        "app",
        app,
        "breakGlassId",
        id,
        "confirmed",
        String.valueOf(confirmed));
  }
}
