package io.stagecoach.testing.archfixture.layered.lower;

/** Used by the upper package; uses nothing of it. */
public final class Base {}
