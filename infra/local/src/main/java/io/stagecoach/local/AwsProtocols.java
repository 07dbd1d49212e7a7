package io.stagecoach.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.http.SigV4Verifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The AWS protocols the local cloud serves, each with the signing name its callers sign for and the
 * shape its errors take, and the signature check in front of all of them.
 */
final class AwsProtocols {

  /** One AWS protocol: its SigV4 signing name and how it answers an authentication failure. */
  record Protocol(String signingName, Function<SigV4Verifier.Refusal, RawResponse> refuse) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static final Protocol EVENTS = new Protocol("events", awsJson("application/x-amz-json-1.1"));
  static final Protocol STATES = new Protocol("states", awsJson("application/x-amz-json-1.0"));
  static final Protocol SECRETS_MANAGER =
      new Protocol("secretsmanager", awsJson("application/x-amz-json-1.1"));
  static final Protocol LAMBDA = new Protocol("lambda", AwsProtocols::restJson);

  /**
   * DynamoDB, served so that the AWS CLI and SDKs can read and change the tables the local
   * provisioner made (and the registry's): signed like the others, since DynamoDB Local behind it
   * checks no signature.
   */
  static final Protocol DYNAMODB = new Protocol("dynamodb", awsJson("application/x-amz-json-1.0"));

  private final Optional<SigV4Verifier> verifier;

  /**
   * @param verifier the signature check; empty serves unsigned requests ({@code --no-auth})
   */
  AwsProtocols(Optional<SigV4Verifier> verifier) {
    this.verifier = verifier;
  }

  /** Serves {@code request} with {@code handler} once its signature holds for {@code protocol}. */
  RawResponse serve(
      RawRequest request, Protocol protocol, Function<RawRequest, RawResponse> handler) {
    if (verifier.isPresent()) {
      Optional<SigV4Verifier.Refusal> refusal =
          verifier.get().refusal(request, protocol.signingName());
      if (refusal.isPresent()) {
        return protocol.refuse().apply(refusal.get());
      }
    }
    return handler.apply(request);
  }

  /** The JSON protocols' error: {@code __type} and {@code message}, 400 (403 when unsigned). */
  private static Function<SigV4Verifier.Refusal, RawResponse> awsJson(String contentType) {
    return refusal -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("__type", refusal.errorType());
      body.put("message", refusal.message());
      return RawResponse.awsJson(
          status(refusal), contentType, body.toString(), refusal.errorType());
    };
  }

  /** Lambda's REST-JSON error: {@code x-amzn-ErrorType}, body {@code Type} and {@code message}. */
  private static RawResponse restJson(SigV4Verifier.Refusal refusal) {
    ObjectNode body = JSON.createObjectNode();
    body.put("Type", "User");
    body.put("message", refusal.message());
    return new RawResponse(
        403,
        List.of(
            Map.entry("Content-Type", "application/json"),
            Map.entry("x-amzn-ErrorType", refusal.errorType())),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static int status(SigV4Verifier.Refusal refusal) {
    return refusal.errorType().equals("MissingAuthenticationTokenException") ? 403 : 400;
  }
}
