package io.stagecoach.testing.archfixture.cycle.a;

import io.stagecoach.testing.archfixture.cycle.b.Right;

/** Uses {@link Right}, which uses this: a package cycle, on purpose. */
public final class Left {
  public Right right() {
    return new Right();
  }
}
