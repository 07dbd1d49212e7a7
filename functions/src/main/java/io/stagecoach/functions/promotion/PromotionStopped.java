package io.stagecoach.functions.promotion;

/**
 * The promotion has ended already (superseded, failed) or no longer exists: its workflow has
 * nothing left to do, and the workflow ends at once ({@code
 * io.stagecoach.functions.promotion.PromotionStopped}).
 */
public final class PromotionStopped extends RuntimeException {
  public PromotionStopped(String message) {
    super(message, null, false, false);
  }
}
