package io.stagecoach.domain;

import java.util.List;
import java.util.Optional;

/** An app as a caller describes it, before the rules have been checked. */
public record AppSpec(
    String name,
    Optional<String> description,
    List<String> pipeline,
    List<String> allowedEnvironments,
    Optional<EnvironmentTemplate> template) {

  public AppSpec {
    pipeline = List.copyOf(pipeline);
    allowedEnvironments = List.copyOf(allowedEnvironments);
  }
}
