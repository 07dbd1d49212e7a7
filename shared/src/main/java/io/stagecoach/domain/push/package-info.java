/**
 * What a push to a mapped repository does: register a release, promote it, or deploy or destroy a
 * branch's ephemeral environment, decided by the app's branch rules. The top of the core. Depends
 * on every other capability; none depends on it.
 */
package io.stagecoach.domain.push;
