package io.stagecoach.functions.promotion;

/**
 * A stage's gate refused the release (frozen, window closed, order violation, the environment is
 * gone); the step recorded the code and the reason on the promotion. A business outcome: the
 * workflow ends the promotion at once ({@code io.stagecoach.functions.promotion.GateClosed}).
 */
public final class GateClosed extends RuntimeException {
  public GateClosed(String message) {
    super(message, null, false, false);
  }
}
