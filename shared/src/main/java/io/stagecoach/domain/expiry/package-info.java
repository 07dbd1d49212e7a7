/**
 * Throw-away environments that really go away: the reaper that warns owners before their ephemeral
 * environments expire ({@code Environment Expiring}) and destroys the expired ones through the
 * normal destroy ({@code Environment Expired}). The rules themselves (when an environment has
 * expired, what spares it, how long it may live) are the registry's {@code ExpiryPolicy}. Depends
 * on common, access, events, registry and deployment.
 */
package io.stagecoach.domain.expiry;
