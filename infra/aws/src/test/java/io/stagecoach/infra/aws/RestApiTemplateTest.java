package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.FunctionsTemplateTest.API_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.AUTHORIZER_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.liveAliasId;
import static io.stagecoach.infra.aws.SynthesizedTemplate.JSON;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestApiTemplateTest {

  private static final String METHOD = "AWS::ApiGateway::Method";
  private static final String STAGE = "AWS::ApiGateway::Stage";
  private static final String AUTHORIZER = "AWS::ApiGateway::Authorizer";
  private static final String PERMISSION = "AWS::Lambda::Permission";
  private static final String APIGATEWAY = "apigateway.amazonaws.com";

  /**
   * The only routes without the bearer-token authorizer: the public document, the web console's
   * static files, and Slack's (signed by Slack).
   */
  private static final Set<String> UNAUTHENTICATED =
      Set.of(
          "GET /v1/openapi.json",
          "GET /console",
          "GET /console/{proxy+}",
          "POST /slack/commands",
          "POST /slack/interactions");

  private static String restApiId() {
    return template().getResourceId("AWS::ApiGateway::RestApi");
  }

  /** Resource logical id to its full path, e.g. {@code /v1/{proxy+}}. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> resourcePaths() {
    Map<String, Map<String, Object>> resources = resourcesOfType("AWS::ApiGateway::Resource");
    Map<String, String> paths = new HashMap<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (var entry : resources.entrySet()) {
        if (paths.containsKey(entry.getKey())) {
          continue;
        }
        Map<String, Object> parent =
            (Map<String, Object>) properties(entry.getValue()).get("ParentId");
        String parentPath =
            parent.containsKey("Fn::GetAtt") ? "" : paths.get((String) parent.get("Ref"));
        if (parentPath != null) {
          paths.put(
              entry.getKey(), parentPath + "/" + properties(entry.getValue()).get("PathPart"));
          grew = true;
        }
      }
    }
    return paths;
  }

  /** "GET /v1/openapi.json" to the method's properties. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> routes() {
    Map<String, String> paths = resourcePaths();
    Map<String, Map<String, Object>> routes = new HashMap<>();
    for (Map<String, Object> method : resourcesOfType(METHOD).values()) {
      Map<String, Object> resourceId = (Map<String, Object>) properties(method).get("ResourceId");
      String path =
          resourceId.containsKey("Fn::GetAtt") ? "/" : paths.get((String) resourceId.get("Ref"));
      routes.put(properties(method).get("HttpMethod") + " " + path, properties(method));
    }
    return routes;
  }

  @Test
  void restApi_isRegional() {
    template().resourceCountIs("AWS::ApiGateway::RestApi", 1);
    template()
        .hasResourceProperties(
            "AWS::ApiGateway::RestApi",
            Map.of("EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
  }

  @Test
  void restApi_hasOnlyTheOpenApiDocumentTheV1ProxyTheConsoleAndSlacksTwoRoutes_andNoRootProxy() {
    assertEquals(
        Set.of(
            "/v1",
            "/v1/openapi.json",
            "/v1/{proxy+}",
            "/console",
            "/console/{proxy+}",
            "/slack",
            "/slack/commands",
            "/slack/interactions"),
        new TreeSet<>(resourcePaths().values()));
    assertEquals(
        Set.of(
            "GET /v1/openapi.json",
            "ANY /v1/{proxy+}",
            "GET /console",
            "GET /console/{proxy+}",
            "POST /slack/commands",
            "POST /slack/interactions"),
        routes().keySet());
  }

  /**
   * The console is served from the API function on the API's own origin (docs/decisions.md): its
   * files are read-only and public, and everything it shows comes from /v1 behind the authorizer.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theConsole_isReadOnly_servedByTheApiFunctionsLiveAlias_onTheApisOwnOrigin() {
    String aliasInvocations = "\"Ref\":\"" + liveAliasId(API_HANDLER) + "\"},\"/invocations\"";
    Set<String> consoleRoutes = new TreeSet<>();
    routes()
        .forEach(
            (route, method) -> {
              if (route.contains(" /console")) {
                consoleRoutes.add(route);
                Map<String, Object> integration = (Map<String, Object>) method.get("Integration");
                assertEquals("AWS_PROXY", integration.get("Type"), route);
                assertTrue(asJson(integration.get("Uri")).contains(aliasInvocations), route);
                assertEquals("NONE", method.get("AuthorizationType"), route);
              }
            });
    assertEquals(Set.of("GET /console", "GET /console/{proxy+}"), consoleRoutes);
    // No CORS anywhere: no OPTIONS method answers a preflight, so no other origin may call the API
    // from a browser.
    assertTrue(
        routes().keySet().stream().noneMatch(r -> r.startsWith("OPTIONS ")),
        routes().keySet().toString());
  }

  @Test
  void theOpenApiDocumentAndSlacksSignedRoutes_areTheOnlyRoutesWithoutABearerToken() {
    for (String route : UNAUTHENTICATED) {
      assertEquals("NONE", routes().get(route).get("AuthorizationType"), route);
    }
  }

  @Test
  void everyOtherRoute_isCheckedByTheBearerTokenAuthorizer() {
    String authorizerId = template().getResourceId(AUTHORIZER);
    routes()
        .forEach(
            (route, method) -> {
              if (!UNAUTHENTICATED.contains(route)) {
                assertEquals("CUSTOM", method.get("AuthorizationType"), route);
                assertEquals(ref(authorizerId), method.get("AuthorizerId"), route);
              }
            });
  }

  @Test
  void everyV1Route_isProxiedToTheApiFunctionsLiveAlias_andSlacksToTheWebhooks() {
    routes()
        .forEach(
            (route, method) -> {
              String handler =
                  route.contains(" /slack/")
                      ? FunctionsTemplateTest.SLACK_WEBHOOK_HANDLER
                      : API_HANDLER;
              String aliasInvocations =
                  "\"Ref\":\"" + liveAliasId(handler) + "\"},\"/invocations\"";
              @SuppressWarnings("unchecked")
              Map<String, Object> integration = (Map<String, Object>) method.get("Integration");
              assertEquals("AWS_PROXY", integration.get("Type"), route);
              assertEquals("POST", integration.get("IntegrationHttpMethod"), route);
              assertTrue(asJson(integration.get("Uri")).contains(aliasInvocations), route);
            });
  }

  @Test
  void
      apiGateway_mayInvokeOnlyTheApiAuthorizerAndSlackWebhookLiveAliases_neverUnpublishedCode_andOnlyFromThisApi() {
    Set<Object> invoked = new HashSet<>();
    for (Map<String, Object> permission : resourcesOfType(PERMISSION).values()) {
      if (APIGATEWAY.equals(properties(permission).get("Principal"))) {
        invoked.add(properties(permission).get("FunctionName"));
        assertEquals(
            "lambda:InvokeFunction", properties(permission).get("Action"), asJson(permission));
        assertTrue(
            asJson(properties(permission).get("SourceArn")).contains(asJson(ref(restApiId()))),
            asJson(permission));
      }
    }

    assertEquals(
        Set.of(
            ref(liveAliasId(API_HANDLER)),
            ref(liveAliasId(AUTHORIZER_HANDLER)),
            ref(liveAliasId(FunctionsTemplateTest.SLACK_WEBHOOK_HANDLER))),
        invoked);
  }

  /**
   * The provisioners and the sweeper are invoked by their rules; the API function calls the
   * provisioners with IAM.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyOtherInvokePermission_isForEventBridge_fromARuleOfThisStackThatTargetsThatLiveAlias() {
    Map<String, Map<String, Object>> aliases = resourcesOfType("AWS::Lambda::Alias");
    Map<String, Map<String, Object>> rules = resourcesOfType("AWS::Events::Rule");
    for (Map<String, Object> permission : resourcesOfType(PERMISSION).values()) {
      Map<String, Object> granted = properties(permission);
      if (APIGATEWAY.equals(granted.get("Principal"))) {
        continue;
      }
      assertEquals("events.amazonaws.com", granted.get("Principal"), asJson(permission));
      assertEquals("lambda:InvokeFunction", granted.get("Action"), asJson(permission));

      String aliasId = (String) ((Map<String, Object>) granted.get("FunctionName")).get("Ref");
      assertTrue(aliases.containsKey(aliasId), "not an alias: " + asJson(permission));
      assertEquals("live", properties(aliases.get(aliasId)).get("Name"), asJson(permission));

      String ruleId =
          (String)
              ((List<Object>) ((Map<String, Object>) granted.get("SourceArn")).get("Fn::GetAtt"))
                  .get(0);
      assertEquals(getAtt(ruleId, "Arn"), granted.get("SourceArn"), asJson(permission));
      assertTrue(rules.containsKey(ruleId), "not a rule of this stack: " + asJson(permission));
      List<Map<String, Object>> targets =
          (List<Map<String, Object>>) properties(rules.get(ruleId)).get("Targets");
      assertTrue(
          targets.stream().anyMatch(target -> ref(aliasId).equals(target.get("Arn"))),
          ruleId + " does not target " + aliasId);
    }
  }

  @Test
  void authorizer_readsTheBearerTokenFromTheAuthorizationHeader_andCachesItsAnswerOneMinute() {
    template().resourceCountIs(AUTHORIZER, 1);
    template()
        .hasResourceProperties(
            AUTHORIZER,
            Map.of(
                "Type", "TOKEN",
                "RestApiId", ref(restApiId()),
                "IdentitySource", "method.request.header.Authorization",
                "IdentityValidationExpression", "^Bearer [-0-9A-Za-z._~+/]+=*$",
                "AuthorizerResultTtlInSeconds", 60));
  }

  @Test
  void authorizer_isTheAuthorizerFunctionsLiveAlias() {
    Map<String, Object> authorizer = resourcesOfType(AUTHORIZER).values().iterator().next();
    String uri = asJson(properties(authorizer).get("AuthorizerUri"));

    assertTrue(
        uri.contains("\"Ref\":\"" + liveAliasId(AUTHORIZER_HANDLER) + "\"},\"/invocations\""), uri);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer abc.def-ghi_jkl~mno+p/q", "Bearer c2VjcmV0", "Bearer c2VjcmV0=="})
  void authorizerPattern_admitsBearerTokens(final String header) {
    assertTrue(authorizerPattern().matcher(header).matches(), header);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Basic dXNlcjpwYXNz",
        "bearer abc",
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer abc=def",
        "Bearer abc\"",
        "Token abc"
      })
  void authorizerPattern_refusesOtherSchemesAndMalformedTokens_beforeTheAuthorizerRuns(
      final String header) {
    assertFalse(authorizerPattern().matcher(header).matches(), header);
  }

  @Test
  void liveStage_writesJsonAccessLogsToALogGroupOfItsOwn() throws JsonProcessingException {
    Map<String, Object> stage = liveStage();
    @SuppressWarnings("unchecked")
    Map<String, Object> accessLogs = (Map<String, Object>) stage.get("AccessLogSetting");

    String logGroupId = accessLogGroupId(accessLogs);
    assertEquals(
        30,
        properties(resourcesOfType("AWS::Logs::LogGroup").get(logGroupId)).get("RetentionInDays"));
    for (String handler : List.of(API_HANDLER, AUTHORIZER_HANDLER)) {
      assertFalse(
          asJson(properties(FunctionsTemplateTest.function(handler)).get("LoggingConfig"))
              .contains(logGroupId),
          "access logs share a log group with " + handler);
    }

    Map<String, String> format =
        JSON.readValue(
            (String) accessLogs.get("Format"), new TypeReference<Map<String, String>>() {});
    assertEquals("$context.requestId", format.get("requestId"));
    assertTrue(
        format
            .keySet()
            .containsAll(
                Set.of(
                    "ip",
                    "requestTime",
                    "httpMethod",
                    "resourcePath",
                    "status",
                    "protocol",
                    "responseLength")),
        format.keySet().toString());
  }

  @Test
  void liveStage_throttlesAt50RequestsPerSecondWithABurstOf100_andRecordsMetrics() {
    template()
        .hasResourceProperties(
            STAGE,
            Map.of(
                "StageName",
                "live",
                "MethodSettings",
                List.of(
                    Map.of(
                        "HttpMethod",
                        "*",
                        "ResourcePath",
                        "/*",
                        "ThrottlingRateLimit",
                        50,
                        "ThrottlingBurstLimit",
                        100,
                        "MetricsEnabled",
                        true))));
  }

  @Test
  void liveStage_hasNoExecutionLogging_soRequestDataStaysOutOfTheLogs() {
    template()
        .hasResourceProperties(
            STAGE,
            Map.of(
                "StageName",
                "live",
                "MethodSettings",
                List.of(Map.of("LoggingLevel", "OFF", "DataTraceEnabled", false))));
  }

  @Test
  void apiUrl_isTheLiveStagesBaseUrl() {
    String stageId = template().getResourceId(STAGE);
    template()
        .hasOutput(
            "ApiUrl",
            Map.of(
                "Value",
                Map.of(
                    "Fn::Join",
                    List.of(
                        "",
                        List.of(
                            "https://",
                            ref(restApiId()),
                            ".execute-api.",
                            ref("AWS::Region"),
                            ".",
                            ref("AWS::URLSuffix"),
                            "/",
                            ref(stageId),
                            "/")))));
  }

  @Test
  void stack_outputsOnlyTheApiUrl() {
    assertEquals(Set.of("ApiUrl"), template().findOutputs("*").keySet());
  }

  private static Map<String, Object> liveStage() {
    template().resourceCountIs(STAGE, 1);
    return properties(resourcesOfType(STAGE).values().iterator().next());
  }

  @SuppressWarnings("unchecked")
  private static String accessLogGroupId(final Map<String, Object> accessLogs) {
    Object destination = accessLogs.get("DestinationArn");
    List<Object> getAtt = (List<Object>) ((Map<String, Object>) destination).get("Fn::GetAtt");
    assertEquals(getAtt((String) getAtt.get(0), "Arn"), destination);
    return (String) getAtt.get(0);
  }

  private static Pattern authorizerPattern() {
    Map<String, Object> authorizer = resourcesOfType(AUTHORIZER).values().iterator().next();
    return Pattern.compile((String) properties(authorizer).get("IdentityValidationExpression"));
  }
}
