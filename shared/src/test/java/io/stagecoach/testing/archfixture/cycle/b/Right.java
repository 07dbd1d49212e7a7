package io.stagecoach.testing.archfixture.cycle.b;

import io.stagecoach.testing.archfixture.cycle.a.Left;

/** Uses {@link Left}, which uses this: a package cycle, on purpose. */
public final class Right {
  public Left left() {
    return new Left();
  }
}
