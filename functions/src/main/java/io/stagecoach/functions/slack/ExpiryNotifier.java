package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.domain.chat.SlackUser;
import io.stagecoach.domain.expiry.EnvironmentExpiring;
import io.stagecoach.functions.support.Log;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts an {@code Environment Expiring} to the environment's owner, by direct message when their
 * Slack account is linked, else to the app's channel, with "Extend 24 h" and "Destroy now" buttons
 * ({@link BlockKit#environmentExpiring}).
 *
 * <p>EventBridge delivers at least once: each warning (environment, lead time, expiry) is claimed
 * before it is posted, as approval requests are, so a second delivery posts nothing. A post Slack
 * could not take gives the claim back and fails the invocation, so that Lambda retries it.
 */
public final class ExpiryNotifier {

  private static final Log LOG = Log.of(ExpiryNotifier.class);

  /** How long a claim is kept after the expiry it warned about. */
  static final Duration NOTICE_KEPT = Duration.ofDays(30);

  private final SlackDirectory directory;
  private final Supplier<String> botToken;
  private final SlackWeb slack;

  public ExpiryNotifier(SlackDirectory directory, Supplier<String> botToken, SlackWeb slack) {
    this.directory = directory;
    this.botToken = botToken;
    this.slack = slack;
  }

  /** Handles one {@code Environment Expiring} event from the Stagecoach bus. */
  public void handle(JsonNode event) {
    Optional<BlockKit.Expiring> read = expiring(event.path("detail"));
    if (read.isEmpty()) {
      LOG.error(
          EnvironmentExpiring.DETAIL_TYPE
              + " without app, environment, owner, expiresAt or leadTimeMinutes",
          "eventId",
          event.path("id").asText(""));
      return;
    }
    BlockKit.Expiring e = read.get();
    Optional<String> recipient =
        directory
            .findUserOf(e.owner())
            .map(SlackUser::userId)
            .or(() -> directory.findChannel(e.app()).map(SlackChannel::channelId));
    if (recipient.isEmpty()) {
      LOG.info(
          "the owner has no linked Slack account and the app no channel; expiry warning not posted",
          "app",
          e.app(),
          "environment",
          e.environment());
      return;
    }
    String notice = "expiring:" + e.environment() + ":" + e.leadTime() + ":" + e.expiresAt();
    SlackNotice.postOnce(
        directory,
        LOG,
        e.app(),
        notice,
        e.expiresAt().plus(NOTICE_KEPT),
        () -> slack.postMessage(botToken.get(), recipient.get(), BlockKit.environmentExpiring(e)),
        "expiry warning",
        e.app() + "/" + e.environment(),
        "app",
        e.app(),
        "environment",
        e.environment(),
        "recipient",
        recipient.get());
  }

  private static Optional<BlockKit.Expiring> expiring(JsonNode detail) {
    String app = detail.path("app").asText("");
    String environment = detail.path("environment").asText("");
    String owner = detail.path("owner").asText("");
    long lead = detail.path("leadTimeMinutes").asLong(0);
    if (app.isEmpty() || environment.isEmpty() || owner.isEmpty() || lead < 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new BlockKit.Expiring(
              app,
              environment,
              owner,
              Instant.parse(detail.path("expiresAt").asText("")),
              Duration.ofMinutes(lead)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
