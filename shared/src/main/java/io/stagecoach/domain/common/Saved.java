package io.stagecoach.domain.common;

/**
 * A value the registry now holds, and whether this request created it (or replaced or found it).
 */
public record Saved<T>(T value, boolean created) {}
