package io.stagecoach.domain.access;

import java.util.List;
import java.util.Optional;

/** A token request: for whom, with which roles, for how long. */
public record TokenSpec(
    String principal,
    List<String> roles,
    Optional<String> description,
    Optional<Integer> expiresInDays,
    List<String> groups) {

  public TokenSpec(
      String principal,
      List<String> roles,
      Optional<String> description,
      Optional<Integer> expiresInDays) {
    this(principal, roles, description, expiresInDays, List.of());
  }

  public TokenSpec {
    roles = List.copyOf(roles);
    groups = List.copyOf(groups);
  }
}
