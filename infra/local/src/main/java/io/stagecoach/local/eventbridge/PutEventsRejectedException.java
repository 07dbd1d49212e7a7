package io.stagecoach.local.eventbridge;

/**
 * A {@code PutEvents} request refused as a whole (no entries, more than ten, over 256 KB): what the
 * API answers with HTTP 400 and {@link #errorCode()}, and what a caller in process (Step Functions'
 * {@code events:putEvents}) reports as the service's error.
 */
public final class PutEventsRejectedException extends IllegalArgumentException {

  public PutEventsRejectedException(String message) {
    super(message);
  }

  public String errorCode() {
    return "ValidationException";
  }
}
