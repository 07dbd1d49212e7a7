package io.stagecoach.domain.registry;

import java.time.Instant;

/**
 * An ephemeral environment kept past its expiry by an admin, by whom, when and why: the reaper
 * spares it and deploys still go in, until it is unpinned.
 */
public record EnvironmentPin(String reason, String by, Instant at) {}
