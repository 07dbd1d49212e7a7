package io.stagecoach.functions.slack;

import java.util.Optional;

/**
 * Someone clicked "Extend 24 h" or "Destroy now" on an expiry warning in Slack. {@code slackUserId}
 * is who clicked (Slack vouches for it through the request signature); whether they may is the
 * extend and destroy use cases' decision, as for the API.
 *
 * @param responseUrl where to post the message that replaces the warning
 */
public record EnvironmentClick(
    String app,
    String environment,
    Choice choice,
    String slackUserId,
    Optional<String> teamId,
    String responseUrl)
    implements SlackInteraction {

  public enum Choice {
    EXTEND,
    DESTROY
  }
}
