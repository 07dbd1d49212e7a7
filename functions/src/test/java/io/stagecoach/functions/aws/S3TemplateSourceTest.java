package io.stagecoach.functions.aws;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.stagecoach.domain.template.TemplateSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Reading a template from S3, against a real HTTP server that answers as S3's GetObject does
 * (path-style): signed for S3 in the right region, the object's version kept, the bucket list
 * enforced before any request, and S3's refusals turned into reasons, never into a template.
 */
class S3TemplateSourceTest {

  private HttpServer s3;
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, String> versions = new ConcurrentHashMap<>();
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startS3() throws Exception {
    s3 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s3.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          requests.add(
              Map.of(
                  "method", exchange.getRequestMethod(),
                  "path", path,
                  "authorization",
                      String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                  "sha256",
                      String.valueOf(
                          exchange.getRequestHeaders().getFirst("x-amz-content-sha256"))));
          byte[] body = objects.get(path);
          if (path.startsWith("/private/")) {
            byte[] denied =
                "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(403, denied.length);
            exchange.getResponseBody().write(denied);
          } else if (body == null) {
            byte[] missing =
                "<Error><Code>NoSuchKey</Code></Error>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, missing.length);
            exchange.getResponseBody().write(missing);
          } else {
            String version = versions.get(path);
            if (version != null) {
              exchange.getResponseHeaders().add("x-amz-version-id", version);
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    s3.start();
  }

  @AfterEach
  void stopS3() {
    s3.stop(0);
  }

  private S3TemplateSource source(Set<String> buckets) {
    return new S3TemplateSource(
        UrlConnectionHttpClient.create(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
        Region.EU_WEST_1,
        buckets,
        Optional.of(URI.create("http://127.0.0.1:" + s3.getAddress().getPort())));
  }

  @Test
  void anObjectOfAnAllowedBucket_isReadWithOneSignedGet_withItsVersion() {
    objects.put(
        "/templates/payments/env.json", "{\"Resources\": {}}".getBytes(StandardCharsets.UTF_8));
    versions.put("/templates/payments/env.json", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");

    TemplateSource.Read read = source(Set.of("templates")).read("s3://templates/payments/env.json");

    TemplateSource.Read.Found found = assertInstanceOf(TemplateSource.Read.Found.class, read);
    assertEquals("{\"Resources\": {}}", found.body());
    assertEquals(Optional.of("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"), found.version());
    assertEquals(1, requests.size());
    Map<String, String> request = requests.get(0);
    assertEquals("GET", request.get("method"));
    assertTrue(
        request.get("authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        request.get("authorization"));
    assertTrue(
        request.get("authorization").contains("/eu-west-1/s3/aws4_request"),
        "signed for S3 in the function's region: " + request.get("authorization"));
    assertTrue(
        request.get("authorization").contains("x-amz-content-sha256"),
        "the payload hash S3 needs is signed: " + request.get("authorization"));
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", request.get("sha256"));
  }

  @Test
  void anUnversionedObject_hasNoVersion_andAnHttpsUrlNamesItsBucketAndRegion() {
    objects.put("/templates/a%20b.json", "Resources: {}".getBytes(StandardCharsets.UTF_8));
    versions.put("/templates/a%20b.json", "null");

    TemplateSource.Read read =
        source(Set.of("templates")).read("https://templates.s3.us-west-2.amazonaws.com/a%20b.json");

    TemplateSource.Read.Found found = assertInstanceOf(TemplateSource.Read.Found.class, read);
    assertEquals("Resources: {}", found.body());
    assertEquals(Optional.empty(), found.version(), "S3 says \"null\" for no version");
    assertTrue(requests.get(0).get("authorization").contains("/us-west-2/s3/aws4_request"));
  }

  @Test
  void aBucketNotListed_isRefusedWithoutAskingS3() {
    TemplateSource.Read read = source(Set.of("templates")).read("s3://elsewhere/env.json");

    TemplateSource.Read.Unreadable refused =
        assertInstanceOf(TemplateSource.Read.Unreadable.class, read);
    assertTrue(
        refused.reason().contains("stagecoach:templateBuckets: templates"), refused.reason());
    assertTrue(refused.reason().contains("elsewhere is not one of them"), refused.reason());
    assertEquals(List.of(), requests);
    assertTrue(
        assertInstanceOf(
                TemplateSource.Read.Unreadable.class,
                source(Set.of()).read("s3://templates/env.json"))
            .reason()
            .contains("none"));
  }

  @Test
  void missingDeniedAndNotUtf8Objects_andUrlsOutsideS3_areUnreadable_withTheReason() {
    objects.put("/templates/binary.json", new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
    S3TemplateSource source = source(Set.of("templates", "private"));

    assertTrue(
        ((TemplateSource.Read.Unreadable) source.read("s3://templates/none.json"))
            .reason()
            .contains("there is no object at s3://templates/none.json"));
    assertTrue(
        ((TemplateSource.Read.Unreadable) source.read("s3://private/env.json"))
            .reason()
            .contains("403 AccessDenied"));
    assertTrue(
        ((TemplateSource.Read.Unreadable) source.read("s3://templates/binary.json"))
            .reason()
            .contains("not UTF-8"));
    assertInstanceOf(
        TemplateSource.Read.Unreadable.class,
        source.read("https://example.com/templates/env.json"));
    assertEquals(3, requests.size(), "only the S3 locations were asked for");
  }

  @Test
  void locations_areReadFromEveryS3UrlForm() {
    assertEquals(
        Optional.of(new S3TemplateSource.Location("b", "k/x.json", Optional.empty())),
        S3TemplateSource.locate("s3://b/k/x.json"));
    assertEquals(
        Optional.of(new S3TemplateSource.Location("my.bucket", "x.json", Optional.of("eu-west-1"))),
        S3TemplateSource.locate("https://my.bucket.s3.eu-west-1.amazonaws.com/x.json"));
    assertEquals(
        Optional.of(new S3TemplateSource.Location("bucket", "x.json", Optional.empty())),
        S3TemplateSource.locate("https://bucket.s3.amazonaws.com/x.json"));
    assertEquals(
        Optional.of(new S3TemplateSource.Location("bucket", "d/x.json", Optional.of("eu-west-1"))),
        S3TemplateSource.locate("https://s3.eu-west-1.amazonaws.com/bucket/d/x.json"));
    assertEquals(Optional.empty(), S3TemplateSource.locate("s3://bucket"));
    assertEquals(Optional.empty(), S3TemplateSource.locate("ftp://bucket/x"));
  }
}
