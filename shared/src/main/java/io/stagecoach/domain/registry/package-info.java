/**
 * The registry: apps (with their pipeline, template, template revisions and repository mapping),
 * environments (kind, tier, account, config, secret references, DNS, protection, freeze, expiry)
 * and immutable releases, with the naming rules they share; {@code TemplatePinning}, the rule of
 * which template revision a release is made from. {@code Registry} is its port, {@code
 * RegistryService} its use cases. Depends on {@code common}, {@code access}, {@code pipeline},
 * {@code override} (an app's freeze policy), {@code template}, {@code events}, {@code cost} (an
 * environment's usage assumptions) and {@code drift} (what its last drift check found).
 */
package io.stagecoach.domain.registry;
