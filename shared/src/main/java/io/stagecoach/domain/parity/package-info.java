/**
 * Parity between two environments of one app: what each runs (release, template revision, resources
 * and their template properties), how each is set up (config, secret reference names, output keys,
 * DNS, protection, freeze, drift status), side by side, and one verdict sentence. Config keys the
 * app declares per environment are told apart from differences nobody declared. Depends on {@code
 * registry}, {@code template}, {@code drift} and {@code common}.
 */
package io.stagecoach.domain.parity;
