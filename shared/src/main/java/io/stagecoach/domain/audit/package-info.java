/**
 * The audit log: every state-changing request, accepted or refused, and every decision of the
 * workflow, the push function and the reaper, once, with who (principal and surface), what (action,
 * target, and where known the status or release before and after), when, its request id and its
 * outcome; kept by TTL, read by admins whole and by others for their own actions. {@code AuditLog}
 * is its port. Depends on {@code access} and {@code common}.
 */
package io.stagecoach.domain.audit;
