package io.stagecoach.functions.auth;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The REST API's TOKEN authorizer: {@code Authorization: Bearer <token>} in, an IAM policy out. A
 * token that is unknown or expired answers the error {@code Unauthorized}, which API Gateway turns
 * into 401
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * The policy allows the whole API because API Gateway caches it per token across routes; the API
 * function checks each route's role from the context this returns.
 */
public final class TokenAuthorizerHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private final RegistryService registry;
  private final Clock clock;

  public TokenAuthorizerHandler() {
    this(Settings.processEnvironment());
  }

  public TokenAuthorizerHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public TokenAuthorizerHandler(Map<String, String> environment, Clock clock) {
    this(registry(Settings.fromEnvironment(environment)), clock);
  }

  public TokenAuthorizerHandler(RegistryService registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  private static RegistryService registry(Settings settings) {
    return new RegistryService(new DynamoDbRegistry(settings.dynamoDb(), settings.registryTable()));
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    Object header = event.get("authorizationToken");
    Object methodArn = event.get("methodArn");
    Optional<String> secret = bearer(header instanceof String s ? s : "");
    Optional<Principal> principal = secret.flatMap(s -> registry.authenticate(s, clock.instant()));
    if (principal.isEmpty()) {
      throw new UnauthorizedException();
    }
    Principal p = principal.get();
    return Map.of(
        "principalId", p.name(),
        "policyDocument",
            Map.of(
                "Version",
                "2012-10-17",
                "Statement",
                List.of(
                    Map.of(
                        "Action", "execute-api:Invoke",
                        "Effect", "Allow",
                        "Resource", wholeApi(methodArn instanceof String s ? s : "")))),
        "context",
            Map.of(
                "principal", p.name(),
                "roles",
                    p.roles().stream()
                        .map(Role::wireName)
                        .sorted()
                        .collect(Collectors.joining(",")),
                // Context values are strings; approval policies count these groups.
                "groups", p.groups().stream().sorted().collect(Collectors.joining(","))));
  }

  static Optional<String> bearer(String header) {
    if (header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
    return Optional.empty();
  }

  /**
   * {@code arn:...:api-id/stage/GET/v1/apps} becomes {@code arn:...:api-id/stage/*}: every route.
   */
  static String wholeApi(String methodArn) {
    // arn:partition:execute-api:region:account:api/stage/METHOD/path; the path itself may hold ':'
    // (ids).
    String[] arn = methodArn.split(":", 6);
    if (arn.length < 6) {
      throw new UnauthorizedException();
    }
    String[] parts = arn[5].split("/");
    if (parts.length < 2) {
      throw new UnauthorizedException();
    }
    return String.join(
        ":", arn[0], arn[1], arn[2], arn[3], arn[4], parts[0] + "/" + parts[1] + "/*");
  }

  /** API Gateway answers 401 when a TOKEN authorizer fails with exactly this message. */
  static final class UnauthorizedException extends RuntimeException {
    UnauthorizedException() {
      super("Unauthorized", null, false, false);
    }
  }
}
