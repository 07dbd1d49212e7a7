package io.stagecoach.domain.deployment;

import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.Tier;
import java.util.Optional;

/**
 * Plan before deploy: what deploying a release into an environment would change, asked of the
 * environment's own tier provisioner (only it may reach the environment's account). Changes
 * nothing. The API's diff and the chat command ask here alike.
 */
public final class DeploymentPlanning {

  private final RegistryService registry;
  private final TierPlanner planner;

  public DeploymentPlanning(RegistryService registry, TierPlanner planner) {
    this.registry = registry;
    this.planner = planner;
  }

  /** The answer to "what would deploying this version change?". */
  public sealed interface Preview {
    /** The provisioner's plan, with the environment as it is now. */
    record Planned(Environment environment, String version, Plan plan) implements Preview {}

    /** A business refusal: no such environment or release, an invalid template... */
    record Refused(Rejection rejection) implements Preview {}

    /** The tier's provisioner could not be asked, or failed: try again later. */
    record Unavailable(Tier tier, String reason) implements Preview {}
  }

  public Preview preview(String app, String environment, String version) {
    Optional<String> malformed = Identifier.RELEASE_VERSION.problem(version);
    if (malformed.isPresent()) {
      return new Preview.Refused(Rejection.invalid("version", malformed.get()));
    }
    return switch (registry.getEnvironment(app, environment)) {
      case Outcome.Rejected<Environment> r -> new Preview.Refused(r.rejection());
      case Outcome.Accepted<Environment> env -> {
        if (registry.getRelease(app, version) instanceof Outcome.Rejected<?> r) {
          yield new Preview.Refused(r.rejection());
        }
        Tier tier = env.value().tier();
        yield switch (planner.plan(tier.wireName(), app, environment, version)) {
          case TierPlanner.Answer.Planned p -> new Preview.Planned(env.value(), version, p.plan());
          case TierPlanner.Answer.Refused f -> new Preview.Refused(f.rejection());
          case TierPlanner.Answer.Unavailable u -> new Preview.Unavailable(tier, u.reason());
        };
      }
    };
  }
}
