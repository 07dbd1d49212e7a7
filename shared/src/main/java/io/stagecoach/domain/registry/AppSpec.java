package io.stagecoach.domain.registry;

import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import java.util.List;
import java.util.Optional;

/** An app as a caller describes it, before the rules have been checked. */
public record AppSpec(
    String name,
    Optional<String> description,
    List<Stage> pipeline,
    List<String> allowedEnvironments,
    Optional<EnvironmentTemplate> template,
    PromotionConcurrency concurrency,
    Optional<RepositoryMapping> repository) {

  /** An app no repository drives. */
  public AppSpec(
      String name,
      Optional<String> description,
      List<Stage> pipeline,
      List<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency) {
    this(name, description, pipeline, allowedEnvironments, template, concurrency, Optional.empty());
  }

  /** An app whose stages have no gates of their own. */
  public AppSpec(
      String name,
      Optional<String> description,
      List<String> stageNames,
      List<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template) {
    this(
        name,
        description,
        stageNames.stream().map(Stage::new).toList(),
        allowedEnvironments,
        template,
        PromotionConcurrency.SUPERSEDE);
  }

  public AppSpec {
    pipeline = List.copyOf(pipeline);
    allowedEnvironments = List.copyOf(allowedEnvironments);
  }
}
