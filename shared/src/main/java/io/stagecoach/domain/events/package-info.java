/**
 * The port through which the core announces what happened ({@code EventPublisher}) and the type
 * every announcement has ({@code StagecoachEvent}). The events themselves are records in the
 * package of the capability they report. Depends on nothing.
 */
package io.stagecoach.domain.events;
