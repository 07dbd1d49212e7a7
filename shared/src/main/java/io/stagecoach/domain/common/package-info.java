/**
 * The vocabulary every capability shares: {@code Outcome} (accepted, or rejected with a stable
 * {@code Rejection} code), field errors, pages and the result of a conditional write. Depends on
 * nothing but the JDK.
 */
package io.stagecoach.domain.common;
