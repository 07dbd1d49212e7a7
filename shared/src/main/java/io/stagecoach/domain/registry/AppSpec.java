package io.stagecoach.domain.registry;

import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.template.EnvironmentTemplate;
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
    Optional<RepositoryMapping> repository,
    EphemeralPolicy ephemeral,
    FreezePolicy freeze,
    List<String> perEnvironmentConfig,
    Optional<Integer> driftCheckHours) {

  /** An app that declares no config key per environment. */
  public AppSpec(
      String name,
      Optional<String> description,
      List<Stage> pipeline,
      List<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Optional<RepositoryMapping> repository,
      EphemeralPolicy ephemeral,
      FreezePolicy freeze) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        repository,
        ephemeral,
        freeze,
        List.of(),
        Optional.empty());
  }

  /** An app whose freezes follow {@link FreezePolicy#DEFAULT}. */
  public AppSpec(
      String name,
      Optional<String> description,
      List<Stage> pipeline,
      List<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Optional<RepositoryMapping> repository,
      EphemeralPolicy ephemeral) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        repository,
        ephemeral,
        FreezePolicy.DEFAULT);
  }

  /** An app whose ephemeral environments follow {@link EphemeralPolicy#DEFAULT}. */
  public AppSpec(
      String name,
      Optional<String> description,
      List<Stage> pipeline,
      List<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Optional<RepositoryMapping> repository) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        repository,
        EphemeralPolicy.DEFAULT);
  }

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
    java.util.Objects.requireNonNull(ephemeral, "ephemeral");
    java.util.Objects.requireNonNull(freeze, "freeze");
    pipeline = List.copyOf(pipeline);
    allowedEnvironments = List.copyOf(allowedEnvironments);
    perEnvironmentConfig = List.copyOf(perEnvironmentConfig);
    java.util.Objects.requireNonNull(driftCheckHours, "driftCheckHours");
  }
}
