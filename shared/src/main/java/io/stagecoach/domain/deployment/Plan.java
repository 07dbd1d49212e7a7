package io.stagecoach.domain.deployment;

import java.util.List;

/**
 * What a deployment changes in its environment, resource by resource; empty when nothing changes.
 */
public record Plan(List<ResourceChange> changes) {

  public static final Plan NOTHING = new Plan(List.of());

  public Plan {
    changes = List.copyOf(changes);
  }

  public PlanSummary summary() {
    int adds = 0;
    int modifies = 0;
    int removes = 0;
    int replacements = 0;
    int unsupported = 0;
    for (ResourceChange c : changes) {
      switch (c.action()) {
        case ADD -> adds++;
        case MODIFY -> modifies++;
        case REMOVE -> removes++;
      }
      if (c.replacement()) {
        replacements++;
      }
      if (!c.supported()) {
        unsupported++;
      }
    }
    return new PlanSummary(adds, modifies, removes, replacements, unsupported);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }
}
