package io.stagecoach.domain.chat;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import java.time.Instant;
import java.util.Optional;

/**
 * The port that keeps what Stagecoach knows about Slack: which Slack account is which principal,
 * which channel an app's approval requests go to, and which approval requests were posted already.
 */
public interface SlackDirectory {

  Optional<SlackUser> findUser(String teamId, String userId);

  /**
   * A Slack account linked to {@code principal}, to write to them directly; the first found when
   * several are (one per workspace).
   */
  Optional<SlackUser> findUserOf(String principal);

  /** Every linked account, by workspace and member id. */
  Outcome<Page<SlackUser>> listUsers(PageRequest page);

  /** Creates or replaces the link; {@link WriteResult.AlreadyExists} is never answered. */
  WriteResult putUser(SlackUser user);

  WriteResult deleteUser(String teamId, String userId);

  Optional<SlackChannel> findChannel(String app);

  /** Sets the app's channel if the app exists ({@link WriteResult.Missing} otherwise). */
  WriteResult putChannel(SlackChannel channel);

  WriteResult deleteChannel(String app);

  /**
   * Records that the approval request is being posted, unless it already was: EventBridge may
   * deliver the same {@code Approval Requested} twice. {@code false} when another delivery claimed
   * it first. The record is forgotten after {@code keepUntil}.
   */
  boolean claimApprovalNotice(String app, String approvalId, Instant keepUntil);

  /** Forgets a claim whose post failed, so that a retried delivery posts again. */
  void releaseApprovalNotice(String app, String approvalId);
}
