package io.stagecoach.functions.promotion;

/**
 * Thrown by the Enter step when another promotion holds the stage and the app queues promotions.
 * Its class name is the error the workflow's Retry matches ({@code
 * io.stagecoach.functions.promotion.StageBusy}).
 */
public final class StageBusy extends RuntimeException {
  public StageBusy(String message) {
    super(message, null, false, false);
  }
}
