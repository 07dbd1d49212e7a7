package io.stagecoach.local.eventbridge;

/**
 * A pattern EventBridge would refuse; the message says why, in EventBridge's words where they are
 * known.
 */
public final class InvalidEventPatternException extends IllegalArgumentException {
  public InvalidEventPatternException(String message) {
    super(message);
  }
}
