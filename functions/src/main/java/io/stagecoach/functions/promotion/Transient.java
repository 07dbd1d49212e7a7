package io.stagecoach.functions.promotion;

/**
 * A promotion step failed for a technical reason that passes: DynamoDB throttled it after the SDK's
 * own retries, an AWS service answered 5xx, a call timed out, or the promotion changed while the
 * step ran (a lost conditional write). Nothing of the step was kept, so running it again is safe.
 * Its class name is the error the workflow retries with backoff and jitter ({@code
 * io.stagecoach.functions.promotion.Transient}).
 */
public final class Transient extends RuntimeException {
  public Transient(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
