package io.stagecoach.domain.deployment;

import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.template.StackResource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a provisioner's work ended. A business failure (the template is invalid, the stack rolled
 * back) is a {@link Failed} value; a technical error (throttling, network) is an exception, retried
 * by the caller. {@link InProgress} says the work goes on outside the provisioner (a stack still
 * updating) and the same request should be made again later to collect it.
 */
public sealed interface ProvisioningResult {

  /**
   * The environment runs the release: the stack's {@code outputs}, and the {@code resources} it is
   * made of (none for a destroy).
   */
  record Succeeded(Plan plan, Map<String, String> outputs, List<StackResource> resources)
      implements ProvisioningResult {
    public Succeeded {
      outputs = java.util.Collections.unmodifiableMap(new TreeMap<>(outputs));
      resources = List.copyOf(resources);
    }

    /** A success that lists no resources. */
    public Succeeded(Plan plan, Map<String, String> outputs) {
      this(plan, outputs, List.of());
    }
  }

  record Failed(String reason, Plan plan) implements ProvisioningResult {}

  record InProgress(String status) implements ProvisioningResult {}
}
