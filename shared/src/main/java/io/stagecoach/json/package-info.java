/**
 * JSON forms of core values that several adapters share: a plan, as API, events and items hold it.
 */
package io.stagecoach.json;
