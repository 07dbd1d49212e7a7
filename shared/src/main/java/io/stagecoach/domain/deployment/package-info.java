/**
 * Putting one release into one environment: deployment requests and their states, the policy of
 * which environments take direct deploys, plans, and the provisioning run that drives a tier's
 * {@code Provisioner} port. Depends on {@code registry}, {@code pipeline} (a stage's window),
 * {@code access}, {@code events} and {@code common}.
 */
package io.stagecoach.domain.deployment;
