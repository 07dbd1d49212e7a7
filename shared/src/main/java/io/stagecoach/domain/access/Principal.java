package io.stagecoach.domain.access;

import java.util.Set;

/**
 * Who is calling: a name (person or machine), the roles its token carries, and the groups it
 * belongs to (what approval policies count, e.g. {@code staff}, {@code client}).
 */
public record Principal(String name, Set<Role> roles, Set<String> groups) {

  public Principal(String name, Set<Role> roles) {
    this(name, roles, Set.of());
  }

  public Principal {
    roles = Set.copyOf(roles);
    groups = Set.copyOf(groups);
  }

  public boolean may(Role required) {
    return required.isGrantedBy(roles);
  }

  /** Whether this principal's roles allow {@code action} (its groups are checked by the gate). */
  public boolean may(Action action) {
    return may(action.requiredRole());
  }
}
