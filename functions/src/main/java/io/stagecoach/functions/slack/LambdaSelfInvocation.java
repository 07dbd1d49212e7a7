package io.stagecoach.functions.slack;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Defers by invoking the same function (the same alias) asynchronously, with the signed request
 * wrapped in {@code {"slackDeferred": <proxy event>}}. Lambda queues the event and answers at once
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html); the second invocation
 * verifies the signature again, so being allowed to invoke the function is no way to act as someone
 * in Slack.
 */
public final class LambdaSelfInvocation implements CommandDeferral {

  private static final Log LOG = Log.of(LambdaSelfInvocation.class);

  public static final String DEFERRED_FIELD = "slackDeferred";

  private final LambdaClient lambda;

  public LambdaSelfInvocation(LambdaClient lambda) {
    this.lambda = lambda;
  }

  @Override
  public boolean defer(String functionArn, JsonNode proxyEvent) {
    String payload = Json.write(Json.object().set(DEFERRED_FIELD, proxyEvent));
    try {
      int status =
          lambda
              .invoke(
                  r ->
                      r.functionName(functionArn)
                          .invocationType(InvocationType.EVENT)
                          .payload(SdkBytes.fromUtf8String(payload)))
              .statusCode();
      return status == 202;
    } catch (SdkException e) {
      LOG.error("could not defer a Slack command", "error", e.getClass().getSimpleName());
      return false;
    }
  }
}
