package io.stagecoach.domain.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who must approve before a release enters a stage: for each group, a minimum number of distinct
 * approvers (staging: 1 of {@code staff}; prod: 1 of {@code staff} and 1 of {@code client}). One
 * person counts once, even when they belong to several groups, and the promotion's requester never
 * counts. Without enough approvals within {@code timeout}, the approval expires and the promotion
 * stops.
 */
public record ApprovalPolicy(List<GroupQuorum> groups, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);
  public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

  public record GroupQuorum(String group, int minApprovers) {}

  public ApprovalPolicy {
    groups = List.copyOf(groups);
  }

  public Set<String> groupNames() {
    Set<String> names = new HashSet<>();
    groups.forEach(g -> names.add(g.group()));
    return names;
  }

  /**
   * Whether {@code principalGroups} may decide at all: a member of at least one of the policy's
   * groups.
   */
  public boolean admits(Set<String> principalGroups) {
    return principalGroups.stream().anyMatch(groupNames()::contains);
  }

  /**
   * Whether the approvers (each with the groups they belong to) satisfy every quorum, each person
   * counted for one group only: a small bipartite matching of people to group seats.
   */
  public boolean isSatisfiedBy(Map<String, Set<String>> approverGroups) {
    List<String> seats = new ArrayList<>();
    for (GroupQuorum q : groups) {
      for (int i = 0; i < q.minApprovers(); i++) {
        seats.add(q.group());
      }
    }
    Map<String, Integer> seatOf = new HashMap<>();
    for (int seat = 0; seat < seats.size(); seat++) {
      if (!seat(seat, seats, approverGroups, seatOf, new HashSet<>())) {
        return false;
      }
    }
    return true;
  }

  /**
   * What the approvers still lack: per group, the approvals it still needs, each person counted for
   * one group only (the seats left empty by the largest matching of people to seats); empty when
   * the policy is satisfied. Groups are in the policy's order.
   */
  public Map<String, Integer> missing(Map<String, Set<String>> approverGroups) {
    List<String> seats = new ArrayList<>();
    for (GroupQuorum q : groups) {
      for (int i = 0; i < q.minApprovers(); i++) {
        seats.add(q.group());
      }
    }
    Map<String, Integer> seatOf = new HashMap<>();
    Map<String, Integer> missing = new java.util.LinkedHashMap<>();
    for (int seat = 0; seat < seats.size(); seat++) {
      if (!seat(seat, seats, approverGroups, seatOf, new HashSet<>())) {
        missing.merge(seats.get(seat), 1, Integer::sum);
      }
    }
    return missing;
  }

  /**
   * Finds {@code seat} a person, moving someone to another seat of theirs if needed (an augmenting
   * path).
   */
  private static boolean seat(
      int seat,
      List<String> seats,
      Map<String, Set<String>> people,
      Map<String, Integer> seatOf,
      Set<String> tried) {
    for (Map.Entry<String, Set<String>> person : people.entrySet()) {
      String who = person.getKey();
      if (!person.getValue().contains(seats.get(seat)) || !tried.add(who)) {
        continue;
      }
      Integer current = seatOf.get(who);
      if (current == null || seat(current, seats, people, seatOf, tried)) {
        seatOf.put(who, seat);
        return true;
      }
    }
    return false;
  }
}
