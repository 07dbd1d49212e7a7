package io.stagecoach.local.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Log;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda's Invoke API (REST-JSON, {@code POST /2015-03-31/functions/{name}/invocations}): what a
 * function's SDK {@code LambdaClient} calls when it asks another function for an answer ({@code
 * RequestResponse}) or hands it work ({@code Event}). A function error is answered the way Lambda
 * answers it: status 200, the error payload, and {@code X-Amz-Function-Error: Unhandled}
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). An {@code Event} invocation is
 * answered 202 at once and run on another thread, once, without Lambda's retries: its error is
 * logged.
 */
public final class LambdaInvokeApi {

  private static final Log LOG = Log.of(LambdaInvokeApi.class);

  public static final String PREFIX = "/2015-03-31/functions/";
  private static final String SUFFIX = "/invocations";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalFunctions functions;

  public LambdaInvokeApi(LocalFunctions functions) {
    this.functions = functions;
  }

  public static boolean handles(RawRequest request) {
    String path = path(request);
    return path.startsWith(PREFIX) && path.endsWith(SUFFIX);
  }

  public RawResponse handle(RawRequest request) {
    String path = path(request);
    if (!"POST".equals(request.method())) {
      return error(405, "InvalidRequestContentException", "Invoke takes POST");
    }
    String name =
        URLDecoder.decode(
            path.substring(PREFIX.length(), path.length() - SUFFIX.length()),
            StandardCharsets.UTF_8);
    String invocationType =
        Optional.ofNullable(request.header("X-Amz-Invocation-Type")).orElse("RequestResponse");
    if (!invocationType.equals("RequestResponse") && !invocationType.equals("Event")) {
      return error(
          400,
          "InvalidParameterValueException",
          "the local cloud invokes with RequestResponse or Event, not " + invocationType);
    }
    Optional<LocalFunction> fn = functions.byArn(name);
    if (fn.isEmpty()) {
      return error(404, "ResourceNotFoundException", "Function not found: " + name);
    }
    byte[] payload =
        request.body() == null || request.body().length == 0
            ? "{}".getBytes(StandardCharsets.UTF_8)
            : request.body();
    if (invocationType.equals("Event")) {
      LocalFunction function = fn.get();
      Thread.ofVirtual()
          .name("stagecoach-async-" + function.logicalId())
          .start(
              () -> {
                Invocation result = function.invoke(payload);
                if (result.functionError()) {
                  LOG.error(
                      "asynchronous invocation failed",
                      "function",
                      function.logicalId(),
                      "errorType",
                      result.errorType(),
                      "error",
                      result.errorMessage());
                }
              });
      return new RawResponse(
          202, List.of(Map.entry("Content-Type", "application/json")), new byte[0]);
    }
    Invocation result = fn.get().invoke(payload);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Content-Type", "application/json"));
    headers.add(Map.entry("X-Amz-Executed-Version", "$LATEST"));
    if (result.functionError()) {
      headers.add(Map.entry("X-Amz-Function-Error", "Unhandled"));
    }
    return new RawResponse(200, headers, result.payload());
  }

  private static String path(RawRequest request) {
    String target = request.target();
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  private static RawResponse error(int status, String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("Type", "User");
    body.put("message", message);
    return new RawResponse(
        status,
        List.of(Map.entry("Content-Type", "application/json"), Map.entry("x-amzn-ErrorType", type)),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }
}
