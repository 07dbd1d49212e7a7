/**
 * The audit log: every state-changing request, accepted or refused, once, with who (principal and
 * surface), what (action and target), when, its request id and its outcome; kept by TTL, read by
 * admins whole and by others for their own actions. {@code AuditLog} is its port. Depends on {@code
 * access} and {@code common}.
 */
package io.stagecoach.domain.audit;
