package io.stagecoach.local.stepfunctions.asl;

/**
 * A failure inside an execution, named as ASL names errors ({@code States.Runtime}, {@code
 * States.Timeout}, a Lambda's error type, a Fail state's Error): what Retry and Catch match on.
 * Either field may be null, as when SendTaskFailure carries neither.
 */
public class StatesError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final String ALL = "States.ALL";
  public static final String RUNTIME = "States.Runtime";
  public static final String TIMEOUT = "States.Timeout";
  public static final String TASK_FAILED = "States.TaskFailed";
  public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
  public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
  public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
  public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
  public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
  public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
  public static final String EXCEEDED_TOLERATED_FAILURE = "States.ExceedToleratedFailureThreshold";
  public static final String BRANCH_FAILED = "States.BranchFailed";

  private final String error;
  private final String errorCause;

  public StatesError(String error, String cause) {
    super(error + (cause == null ? "" : ": " + cause), null, false, false);
    this.error = error;
    this.errorCause = cause;
  }

  public String error() {
    return error;
  }

  public String cause() {
    return errorCause;
  }

  /**
   * Whether an ErrorEquals name covers this error: States.Runtime and States.DataLimitExceeded are
   * terminal, States.ALL covers all others, States.TaskFailed all but other States.* errors
   * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
   */
  public boolean matches(String name) {
    if (RUNTIME.equals(error) || "States.DataLimitExceeded".equals(error)) {
      // Terminal: recorded on AWS, a Catch naming States.Runtime does not catch it either.
      return false;
    }
    if (name.equals(error)) {
      return true;
    }
    if (ALL.equals(name)) {
      return true;
    }
    if (TASK_FAILED.equals(name)) {
      return error == null || !error.startsWith("States.") || TASK_FAILED.equals(error);
    }
    return false;
  }
}
