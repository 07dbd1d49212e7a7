package io.stagecoach.infra.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.IdentitySource;
import software.amazon.awscdk.services.apigateway.JsonWithStandardFieldProps;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.Method;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Resource;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.TokenAuthorizer;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The public REST API (API Gateway v1, regional): {@code GET /v1/openapi.json} without
 * authentication and everything else under {@code /v1/{proxy+}} behind a bearer-token authorizer,
 * both proxied to the API function, which does its own routing. The web console's static files are
 * {@code GET /console} and {@code GET /console/{proxy+}}, served by the same function on the same
 * origin (docs/decisions.md says why). Other paths have no route and are answered by API Gateway
 * itself.
 */
public final class StagecoachApi extends Construct {

  public static final String STAGE_NAME = "live";
  public static final String AUTHORIZATION_HEADER = "Authorization";

  /**
   * RFC 6750 {@code b64token}; anything else is refused by API Gateway without invoking the
   * authorizer.
   */
  public static final String BEARER_TOKEN_PATTERN = "^Bearer [-0-9A-Za-z._~+/]+=*$";

  public static final Duration AUTHORIZER_CACHE_TTL = Duration.seconds(60);

  private final RestApi restApi;
  private final TokenAuthorizer authorizer;

  /**
   * @param apiHandler what every route invokes: the API function's published alias
   * @param authorizerHandler the token authorizer's published alias
   * @param throttling stage-wide rate and burst
   * @param accessLogRetention how long access logs are kept
   * @param manageAccountLogRole whether this stack sets API Gateway's account-level CloudWatch role
   *     (see {@link StagecoachStack})
   */
  public record Props(
      IFunction apiHandler,
      IFunction authorizerHandler,
      ApiThrottling throttling,
      RetentionDays accessLogRetention,
      boolean manageAccountLogRole) {

    public Props {
      Objects.requireNonNull(apiHandler, "apiHandler");
      Objects.requireNonNull(authorizerHandler, "authorizerHandler");
      Objects.requireNonNull(throttling, "throttling");
      Objects.requireNonNull(accessLogRetention, "accessLogRetention");
      if (apiHandler == authorizerHandler) {
        throw new IllegalArgumentException(
            "the authorizer must be a function of its own, not the API function");
      }
    }
  }

  public StagecoachApi(final Construct scope, final String id, final Props props) {
    super(scope, id);

    LogGroup accessLogs =
        LogGroup.Builder.create(this, "AccessLogs").retention(props.accessLogRetention()).build();

    this.restApi =
        RestApi.Builder.create(this, "Resource")
            .restApiName("stagecoach")
            .description("Stagecoach environment registry and promotion API")
            .endpointTypes(List.of(EndpointType.REGIONAL))
            // Access logs to CloudWatch need the region's account-level API Gateway role, like
            // execution logs do; see StagecoachStack for when this stack sets it.
            .cloudWatchRole(props.manageAccountLogRole())
            .deployOptions(
                StageOptions.builder()
                    .stageName(STAGE_NAME)
                    .accessLogDestination(new LogGroupLogDestination(accessLogs))
                    .accessLogFormat(
                        AccessLogFormat.jsonWithStandardFields(
                            JsonWithStandardFieldProps.builder()
                                .caller(true)
                                .httpMethod(true)
                                .ip(true)
                                .protocol(true)
                                .requestTime(true)
                                .resourcePath(true)
                                .responseLength(true)
                                .status(true)
                                .user(true)
                                .build()))
                    // Execution logs stay off: they would record request data, and access logs and
                    // the functions' own logs are enough to follow a request.
                    .loggingLevel(MethodLoggingLevel.OFF)
                    .dataTraceEnabled(false)
                    .metricsEnabled(true)
                    .throttlingRateLimit(props.throttling().rateLimit())
                    .throttlingBurstLimit(props.throttling().burstLimit())
                    .build())
            .build();
    // One output for the URL, named by the stack; RestApi's own "Endpoint" output would repeat it.
    restApi.getNode().tryRemoveChild("Endpoint");
    new AcknowledgedFinding(
            "AwsSolutions-APIG2",
            "Requests are validated by the API function, which refuses them as problem+json"
                + " validation_failed; API Gateway request models would duplicate the OpenAPI schemas.")
        .on(restApi.getNode().getDefaultChild());
    new AcknowledgedFinding(
            "AwsSolutions-APIG6",
            "Execution logging is off on purpose: it records request data and authorizer context."
                + " Access logs and the functions' JSON logs trace every request.")
        .on(restApi.getDeploymentStage());
    new AcknowledgedFinding(
            "AwsSolutions-APIG3",
            "No web ACL in this stack: every route but the OpenAPI document needs a bearer token checked"
                + " by the authorizer, and the stage is throttled. Accounts that require WAF attach it"
                + " centrally (Firewall Manager).")
        .on(restApi.getDeploymentStage());
    if (props.manageAccountLogRole()) {
      new AcknowledgedFinding(
              "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
              "API Gateway's account-level CloudWatch role serves every REST API in the region and must"
                  + " create their log groups and streams; AWS documents this managed policy for it.")
          .on(restApi.getNode().findChild("CloudWatchRole"));
    }

    // The cached policy is reused for every route called with the same token for the TTL, so the
    // authorizer must answer with a policy that covers the whole API, not only the route it saw.
    this.authorizer =
        TokenAuthorizer.Builder.create(this, "BearerTokenAuthorizer")
            .authorizerName("stagecoach-bearer-token")
            .handler(props.authorizerHandler())
            .identitySource(IdentitySource.header(AUTHORIZATION_HEADER))
            .validationRegex(BEARER_TOKEN_PATTERN)
            .resultsCacheTtl(AUTHORIZER_CACHE_TTL)
            .build();

    // Console test invocations are not needed: no permission for them.
    LambdaIntegration apiIntegration =
        LambdaIntegration.Builder.create(props.apiHandler())
            .proxy(true)
            .allowTestInvoke(false)
            .build();

    Resource v1 = restApi.getRoot().addResource("v1");
    Method openApiDocument =
        v1.addResource("openapi.json")
            .addMethod(
                "GET",
                apiIntegration,
                MethodOptions.builder().authorizationType(AuthorizationType.NONE).build());
    Method everythingElse =
        v1.addResource("{proxy+}")
            .addMethod(
                "ANY",
                apiIntegration,
                MethodOptions.builder()
                    .authorizationType(AuthorizationType.CUSTOM)
                    .authorizer(authorizer)
                    .build());

    // The console's files hold no data (everything it shows comes from /v1 with the person's
    // token), so they are read without one: the page must load before anyone has signed in.
    Resource console = restApi.getRoot().addResource("console");
    MethodOptions noToken =
        MethodOptions.builder().authorizationType(AuthorizationType.NONE).build();
    Method consolePage = console.addMethod("GET", apiIntegration, noToken);
    Method consoleFiles = console.addResource("{proxy+}").addMethod("GET", apiIntegration, noToken);
    String publicFiles =
        "The web console's static files (HTML, script, style) are public by design: they hold no"
            + " data, load before the person signs in, and call /v1 with the person's bearer token.";
    for (Method m : List.of(consolePage, consoleFiles)) {
      new AcknowledgedFinding("AwsSolutions-APIG4", publicFiles).on(m.getNode().getDefaultChild());
      new AcknowledgedFinding("AwsSolutions-COG4", publicFiles).on(m.getNode().getDefaultChild());
    }

    String publicDocument =
        "The OpenAPI document is public by design (DESIGN.md, REST API): clients and"
            + " tooling read it before they hold a token; it holds no registry data.";
    new AcknowledgedFinding("AwsSolutions-APIG4", publicDocument)
        .on(openApiDocument.getNode().getDefaultChild());
    new AcknowledgedFinding("AwsSolutions-COG4", publicDocument)
        .on(openApiDocument.getNode().getDefaultChild());
    new AcknowledgedFinding(
            "AwsSolutions-COG4",
            "Stagecoach issues its own API tokens (POST /v1/tokens, stored hashed) and checks them in the"
                + " token authorizer; there is no Cognito user pool to delegate to.")
        .on(everythingElse.getNode().getDefaultChild());

    for (GatewayProblem problem : GatewayProblem.ALL) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", quoted(GatewayProblem.CONTENT_TYPE));
      if (problem.type().getResponseType().equals(ResponseType.UNAUTHORIZED.getResponseType())) {
        // RFC 6750 section 3: a 401 names the scheme the client should use.
        headers.put("WWW-Authenticate", quoted("Bearer"));
      }
      GatewayResponseOptions.Builder response =
          GatewayResponseOptions.builder()
              .type(problem.type())
              .responseHeaders(headers)
              .templates(Map.of("application/json", problem.body()));
      problem.statusCode().ifPresent(status -> response.statusCode(String.valueOf(status)));
      restApi.addGatewayResponse(problem.type().getResponseType(), response.build());
    }
  }

  public RestApi restApi() {
    return restApi;
  }

  public TokenAuthorizer authorizer() {
    return authorizer;
  }

  /**
   * The stage's base URL, e.g. {@code https://abc123.execute-api.eu-west-1.amazonaws.com/live/}.
   */
  public String url() {
    return restApi.getUrl();
  }

  /** Gateway response header values are mapping expressions: a static value is single-quoted. */
  private static String quoted(final String value) {
    return "'" + value + "'";
  }
}
