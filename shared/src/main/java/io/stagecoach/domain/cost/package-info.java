/**
 * What an environment costs a month: the price table (list prices with their source, date and
 * region), the usage an environment declares it expects ({@code UsageAssumptions}, with documented
 * defaults), and the estimator that prices a stack's resources before and after a change. Resources
 * it has no price for are listed as not estimated, never counted as free. Depends on {@code common}
 * only.
 */
package io.stagecoach.domain.cost;
