package io.stagecoach.domain.plan;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One line of a plan: what happens to one resource of the environment's stack. A {@link
 * Action#MODIFY} or {@link Action#REPLACE} lists the properties it changes with their values before
 * and after; a replacement says why ({@code replacementReason}: which property requires the
 * resource to be recreated, or that its type changed). {@code supported} is false for resource
 * types the provisioner cannot make (the local one makes only a few); they are listed, never
 * dropped, so a plan never looks smaller than the template.
 */
public record ResourceChange(
    String logicalId,
    String type,
    Action action,
    boolean supported,
    List<PropertyChange> properties,
    Optional<String> replacementReason) {

  public enum Action {
    ADD,
    MODIFY,
    REPLACE,
    REMOVE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Action> fromWire(String value) {
      for (Action a : values()) {
        if (a.wireName().equals(value)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  public ResourceChange {
    properties = List.copyOf(properties);
    if (action != Action.REPLACE) {
      replacementReason = Optional.empty();
    }
  }

  /**
   * A change without property detail; {@code replacement} turns a {@link Action#MODIFY} into a
   * {@link Action#REPLACE} (the shape plans had before they listed properties).
   */
  public ResourceChange(
      String logicalId, String type, Action action, boolean replacement, boolean supported) {
    this(
        logicalId,
        type,
        replacement && action == Action.MODIFY ? Action.REPLACE : action,
        supported,
        List.of(),
        Optional.empty());
  }

  /** Whether the resource is recreated: what it holds does not survive the change. */
  public boolean replacement() {
    return action == Action.REPLACE;
  }

  /** Removed or replaced: the resource as it is now is deleted. */
  public boolean deletesCurrentResource() {
    return action == Action.REMOVE || action == Action.REPLACE;
  }
}
