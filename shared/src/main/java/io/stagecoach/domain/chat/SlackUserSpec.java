package io.stagecoach.domain.chat;

import java.util.List;

/** A Slack account's link as an admin describes it, before the rules have been checked. */
public record SlackUserSpec(String principal, List<String> roles, List<String> groups) {

  public SlackUserSpec {
    roles = List.copyOf(roles);
    groups = List.copyOf(groups);
  }
}
