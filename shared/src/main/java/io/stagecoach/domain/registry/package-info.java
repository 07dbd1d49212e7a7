/**
 * The registry: apps (with their pipeline, template and repository mapping), environments (kind,
 * tier, account, config, secret references, protection, freeze, expiry) and immutable releases,
 * with the naming rules they share. {@code Registry} is its port, {@code RegistryService} its use
 * cases. Depends on {@code common}, {@code access}, {@code pipeline}, {@code events} and {@code
 * cost} (an environment's usage assumptions).
 */
package io.stagecoach.domain.registry;
