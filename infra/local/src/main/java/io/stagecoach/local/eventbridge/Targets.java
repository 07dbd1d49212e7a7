package io.stagecoach.local.eventbridge;

import io.stagecoach.local.lambda.Invocation;

/** Where the local EventBridge delivers: the local cloud's functions and state machines. */
public interface Targets {

  /** Invokes a function asynchronously as EventBridge does; a function error is a failed delivery. */
  Invocation invokeFunction(String functionArn, byte[] payload);

  /** Starts an execution; throwing means the delivery failed and is retried. */
  void startExecution(String stateMachineArn, String input);
}
