/**
 * The price table Stagecoach estimates costs with, kept as a JSON resource and read into the core's
 * {@code PriceTable}.
 */
package io.stagecoach.pricing;
