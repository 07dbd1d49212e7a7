/**
 * An app's pipeline: its ordered stages and each stage's gate policy (approval quorums by group,
 * deployment windows, verification, soak, concurrency), validated when an app is registered.
 * Depends on {@code common} and {@code access}.
 */
package io.stagecoach.domain.pipeline;
