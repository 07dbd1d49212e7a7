package io.stagecoach.domain.plan;

import java.util.Locale;
import java.util.Optional;

/**
 * A stack parameter whose value a deployment changes, and where the value comes from: the
 * environment's config, one of its secrets (shown as its dynamic reference, never resolved), the
 * release ({@code ReleaseVersion}, {@code ArtifactUri}, {@code ArtifactDigest}), Stagecoach's own
 * names, or the template's default. Absent before: the stack did not have it yet; absent after: the
 * template no longer declares it.
 */
public record ParameterChange(
    String name, Optional<String> before, Optional<String> after, Source source) {

  public enum Source {
    CONFIG,
    SECRET,
    RELEASE,
    STAGECOACH,
    DEFAULT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Source> fromWire(String value) {
      for (Source s : values()) {
        if (s.wireName().equals(value)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  public ParameterChange {
    java.util.Objects.requireNonNull(name, "name");
    before = before.map(PropertyChange::clip);
    after = after.map(PropertyChange::clip);
  }
}
