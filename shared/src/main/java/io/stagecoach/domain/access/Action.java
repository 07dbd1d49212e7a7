package io.stagecoach.domain.access;

/**
 * What a person may ask Stagecoach to do, and the least role each needs. Every surface asks here:
 * an API route and a chat command that do the same thing name the same action, so they can never
 * disagree about who may do it.
 */
public enum Action {
  /** Read apps, environments, releases, deployments, promotions, plans and approvals. */
  READ(Role.VIEWER),
  /**
   * Approve or reject a pending approval: any authenticated person may try, and the approval's own
   * groups decide whose decision counts (a client approver may hold no other role).
   */
  DECIDE_APPROVAL(Role.VIEWER),
  /** Deploy a release directly, or destroy an environment. */
  DEPLOY(Role.DEPLOYER),
  /** Start a promotion through the pipeline. */
  PROMOTE(Role.DEPLOYER),
  /** Put an environment back on its last good release. */
  ROLLBACK(Role.DEPLOYER),
  /** Freeze or unfreeze an environment. */
  FREEZE(Role.DEPLOYER),
  /** Register or change environments, and extend ephemeral ones. */
  MANAGE_ENVIRONMENTS(Role.DEPLOYER),
  /**
   * Ask for a drift check of an environment now: it reads the environment's resources and changes
   * none of them (the schedule checks every environment anyway).
   */
  CHECK_DRIFT(Role.DEPLOYER),
  /** Register a release. */
  REGISTER_RELEASE(Role.DEPLOYER),
  /** Create, change and delete apps. */
  MANAGE_APPS(Role.ADMIN),
  /**
   * Confirm a break-glass another admin asked for, and review them all (asking is part of a deploy
   * or destroy, which the core lets only an admin force).
   */
  BREAK_GLASS(Role.ADMIN),
  /** Issue and revoke tokens, link chat users, set an app's chat channel. */
  MANAGE_ACCESS(Role.ADMIN);

  private final Role requiredRole;

  Action(Role requiredRole) {
    this.requiredRole = requiredRole;
  }

  public Role requiredRole() {
    return requiredRole;
  }
}
