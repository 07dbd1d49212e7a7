package io.stagecoach.domain.parity;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.template.TemplateRevision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Compares two environments of one app ({@link EnvironmentParity}); changes nothing. */
public final class ParityService {

  private final RegistryService registry;
  private final TemplateShapes shapes;

  public ParityService(RegistryService registry, TemplateShapes shapes) {
    this.registry = registry;
    this.shapes = shapes;
  }

  /**
   * {@code left} and {@code right} of {@code app}, side by side. Refused: a name missing or
   * malformed, or the same name twice (400); an app or environment that does not exist (404).
   */
  public Outcome<ParityReport> compare(String app, String left, String right) {
    List<FieldError> errors = new ArrayList<>();
    nameProblem("left", left).ifPresent(errors::add);
    nameProblem("right", right).ifPresent(errors::add);
    if (errors.isEmpty() && left.equals(right)) {
      errors.add(
          new FieldError(
              "right", "names the same environment as left; a compare needs two environments"));
    }
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    return registry
        .getApp(app)
        .flatMap(
            a ->
                registry
                    .getEnvironment(app, left)
                    .flatMap(
                        l ->
                            registry
                                .getEnvironment(app, right)
                                .map(r -> EnvironmentParity.compare(a, side(a, l), side(a, r)))));
  }

  private static Optional<FieldError> nameProblem(String field, String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of(
          new FieldError(field, "is required: the name of an environment of the app"));
    }
    return Naming.environmentNameProblem(name).map(p -> new FieldError(field, p));
  }

  private EnvironmentParity.Side side(App app, Environment env) {
    Optional<Map<String, ResourceShape>> template =
        env.deployed()
            .flatMap(DeployedRelease::templateRevision)
            .flatMap(
                n ->
                    registry.getTemplateRevision(app.name(), n)
                            instanceof Outcome.Accepted<TemplateRevision> a
                        ? Optional.of(a.value())
                        : Optional.empty())
            .flatMap(revision -> shapes.resources(revision.body()));
    return new EnvironmentParity.Side(env, template);
  }
}
