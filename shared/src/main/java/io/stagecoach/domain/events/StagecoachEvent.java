package io.stagecoach.domain.events;

/**
 * Something that happened in Stagecoach, published on the Stagecoach bus (source {@code
 * stagecoach}) for the rules that react to it. Names are past tense; each has a JSON Schema in
 * {@code events/}.
 *
 * <p>Each event is a record in the package of the capability it reports (for example {@code
 * DeploymentRequested} in {@code domain.deployment}), so this interface cannot be sealed across
 * packages; the event contract tests check that every detail type has a schema and a detail.
 */
public interface StagecoachEvent {

  /** The EventBridge detail-type, e.g. {@code Release Registered}. */
  String detailType();

  /** The app the event is about. */
  String app();
}
