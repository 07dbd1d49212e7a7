package io.stagecoach.local.stepfunctions.asl;

/** A state machine definition that Step Functions would refuse at CreateStateMachine. */
public final class InvalidDefinition extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidDefinition(String message) {
    super(message);
  }
}
