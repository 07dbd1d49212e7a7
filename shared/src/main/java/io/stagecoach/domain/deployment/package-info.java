/**
 * Putting one release into one environment: deployment requests and their states, the policy of
 * which environments take direct deploys, plans, and the provisioning run that drives a tier's
 * {@code Provisioner} port; every plan a provisioner makes is reviewed ({@code
 * ReviewedProvisioner}). Depends on {@code plan}, {@code registry}, {@code pipeline} (a stage's
 * window), {@code template}, {@code access}, {@code events} and {@code common}.
 */
package io.stagecoach.domain.deployment;
