package io.stagecoach.domain.deployment;

import java.util.Locale;

/**
 * One line of a plan: what happens to one resource of the environment's stack. {@code supported} is
 * false for resource types the provisioner cannot make (the local one makes only a few); they are
 * listed, never dropped, so a plan never looks smaller than the template.
 */
public record ResourceChange(
    String logicalId, String type, Action action, boolean replacement, boolean supported) {

  public enum Action {
    ADD,
    MODIFY,
    REMOVE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
