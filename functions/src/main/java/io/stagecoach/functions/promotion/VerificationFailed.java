package io.stagecoach.functions.promotion;

/**
 * The stage's verification failed after its deployment and the stage is being rolled back; the step
 * recorded why on the promotion. A business outcome: the workflow ends the promotion at once
 * ({@code io.stagecoach.functions.promotion.VerificationFailed}).
 */
public final class VerificationFailed extends RuntimeException {
  public VerificationFailed(String message) {
    super(message, null, false, false);
  }
}
