package io.stagecoach.domain.registry;

import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.TemplateRevision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A registered application: its ordered pipeline, the other shared environments it may have, and
 * the CloudFormation template its environments are made from (none: environments cannot be deployed
 * yet). {@code revision} counts accepted writes and guards against lost updates. {@code repository}
 * maps the CodeCommit repository the app is built from, when pushes drive it; {@code ephemeral}
 * says how its ephemeral environments live, {@code freeze} what a freeze of one of its environments
 * still lets through. {@code templateRevision} is the revision the template is at (empty without a
 * template, and for an app registered before revisions existed until its template is first pinned,
 * see {@link TemplatePinning}). {@code perEnvironmentConfig} names the config keys expected to
 * differ between its environments (a table name, a log level), which a parity compare lists apart;
 * {@code driftCheckHours} how often the drift schedule checks each of its deployed environments
 * (empty: the schedule's own interval, daily).
 */
public record App(
    String name,
    String description,
    List<Stage> pipeline,
    Set<String> allowedEnvironments,
    Optional<EnvironmentTemplate> template,
    PromotionConcurrency concurrency,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    long revision,
    Optional<RepositoryMapping> repository,
    EphemeralPolicy ephemeral,
    FreezePolicy freeze,
    Optional<TemplateRevision.Ref> templateRevision,
    Set<String> perEnvironmentConfig,
    Optional<Integer> driftCheckHours) {

  /** The fewest and most hours an app may ask between scheduled drift checks of an environment. */
  public static final int MIN_DRIFT_CHECK_HOURS = 1;

  public static final int MAX_DRIFT_CHECK_HOURS = 24 * 30;

  public App {
    pipeline = List.copyOf(pipeline);
    allowedEnvironments = Set.copyOf(allowedEnvironments);
    java.util.Objects.requireNonNull(ephemeral, "ephemeral");
    java.util.Objects.requireNonNull(freeze, "freeze");
    java.util.Objects.requireNonNull(templateRevision, "templateRevision");
    perEnvironmentConfig =
        java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(perEnvironmentConfig));
    java.util.Objects.requireNonNull(driftCheckHours, "driftCheckHours");
  }

  /**
   * An app whose config keys are all expected to match across its environments (none declared per
   * environment).
   */
  public App(
      String name,
      String description,
      List<Stage> pipeline,
      Set<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      long revision,
      Optional<RepositoryMapping> repository,
      EphemeralPolicy ephemeral,
      FreezePolicy freeze,
      Optional<TemplateRevision.Ref> templateRevision) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        repository,
        ephemeral,
        freeze,
        templateRevision,
        Set.of(),
        Optional.empty());
  }

  /**
   * An app whose freezes follow {@link FreezePolicy#DEFAULT} and whose template (if any) is not
   * pinned to a revision yet.
   */
  public App(
      String name,
      String description,
      List<Stage> pipeline,
      Set<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      long revision,
      Optional<RepositoryMapping> repository,
      EphemeralPolicy ephemeral) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        repository,
        ephemeral,
        FreezePolicy.DEFAULT,
        Optional.empty());
  }

  /** This app with its template at revision {@code ref}. */
  public App withTemplateRevision(TemplateRevision.Ref ref) {
    return new App(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        repository,
        ephemeral,
        freeze,
        Optional.of(ref),
        perEnvironmentConfig,
        driftCheckHours);
  }

  /** An app whose ephemeral environments follow {@link EphemeralPolicy#DEFAULT}. */
  public App(
      String name,
      String description,
      List<Stage> pipeline,
      Set<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      long revision,
      Optional<RepositoryMapping> repository) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        repository,
        EphemeralPolicy.DEFAULT);
  }

  /** An app no repository drives. */
  public App(
      String name,
      String description,
      List<Stage> pipeline,
      Set<String> allowedEnvironments,
      Optional<EnvironmentTemplate> template,
      PromotionConcurrency concurrency,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      long revision) {
    this(
        name,
        description,
        pipeline,
        allowedEnvironments,
        template,
        concurrency,
        createdAt,
        createdBy,
        updatedAt,
        revision,
        Optional.empty());
  }

  /** Whether a shared (pipeline-kind) environment of this name may be registered for this app. */
  public boolean allowsSharedEnvironment(String environment) {
    return stageOf(environment).isPresent() || allowedEnvironments.contains(environment);
  }

  public Optional<Integer> stageOf(String environment) {
    for (int i = 0; i < pipeline.size(); i++) {
      if (pipeline.get(i).environment().equals(environment)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  public Optional<Stage> stage(String environment) {
    return stageOf(environment).map(pipeline::get);
  }

  public List<String> stageNames() {
    List<String> names = new ArrayList<>();
    pipeline.forEach(s -> names.add(s.environment()));
    return names;
  }
}
