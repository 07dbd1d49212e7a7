package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.support.Json;
import io.stagecoach.testing.RecordingEventPublisher;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API function serves the web console's bundle (the console module's jar, on its classpath) at
 * {@code /console}, without a token, with a strict Content-Security-Policy on every answer.
 */
class ConsolePageTest {

  private final Api api =
      new Api(
          new RegistryService(null),
          null,
          null,
          (tier, app, env, version) -> new TierPlanner.Answer.Unavailable("unused"),
          new RecordingEventPublisher(),
          Clock.systemUTC());

  /** As API Gateway sends it for a route without an authorizer: no principal in the context. */
  private APIGatewayProxyResponseEvent get(String method, String path) {
    APIGatewayProxyRequestEvent.ProxyRequestContext context =
        new APIGatewayProxyRequestEvent.ProxyRequestContext();
    context.setRequestId("console-test");
    return api.handle(
        new APIGatewayProxyRequestEvent()
            .withHttpMethod(method)
            .withPath(path)
            .withHeaders(Map.of("Host", "abc.execute-api.eu-west-1.amazonaws.com"))
            .withRequestContext(context));
  }

  private static void assertSecured(APIGatewayProxyResponseEvent r) {
    String csp = r.getHeaders().get("Content-Security-Policy");
    assertNotNull(csp, r.getHeaders().toString());
    assertTrue(csp.contains("default-src 'self'"), csp);
    assertTrue(csp.contains("script-src 'self'"), csp);
    assertTrue(csp.contains("frame-ancestors 'none'"), csp);
    assertFalse(csp.contains("unsafe-inline"), csp);
    assertFalse(csp.contains("unsafe-eval"), csp);
    assertFalse(csp.contains("http"), "no other origin is named: " + csp);
    assertEquals("DENY", r.getHeaders().get("X-Frame-Options"));
    assertEquals("no-referrer", r.getHeaders().get("Referrer-Policy"));
    assertEquals("nosniff", r.getHeaders().get("X-Content-Type-Options"));
    assertNull(r.getHeaders().get("Access-Control-Allow-Origin"), "no CORS for anyone");
  }

  @Test
  void thePage_isServedWithoutAToken_asHtml_withAStrictContentSecurityPolicy() {
    APIGatewayProxyResponseEvent r = get("GET", "/console/");

    assertEquals(200, r.getStatusCode(), r.getBody());
    assertEquals("text/html; charset=utf-8", r.getHeaders().get("Content-Type"));
    assertEquals("no-cache", r.getHeaders().get("Cache-Control"));
    assertTrue(r.getBody().contains("<div id=\"app\">"), r.getBody());
    assertSecured(r);
  }

  @Test
  void withoutItsSlash_thePageRedirectsRelatively_soItWorksBehindAStagePrefixToo() {
    APIGatewayProxyResponseEvent r = get("GET", "/console");

    assertEquals(301, r.getStatusCode());
    assertEquals("console/", r.getHeaders().get("Location"));
    assertSecured(r);
  }

  @Test
  void theBundlesScript_isServedAsJavaScript_andCachedForever_sinceItsNameCarriesItsHash() {
    String html = get("GET", "/console/").getBody();
    Matcher script = Pattern.compile("src=\"\\./(assets/[^\"]+\\.js)\"").matcher(html);
    assertTrue(script.find(), html);

    APIGatewayProxyResponseEvent r = get("GET", "/console/" + script.group(1));

    assertEquals(200, r.getStatusCode());
    assertEquals("text/javascript; charset=utf-8", r.getHeaders().get("Content-Type"));
    assertEquals("public, max-age=31536000, immutable", r.getHeaders().get("Cache-Control"));
    assertFalse(r.getBody().isEmpty());
    assertSecured(r);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/console/nothing.js",
        "/console/../v1/apps",
        "/console/assets/../index.html",
        "/console/%2e%2e/openapi.json",
        "/console/.hidden.js",
        "/console/a/b/c.js",
        "/console/index.html.exe",
        "/console/META-INF/MANIFEST.MF",
        "/console/assets/"
      })
  void anythingButABundleFile_isNotFound_asAProblem_andNeverReadsOutsideTheBundle(String path)
      throws Exception {
    APIGatewayProxyResponseEvent r = get("GET", path);

    assertEquals(404, r.getStatusCode(), r.getBody());
    assertEquals("application/problem+json", r.getHeaders().get("Content-Type"));
    assertEquals("not_found", Json.parse(r.getBody()).path("code").asText());
    assertSecured(r);
  }

  @Test
  void onlyGetReadsTheConsole() throws Exception {
    APIGatewayProxyResponseEvent r = get("POST", "/console/");

    assertEquals(405, r.getStatusCode());
    assertEquals("GET", r.getHeaders().get("Allow"));
    assertEquals("validation_failed", Json.parse(r.getBody()).path("code").asText());
  }

  @Test
  void theRestApi_stillNeedsItsToken_besideTheConsole() throws Exception {
    APIGatewayProxyResponseEvent r = get("GET", "/v1/apps");

    assertEquals(401, r.getStatusCode());
    assertEquals("unauthorized", Json.parse(r.getBody()).path("code").asText());
    assertNull(r.getHeaders().get("Content-Security-Policy"));
  }

  @Test
  void aPathThatOnlyStartsLikeTheConsole_isNotTheConsole() {
    assertFalse(ConsolePage.serves("/consoles"));
    assertFalse(ConsolePage.serves("/v1/console"));
    assertTrue(ConsolePage.serves("/console"));
    assertTrue(ConsolePage.serves("/console/assets/x.js"));
  }
}
