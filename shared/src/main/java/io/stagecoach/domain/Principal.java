package io.stagecoach.domain;

import java.util.Set;
import java.util.regex.Pattern;

/** Who is calling: a name (person or machine) and the roles its token carries. */
public record Principal(String name, Set<Role> roles) {

  /** Principal names: IAM-user-like characters, so that ARNs, e-mail addresses and CI names fit. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+=,:/-]{0,127}");

  public Principal {
    roles = Set.copyOf(roles);
  }

  public boolean may(Role required) {
    return required.isGrantedBy(roles);
  }
}
