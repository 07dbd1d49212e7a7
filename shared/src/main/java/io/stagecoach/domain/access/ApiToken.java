package io.stagecoach.domain.access;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A bearer token as the registry keeps it: only the SHA-256 of the secret is stored. {@code id} is
 * a short public handle (for listing and revoking) that reveals nothing about the secret.
 */
public record ApiToken(
    String id,
    String secretHash,
    String principal,
    Set<Role> roles,
    String description,
    Instant createdAt,
    String createdBy,
    Optional<Instant> expiresAt,
    Set<String> groups) {

  public ApiToken(
      String id,
      String secretHash,
      String principal,
      Set<Role> roles,
      String description,
      Instant createdAt,
      String createdBy,
      Optional<Instant> expiresAt) {
    this(id, secretHash, principal, roles, description, createdAt, createdBy, expiresAt, Set.of());
  }

  public ApiToken {
    roles = Set.copyOf(roles);
    groups = Set.copyOf(groups);
  }

  public boolean isValidAt(Instant now) {
    return expiresAt.map(now::isBefore).orElse(true);
  }

  public Principal asPrincipal() {
    return new Principal(principal, roles, groups);
  }
}
