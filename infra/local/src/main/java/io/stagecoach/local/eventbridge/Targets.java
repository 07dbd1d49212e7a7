package io.stagecoach.local.eventbridge;

import io.stagecoach.local.lambda.Invocation;

/** Where the local EventBridge delivers: the local cloud's functions and state machines. */
public interface Targets {

  /**
   * Invokes a function; a function error is a failed delivery. In AWS, EventBridge invokes
   * asynchronously and Lambda's own retries (two, then the function's on-failure destination)
   * handle a function error; locally the target's retry policy and dead letter cover both, so one
   * record shows every event that never got through.
   */
  Invocation invokeFunction(String functionArn, byte[] payload);

  /** Starts an execution; throwing means the delivery failed and is retried. */
  void startExecution(String stateMachineArn, String input);
}
