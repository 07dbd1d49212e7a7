package io.stagecoach.domain.access;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a token may do. Roles are ordered: each includes the ones below it. */
public enum Role {
  VIEWER,
  DEPLOYER,
  ADMIN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromWire(String value) {
    for (Role r : values()) {
      if (r.wireName().equals(value)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Whether someone holding {@code held} may act where this role is required. */
  public boolean isGrantedBy(Set<Role> held) {
    for (Role r : held) {
      if (r.ordinal() >= ordinal()) {
        return true;
      }
    }
    return false;
  }
}
