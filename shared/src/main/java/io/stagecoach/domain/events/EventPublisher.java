package io.stagecoach.domain.events;

/**
 * The port through which Stagecoach announces what happened. Publishing is a technical operation: a
 * failure throws {@link EventNotPublishedException}, so the caller can refuse to pretend it
 * succeeded.
 */
public interface EventPublisher {

  void publish(StagecoachEvent event);

  /**
   * The event did not reach the bus; the caller's request should be retried (consumers are
   * idempotent).
   */
  final class EventNotPublishedException extends RuntimeException {
    public EventNotPublishedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
