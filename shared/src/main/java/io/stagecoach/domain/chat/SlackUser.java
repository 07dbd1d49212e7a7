package io.stagecoach.domain.chat;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import java.time.Instant;
import java.util.Set;

/**
 * A Slack account linked to a Stagecoach principal: who a person clicking or typing in Slack is,
 * with the roles and groups the same rules as the API check. {@code teamId} is the workspace,
 * {@code userId} the member in it (Slack user ids are only unique within a workspace, or an
 * Enterprise Grid organisation).
 */
public record SlackUser(
    String teamId,
    String userId,
    String principal,
    Set<Role> roles,
    Set<String> groups,
    Instant updatedAt,
    String updatedBy) {

  public SlackUser {
    roles = Set.copyOf(roles);
    groups = Set.copyOf(groups);
  }

  public Principal asPrincipal() {
    return new Principal(principal, roles, groups);
  }
}
