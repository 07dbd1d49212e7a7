package io.stagecoach.functions.slack;

import java.util.Optional;

/**
 * Someone clicked Approve or Reject on an approval request in Slack. {@code slackUserId} is who
 * clicked (Slack vouches for it through the request signature); mapping it to a principal, and
 * refusing a requester who approves their own promotion, is the approval use case's job.
 *
 * @param responseUrl where to post the updated message ({@link BlockKit#approvalDecided}) within 30
 *     minutes
 * @param messageTs the clicked message, for {@code chat.update} when the response URL has expired
 */
public record ApprovalClick(
    String approvalId,
    Decision decision,
    String slackUserId,
    Optional<String> slackUserName,
    Optional<String> teamId,
    Optional<String> channelId,
    Optional<String> messageTs,
    String responseUrl,
    Optional<String> triggerId)
    implements SlackInteraction {

  public enum Decision {
    APPROVE,
    REJECT
  }
}
