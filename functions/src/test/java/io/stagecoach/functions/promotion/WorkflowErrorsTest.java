package io.stagecoach.functions.promotion;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.promotion.PromotionService;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * The one classification of a promotion step's errors: transient ones become {@link Transient}
 * (retried by the workflow), business outcomes keep distinct names (never retried), anything else
 * goes through as thrown (terminal).
 */
class WorkflowErrorsTest {

  /** An SDK exception as the SDK builds it from a service's answer. */
  private static <T extends AwsServiceException> T answered(
      AwsServiceException.Builder builder, String service, int status, String code) {
    @SuppressWarnings("unchecked")
    T built =
        (T)
            builder
                .statusCode(status)
                .message(code + " (test)")
                .awsErrorDetails(
                    AwsErrorDetails.builder().serviceName(service).errorCode(code).build())
                .build();
    return built;
  }

  private static void assertTransient(RuntimeException thrown) {
    RuntimeException seen = WorkflowErrors.classify(thrown);
    assertInstanceOf(Transient.class, seen, thrown.toString());
    assertSame(thrown, seen.getCause(), "the cause is kept for the log");
  }

  private static void assertTerminalAsThrown(RuntimeException thrown) {
    assertSame(thrown, WorkflowErrors.classify(thrown), thrown.toString());
  }

  @Test
  void theOptimisticLockRace_changedWhileThisStepRan_isTransient() {
    assertTransient(
        new PromotionService.ConcurrentChange(
            "promotion pr-1 changed while this step ran (a concurrent step or decision)"));
  }

  @Test
  void dynamoDbThrottling_afterTheSdksRetries_isTransient_andSaysWhoAnsweredWhat() {
    ProvisionedThroughputExceededException throttled =
        answered(
            ProvisionedThroughputExceededException.builder(),
            "DynamoDb",
            400,
            "ProvisionedThroughputExceededException");
    assertTransient(throttled);
    assertEquals(
        "DynamoDb answered 400 ProvisionedThroughputExceededException",
        WorkflowErrors.classify(throttled).getMessage());
    assertTransient(answered(DynamoDbException.builder(), "DynamoDb", 400, "ThrottlingException"));
    assertTransient(answered(DynamoDbException.builder(), "DynamoDb", 400, "RequestLimitExceeded"));
  }

  @Test
  void fiveHundredsOfAnyAwsService_areTransient_theirFourHundredsAreNot() {
    assertTransient(answered(DynamoDbException.builder(), "DynamoDb", 500, "InternalServerError"));
    assertTransient(answered(SfnException.builder(), "Sfn", 503, "ServiceUnavailable"));
    assertTerminalAsThrown(answered(SfnException.builder(), "Sfn", 400, "ValidationException"));
    assertTerminalAsThrown(
        answered(DynamoDbException.builder(), "DynamoDb", 400, "ResourceNotFoundException"));
  }

  @Test
  void aRawConditionalCheckFailure_isARace_andSoIsATransactionCancelledOnlyByConflicts() {
    assertTransient(
        answered(
            ConditionalCheckFailedException.builder(),
            "DynamoDb",
            400,
            "ConditionalCheckFailedException"));
    TransactionCanceledException conflicts =
        TransactionCanceledException.builder()
            .message("cancelled (test)")
            .cancellationReasons(
                CancellationReason.builder().code("None").build(),
                CancellationReason.builder().code("TransactionConflict").build())
            .build();
    assertTransient(conflicts);
    TransactionCanceledException invalid =
        TransactionCanceledException.builder()
            .message("cancelled (test)")
            .cancellationReasons(CancellationReason.builder().code("ValidationError").build())
            .build();
    assertTerminalAsThrown(invalid);
  }

  @Test
  void timeoutsAndFailedConnections_areTransient_aMisconfiguredClientIsNot() {
    assertTransient(ApiCallTimeoutException.create(Duration.ofSeconds(10).toMillis()));
    assertTransient(ApiCallAttemptTimeoutException.create(Duration.ofSeconds(2).toMillis()));
    assertTransient(
        SdkClientException.create(
            "Unable to execute HTTP request", new SocketTimeoutException("Read timed out")));
    assertTransient(
        SdkClientException.create("Unable to execute HTTP request", new IOException("reset")));
    assertTerminalAsThrown(SdkClientException.create("Unable to load region"));
  }

  @Test
  void anAdapterWrappingAThrottledCall_isTransient_throughItsCause() {
    EventBridgeException throttled =
        answered(EventBridgeException.builder(), "EventBridge", 400, "ThrottlingException");
    assertTransient(
        new EventPublisher.EventNotPublishedException(
            "Stage Promoted could not be published", throttled));
    assertTerminalAsThrown(
        new EventPublisher.EventNotPublishedException(
            "Stage Promoted could not be published",
            answered(EventBridgeException.builder(), "EventBridge", 400, "AccessDeniedException")));
  }

  @Test
  void businessOutcomes_keepDistinctNames_withTheirReason_andAreNeverTransient() {
    RuntimeException gate =
        WorkflowErrors.classify(
            new PromotionService.GateClosed(
                Rejection.Code.FROZEN, "environment 'shop/prod' is frozen by rita"));
    assertInstanceOf(GateClosed.class, gate);
    assertEquals("frozen: environment 'shop/prod' is frozen by rita", gate.getMessage());
    assertEquals(
        "order_violation: release 1.0.0 does not run in 'dev'",
        WorkflowErrors.classify(
                new PromotionService.GateClosed(
                    Rejection.Code.ORDER_VIOLATION, "release 1.0.0 does not run in 'dev'"))
            .getMessage());
    RuntimeException verification =
        WorkflowErrors.classify(
            new PromotionService.VerificationFailed("verification of 'dev' failed: 500"));
    assertInstanceOf(VerificationFailed.class, verification);
    assertEquals("verification of 'dev' failed: 500", verification.getMessage());
    assertInstanceOf(
        PromotionStopped.class,
        WorkflowErrors.classify(
            new PromotionService.PromotionStopped("promotion pr-1 is superseded")));
  }

  @Test
  void aBusyStage_isRetriedUnderItsOwnName() {
    RuntimeException busy =
        WorkflowErrors.classify(new PromotionService.StageBusy("promotion pr-0 waits in 'prod'"));
    assertInstanceOf(StageBusy.class, busy);
    assertEquals("promotion pr-0 waits in 'prod'", busy.getMessage());
  }

  @Test
  void aBug_goesThroughAsThrown_soTheWorkflowDoesNotRetryIt() {
    assertTerminalAsThrown(new IllegalArgumentException("unknown promotion step 'dance'"));
    assertTerminalAsThrown(new IllegalStateException("approval a-1 is gone"));
  }

  /** The names are the contract with the workflow's Retry and Catch (infra/aws Promotion). */
  @Test
  void theErrorNamesTheWorkflowMatches_areTheseClassesNames() {
    assertEquals("io.stagecoach.functions.promotion.Transient", Transient.class.getName());
    assertEquals("io.stagecoach.functions.promotion.StageBusy", StageBusy.class.getName());
    assertEquals("io.stagecoach.functions.promotion.GateClosed", GateClosed.class.getName());
    assertEquals(
        "io.stagecoach.functions.promotion.VerificationFailed", VerificationFailed.class.getName());
    assertEquals(
        "io.stagecoach.functions.promotion.PromotionStopped", PromotionStopped.class.getName());
  }
}
