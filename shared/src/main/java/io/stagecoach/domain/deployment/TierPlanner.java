package io.stagecoach.domain.deployment;

import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.plan.Plan;

/**
 * Asks a tier's provisioner what deploying a release would change. Only the provisioner may reach
 * the environment's account, so the API asks it (a synchronous invocation) instead of planning
 * itself.
 */
public interface TierPlanner {

  Answer plan(String tier, String app, String environment, String version);

  /** Where no provisioner can be asked: every plan is unavailable. */
  TierPlanner NONE =
      (tier, app, environment, version) ->
          new Answer.Unavailable("no provisioner is configured to plan for the " + tier + " tier");

  sealed interface Answer {
    record Planned(Plan plan) implements Answer {}

    /** The provisioner refused for a business reason (unknown release, invalid template...). */
    record Refused(Rejection rejection) implements Answer {}

    /** It could not be asked, or failed: a technical problem. */
    record Unavailable(String reason) implements Answer {}
  }
}
