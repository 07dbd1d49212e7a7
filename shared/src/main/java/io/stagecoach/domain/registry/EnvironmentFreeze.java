package io.stagecoach.domain.registry;

import java.time.Instant;

/**
 * An environment closed to releases, by whom, when and why: promotions stop at its gate ({@code
 * frozen}).
 */
public record EnvironmentFreeze(String reason, String by, Instant at) {}
