/**
 * Putting one release into one environment: deployment requests and their states, the policy of
 * which environments take direct deploys, plans, and the provisioning run that drives a tier's
 * {@code Provisioner} port; every plan a provisioner makes is reviewed ({@code
 * ReviewedProvisioner}); drift checks run by a tier's provisioner ({@code DriftChecks}). Depends on
 * {@code plan}, {@code registry}, {@code pipeline} (a stage's window), {@code template}, {@code
 * drift}, {@code access}, {@code events} and {@code common}.
 */
package io.stagecoach.domain.deployment;
