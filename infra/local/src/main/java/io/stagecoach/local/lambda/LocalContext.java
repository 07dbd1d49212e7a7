package io.stagecoach.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.stagecoach.functions.support.Log;
import java.nio.charset.StandardCharsets;

/** The {@link Context} a local invocation gets: names as in Lambda, the time left counting down. */
final class LocalContext implements Context {

  private static final Log LOG = Log.of(LocalContext.class);

  private final String requestId;
  private final String functionName;
  private final String functionArn;
  private final int memoryMb;
  private final long deadlineMillis;
  private final LambdaLogger logger;

  LocalContext(
      String requestId,
      String functionName,
      String functionArn,
      int memoryMb,
      long deadlineMillis) {
    this.requestId = requestId;
    this.functionName = functionName;
    this.functionArn = functionArn;
    this.memoryMb = memoryMb;
    this.deadlineMillis = deadlineMillis;
    this.logger =
        new LambdaLogger() {
          @Override
          public void log(String message) {
            LOG.info(message, "function", functionName);
          }

          @Override
          public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
          }
        };
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local/[$LATEST]" + requestId;
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return functionArn;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }
}
