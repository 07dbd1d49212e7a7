package io.stagecoach.local.apigateway;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.WireServer;
import io.stagecoach.local.lambda.LocalFunctions;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of ../shared/conformance/apigateway, recorded on AWS, replayed over HTTP against the
 * local REST API: the request cases through a function that echoes its event, the response cases
 * through a function that returns what the request body says. Values the recordings normalized
 * ({@code <host:1>}, {@code <uuid:6>}, ...) are wildcards; CloudFront's edge headers are not
 * invented locally.
 */
class ApiGatewayConformanceTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");
  private static final Pattern EDGE_HEADER =
      Pattern.compile("(?i)(cloudfront-.*|via|x-amz-cf-id|x-amzn-trace-id|x-forwarded-.*)");
  static final Path CONFORMANCE =
      Path.of(System.getProperty("stagecoach.conformance", "../../../shared/conformance"));

  private static WireServer echoApi;
  private static WireServer resultApi;

  @BeforeAll
  static void startApis() throws IOException {
    echoApi = serve("io.stagecoach.local.testing.EchoEventHandler");
    resultApi = serve("io.stagecoach.local.testing.ResultFromBodyHandler");
  }

  @AfterAll
  static void stopApis() throws IOException {
    echoApi.close();
    resultApi.close();
  }

  /**
   * The recordings' API: stage {@code stage}, {@code ANY /{proxy+}} and {@code ANY /hardcoded},
   * both Lambda proxy.
   */
  static WireServer serve(String handler) throws IOException {
    String template =
        """
        {"Resources": {
          "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "%s", "Runtime": "java21", "Timeout": 10}},
          "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "conformance"}},
          "Proxy": {"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "Api"},
              "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "{proxy+}"}},
          "Hardcoded": {"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "Api"},
              "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "hardcoded"}},
          "ProxyAny": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"},
              "ResourceId": {"Ref": "Proxy"}, "HttpMethod": "ANY", "AuthorizationType": "NONE",
              "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": {"Fn::Join": ["",
                  ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
                   ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Fn", "Arn"]}, "/invocations"]]}}}},
          "HardcodedAny": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"},
              "ResourceId": {"Ref": "Hardcoded"}, "HttpMethod": "ANY", "AuthorizationType": "NONE",
              "Integration": {"Type": "AWS_PROXY", "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}}}},
          "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "stage"}}
        }}"""
            .formatted(handler);
    CloudTemplate t = new CloudTemplate(MAPPER.readTree(template), "Conformance", "us-east-1");
    LocalRestApi api =
        new LocalRestApi(
            new RestApiModel(t, "Api"),
            new LocalFunctions(t, Map.of()),
            Clock.systemUTC(),
            CloudTemplate.LOCAL_ACCOUNT);
    return new WireServer(0, api::handle);
  }

  private static List<Path> cases(String folder) throws IOException {
    Path dir = CONFORMANCE.resolve("apigateway").resolve(folder);
    assertTrue(Files.isDirectory(dir), "conformance data at " + dir.toAbsolutePath());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  @TestFactory
  List<DynamicTest> requestCases_giveTheRecordedProxyEvent() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<Path> files = cases("proxy-request-events");
    assertEquals(11, files.size(), "all recorded request cases are replayed");
    for (Path file : files) {
      tests.add(
          DynamicTest.dynamicTest(
              file.getFileName().toString(),
              () -> {
                JsonNode recorded = MAPPER.readTree(file.toFile());
                JsonNode request = recorded.get("request");
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                request
                    .get("headers")
                    .properties()
                    .forEach(e -> headers.add(Map.entry(e.getKey(), e.getValue().asText())));
                byte[] body =
                    request.get("body").isNull()
                        ? null
                        : request.get("body").asText().getBytes(StandardCharsets.UTF_8);
                RawHttp.Response response =
                    RawHttp.send(
                        echoApi.port(),
                        request.get("method").asText(),
                        request.get("rawPathAndQuery").asText(),
                        headers,
                        body);
                assertEquals(200, response.status(), response.body());
                JsonNode actual = MAPPER.readTree(response.body());
                JsonNode expected = withoutEdgeHeaders(recorded.get("expectedEvent").deepCopy());
                List<String> differences = new ArrayList<>();
                compare("", expected, withoutEdgeHeaders((ObjectNode) actual), differences);
                assertEquals(List.of(), differences);
              }));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> responseCases_giveTheRecordedHttpResponse() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<Path> files = cases("proxy-response-mapping");
    assertEquals(15, files.size(), "all recorded response cases are replayed");
    for (Path file : files) {
      tests.add(
          DynamicTest.dynamicTest(
              file.getFileName().toString(),
              () -> {
                JsonNode recorded = MAPPER.readTree(file.toFile());
                JsonNode result = recorded.get("lambdaResult");
                byte[] body =
                    result.has("returns") ? MAPPER.writeValueAsBytes(result.get("returns")) : null;
                RawHttp.Response response =
                    RawHttp.send(
                        resultApi.port(),
                        "POST",
                        "/test/test",
                        List.of(Map.entry("User-Agent", "python/test")),
                        body);
                JsonNode expected = recorded.get("expected");
                assertEquals(
                    expected.get("statusCode").asInt(), response.status(), response.body());
                if (expected.has("bodyJson")) {
                  assertEquals(expected.get("bodyJson"), MAPPER.readTree(response.body()));
                } else {
                  assertEquals(expected.get("body").asText(), response.body());
                }
                if (expected.has("headers")) {
                  expected
                      .get("headers")
                      .properties()
                      .forEach(
                          h ->
                              assertEquals(
                                  h.getValue().asText(),
                                  response.headers().get(h.getKey()),
                                  "header " + h.getKey()));
                }
              }));
    }
    return tests;
  }

  private static JsonNode withoutEdgeHeaders(ObjectNode event) {
    for (String field : List.of("headers", "multiValueHeaders")) {
      if (event.get(field) instanceof ObjectNode headers) {
        List<String> edge = new ArrayList<>();
        headers
            .fieldNames()
            .forEachRemaining(
                n -> {
                  if (EDGE_HEADER.matcher(n).matches()) {
                    edge.add(n);
                  }
                });
        headers.remove(edge);
      }
    }
    return event;
  }

  /**
   * Structural comparison; a placeholder in the recording matches any value, and the recording's
   * account id is normalized.
   */
  static void compare(String at, JsonNode expected, JsonNode actual, List<String> differences) {
    if (expected.isTextual() && PLACEHOLDER.matcher(expected.asText()).matches()) {
      if (actual == null || actual.isMissingNode()) {
        differences.add(at + ": missing (recorded " + expected.asText() + ")");
      }
      return;
    }
    if (at.equals("/requestContext/accountId")) {
      return;
    }
    if (actual == null || actual.isMissingNode()) {
      differences.add(at + ": missing, recorded " + expected);
      return;
    }
    if (expected.isObject()) {
      if (!actual.isObject()) {
        differences.add(at + ": " + actual + " instead of an object");
        return;
      }
      expected
          .properties()
          .forEach(
              e ->
                  compare(
                      at + "/" + e.getKey(), e.getValue(), actual.get(e.getKey()), differences));
      actual
          .fieldNames()
          .forEachRemaining(
              n -> {
                if (!expected.has(n)) {
                  differences.add(at + "/" + n + ": not in the recording");
                }
              });
    } else if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        differences.add(at + ": " + actual + " instead of " + expected);
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        compare(at + "/" + i, expected.get(i), actual.get(i), differences);
      }
    } else if (!expected.equals(actual)) {
      differences.add(at + ": " + actual + " instead of " + expected);
    }
  }
}
