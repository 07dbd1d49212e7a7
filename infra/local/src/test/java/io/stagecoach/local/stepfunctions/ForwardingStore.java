package io.stagecoach.local.stepfunctions;

import io.stagecoach.local.stepfunctions.asl.Run;
import java.util.List;

/**
 * A store that passes everything on to another; tests override what they need to watch or hold
 * back.
 */
class ForwardingStore implements ExecutionStore {

  final ExecutionStore delegate;

  ForwardingStore(ExecutionStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void putStateMachine(StoredStateMachine machine) {
    delegate.putStateMachine(machine);
  }

  @Override
  public void deleteStateMachine(String arn) {
    delegate.deleteStateMachine(arn);
  }

  @Override
  public List<StoredStateMachine> stateMachines() {
    return delegate.stateMachines();
  }

  @Override
  public void putExecution(StoredExecution execution) {
    delegate.putExecution(execution);
  }

  @Override
  public void appendHistory(String executionArn, List<Run.HistoryEvent> events) {
    delegate.appendHistory(executionArn, events);
  }

  @Override
  public List<StoredExecution> executions() {
    return delegate.executions();
  }

  @Override
  public List<Run.HistoryEvent> history(String executionArn) {
    return delegate.history(executionArn);
  }

  @Override
  public void deleteExecution(String executionArn) {
    delegate.deleteExecution(executionArn);
  }
}
