package io.stagecoach.domain.registry;

import java.time.Instant;

/**
 * The release an environment runs, as its last successful deployment left it. {@code order} is that
 * deployment's place in the environment's history ({@link Deployment#order()}): an older deployment
 * never replaces a newer one, however late its events arrive.
 */
public record DeployedRelease(
    String version, String digest, String deploymentId, String order, Instant deployedAt) {}
