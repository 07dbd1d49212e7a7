package io.stagecoach.local;

import io.stagecoach.local.eventbridge.Targets;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LocalFunction;
import io.stagecoach.local.lambda.LocalFunctions;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * What the local EventBridge delivers to: the template's functions, and its state machines once
 * they run.
 */
final class CloudTargets implements Targets {

  private final LocalFunctions functions;
  private final AtomicReference<BiConsumer<String, String>> executions =
      new AtomicReference<>(
          (arn, input) -> {
            throw new IllegalStateException("no state machine engine is running for " + arn);
          });

  private final BiFunction<LocalFunction, byte[], Invocation> invoke;

  CloudTargets(LocalFunctions functions, BiFunction<LocalFunction, byte[], Invocation> invoke) {
    this.functions = functions;
    this.invoke = invoke;
  }

  /** Where executions start: set once the Step Functions engine is up. */
  void startExecutionsWith(BiConsumer<String, String> starter) {
    executions.set(starter);
  }

  @Override
  public Invocation invokeFunction(String functionArn, byte[] payload) {
    return functions
        .byArn(functionArn)
        .map(f -> invoke.apply(f, payload))
        .orElseGet(() -> Invocation.notFound("Function not found: " + functionArn));
  }

  @Override
  public void startExecution(String stateMachineArn, String input) {
    executions.get().accept(stateMachineArn, input);
  }
}
