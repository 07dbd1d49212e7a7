/**
 * Drift: whether an environment's real resources still match what its last deployment made. The
 * values an environment records ({@code Drift}: in sync, drifted or unknown, when it was checked,
 * which resources differ and how), a check under way ({@code DriftCheck}), the rule that holds a
 * promotion at a stage that asks for it ({@code DriftGate}), and the events a change of status
 * publishes ({@code Drift Detected}, {@code Drift Resolved}) and that asks a tier's provisioner to
 * check ({@code Drift Check Requested}). The checks themselves are run by the deployment package's
 * {@code DriftChecks} through the tier's {@code Provisioner}. Depends on {@code events} and {@code
 * common} only, so that the registry can record drift on environments.
 */
package io.stagecoach.domain.drift;
