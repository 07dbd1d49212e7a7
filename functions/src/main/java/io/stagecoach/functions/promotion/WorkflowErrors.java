package io.stagecoach.functions.promotion;

import io.stagecoach.domain.promotion.PromotionService;
import java.io.IOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * What the promotion workflow sees of a step that failed: the one place that sorts a step's errors
 * into the names the workflow's Retry and Catch match.
 *
 * <table>
 *   <caption>classification</caption>
 *   <tr><th>thrown inside the step</th><th>the workflow sees</th><th>the workflow does</th></tr>
 *   <tr><td>the core's {@code StageBusy}</td><td>{@link StageBusy}</td>
 *       <td>retries for hours (another promotion holds the stage)</td></tr>
 *   <tr><td>the core's {@code ConcurrentChange} (a lost conditional write); throttling, 5xx or
 *       a timeout of an AWS service, after the SDK's own retries; a raw conditional-check or
 *       transaction conflict of DynamoDB; a connection that failed</td><td>{@link Transient}</td>
 *       <td>retries with backoff and jitter, then ends the promotion</td></tr>
 *   <tr><td>the core's {@code GateClosed} (frozen, window closed, order violation)</td>
 *       <td>{@link GateClosed}</td><td>ends the promotion at once</td></tr>
 *   <tr><td>the core's {@code VerificationFailed}</td><td>{@link VerificationFailed}</td>
 *       <td>ends the promotion at once</td></tr>
 *   <tr><td>the core's {@code PromotionStopped}</td><td>{@link PromotionStopped}</td>
 *       <td>ends the promotion at once</td></tr>
 *   <tr><td>anything else (a 4xx of AWS, a bug)</td><td>as thrown</td>
 *       <td>ends the promotion at once: running it again would fail the same way</td></tr>
 * </table>
 *
 * <p>Errors the step function does not throw are named elsewhere and are business outcomes too:
 * {@code Approval.Rejected}, {@code Approval.Expired} and {@code Promotion.Superseded} (the core,
 * through the task token), {@code Deployment.Failed} and {@code Deployment.Superseded} (the
 * provisioner, after its own retries), {@code States.Timeout} (an approval or a deployment nobody
 * answered in time).
 */
public final class WorkflowErrors {

  /**
   * Reasons of a cancelled DynamoDB transaction that a second try can get past
   * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
   */
  private static final Set<String> PASSING_CANCELLATIONS =
      Set.of(
          "None",
          "ConditionalCheckFailed",
          "TransactionConflict",
          "ThrottlingError",
          "ProvisionedThroughputExceeded",
          "RequestLimitExceeded");

  private WorkflowErrors() {}

  /** The error the workflow is to see for {@code error}, thrown inside a promotion step. */
  public static RuntimeException classify(RuntimeException error) {
    return switch (error) {
      case PromotionService.StageBusy busy -> new StageBusy(busy.getMessage());
      case PromotionService.ConcurrentChange race -> new Transient(race.getMessage(), race);
      case PromotionService.GateClosed gate ->
          new GateClosed(gate.code().wireName() + ": " + gate.getMessage());
      case PromotionService.VerificationFailed failed ->
          new VerificationFailed(failed.getMessage());
      case PromotionService.PromotionStopped stopped -> new PromotionStopped(stopped.getMessage());
      default -> passes(error) ? new Transient(describe(error), error) : error;
    };
  }

  /**
   * Whether a technical error passes with time: looked for along its causes, since adapters wrap
   * what the SDK threw (an event not published keeps the SDK's exception as its cause).
   */
  static boolean passes(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (passesItself(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean passesItself(Throwable t) {
    return switch (t) {
      case ConditionalCheckFailedException raced -> true;
      case TransactionConflictException conflict -> true;
      case TransactionCanceledException cancelled ->
          cancelled.hasCancellationReasons()
              && cancelled.cancellationReasons().stream()
                  .map(CancellationReason::code)
                  .allMatch(PASSING_CANCELLATIONS::contains);
      case AwsServiceException service ->
          service.isThrottlingException() || service.statusCode() >= 500;
      case ApiCallTimeoutException timeout -> true;
      case ApiCallAttemptTimeoutException timeout -> true;
      // A connection refused, reset or timed out; not a client misconfigured (no region, no
      // credentials), which fails the same way every time.
      case SdkClientException client -> client.getCause() instanceof IOException;
      default -> false;
    };
  }

  private static String describe(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AwsServiceException service && service.awsErrorDetails() != null) {
        return service.awsErrorDetails().serviceName()
            + " answered "
            + service.statusCode()
            + " "
            + service.awsErrorDetails().errorCode()
            + (error == t ? "" : " (" + error.getMessage() + ")");
      }
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
