/**
 * Who may do what: principals, the roles {@code viewer < deployer < admin}, and API tokens (kept
 * only as hashes). Depends on {@code common} only.
 */
package io.stagecoach.domain.access;
