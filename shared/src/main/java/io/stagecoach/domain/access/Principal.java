package io.stagecoach.domain.access;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who is calling: a name (person or machine), the roles its token carries, and the groups it
 * belongs to (what approval policies count, e.g. {@code staff}, {@code client}).
 */
public record Principal(String name, Set<Role> roles, Set<String> groups) {

  /** Group names: lowercase letters, digits and {@code -}, like environment names. */
  public static final Pattern GROUP = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public Principal(String name, Set<Role> roles) {
    this(name, roles, Set.of());
  }

  /** Principal names: IAM-user-like characters, so that ARNs, e-mail addresses and CI names fit. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+=,:/-]{0,127}");

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
