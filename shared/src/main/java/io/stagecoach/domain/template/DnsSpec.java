package io.stagecoach.domain.template;

import java.util.Optional;

/** An environment's DNS as a caller describes it, before {@link EnvironmentDns#from} checks it. */
public record DnsSpec(
    Optional<String> hostname,
    Optional<String> hostedZoneId,
    Optional<String> certificateArn,
    Optional<String> endpointType) {}
