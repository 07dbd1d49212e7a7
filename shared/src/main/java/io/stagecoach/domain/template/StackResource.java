package io.stagecoach.domain.template;

import java.util.Optional;

/**
 * One resource of an environment's stack as its provisioner made it: the template's logical id, the
 * resource type, and the physical id the engine gave it (empty for a resource the provisioner lists
 * but does not make, such as the local cloud's unsupported types).
 */
public record StackResource(String logicalId, String type, Optional<String> physicalId) {}
