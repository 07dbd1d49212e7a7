package io.stagecoach.testing.archfixture.layered.upper;

import io.stagecoach.testing.archfixture.layered.lower.Base;

/** Uses the lower package only. */
public final class Top {
  public Base base() {
    return new Base();
  }
}
