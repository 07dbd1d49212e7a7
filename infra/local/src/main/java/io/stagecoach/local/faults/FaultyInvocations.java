package io.stagecoach.local.faults;

import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LocalFunction;

/**
 * Invokes a function as EventBridge or Step Functions would, with the plan's function faults: an
 * error fails the call before the handler runs, as a Lambda service error would; a timeout lets the
 * handler run to the end and then reports that it timed out, so the caller retries work that was
 * done (what idempotent handlers are for).
 */
public final class FaultyInvocations {

  private FaultyInvocations() {}

  public static Invocation invoke(FaultInjector faults, LocalFunction function, byte[] payload) {
    if (faults.hits(FaultPlan.Kind.FUNCTION_ERROR)) {
      return Invocation.failure(
          "Lambda.ServiceException",
          "Lambda was unable to run " + function.name() + " (injected fault)");
    }
    Invocation result = function.invoke(payload);
    if (!result.functionError() && faults.hits(FaultPlan.Kind.FUNCTION_TIMEOUT)) {
      return Invocation.failure(
          "Sandbox.Timedout", "Task timed out (injected fault: the handler ran to its end)");
    }
    return result;
  }
}
