/**
 * Going past a gate, accountably: what an app's policy lets through a freeze ({@code
 * FreezePolicy}), what a deployment records of each gate it went past and on what grounds ({@code
 * GateOverride}: the app's policy, or a break-glass), and break-glass requests, which an admin asks
 * for with a reason and a second admin confirms within a time box. Depends on {@code events} and
 * {@code common} only; the deployment package applies them.
 */
package io.stagecoach.domain.override;
