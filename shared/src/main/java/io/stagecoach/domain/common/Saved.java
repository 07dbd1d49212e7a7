package io.stagecoach.domain.common;

import java.util.Optional;

/**
 * A value the registry now holds, and whether this request created it (or replaced or found it).
 * {@code before} says what the write changed, as it was just before, in the words the audit log
 * uses ({@link #revision}, {@link #release}): the revision a replace replaced, the release a deploy
 * or destroy found running. It is what the write itself read or was conditioned on, never read
 * again for the purpose; empty for a create, a value found (a replayed request), or where nothing
 * was there (an environment that ran no release).
 */
public record Saved<T>(T value, boolean created, Optional<String> before) {

  public Saved {
    java.util.Objects.requireNonNull(before, "before");
  }

  /** A value created, or found, with nothing it replaced. */
  public Saved(T value, boolean created) {
    this(value, created, Optional.empty());
  }

  /** How a change names the revision of an app or environment: {@code revision 3}. */
  public static String revision(long number) {
    return "revision " + number;
  }

  /** How a change names a release that runs, or is to run, in an environment. */
  public static String release(String version) {
    return "release " + version;
  }
}
