package io.stagecoach.local.eventbridge;

import java.time.Instant;

/**
 * An event EventBridge gave up delivering to one target: after the retry policy ran out (attempts
 * or event age). In AWS it would go to the target's dead-letter queue ({@code deadLetterQueueArn},
 * may be empty) with the error in the message attributes.
 */
public record DeadLetter(
    Instant time,
    String eventId,
    String ruleName,
    String ruleArn,
    String targetId,
    String targetArn,
    String deadLetterQueueArn,
    int attempts,
    String errorCode,
    String errorMessage,
    String event) {}
