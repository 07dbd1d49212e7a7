package io.stagecoach.domain.registry;

import java.util.Optional;

/** A release as a caller registers it. */
public record ReleaseSpec(
    String version, String artifactUri, String digest, Optional<String> commit) {}
