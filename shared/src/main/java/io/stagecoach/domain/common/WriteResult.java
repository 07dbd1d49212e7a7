package io.stagecoach.domain.common;

/** What became of a conditional write to the registry. */
public sealed interface WriteResult {

  /** The write happened; {@code revision} is the item's new revision. */
  record Written(long revision) implements WriteResult {}

  /** A create found an item with the same key. */
  record AlreadyExists() implements WriteResult {}

  /** The item changed since it was read (optimistic concurrency). */
  record ChangedSinceRead() implements WriteResult {}

  /** The item, or the parent it belongs to, does not exist. */
  record Missing() implements WriteResult {}

  /** The item still has dependents (an app with environments). */
  record InUse() implements WriteResult {}
}
