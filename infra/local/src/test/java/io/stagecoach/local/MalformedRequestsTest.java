package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Thousands of bad requests, generated from a fixed seed, thrown at the API through the local
 * cloud's HTTP port: each must get a 4xx problem with a stable code, none a 5xx, and the registry
 * must be exactly as it was.
 */
class MalformedRequestsTest {

  private static final Set<String> CODES =
      Set.of(
          "validation_failed",
          "not_found",
          "conflict",
          "order_violation",
          "promotion_required",
          "forbidden",
          "self_approval",
          "protected",
          "frozen",
          "window_closed",
          "unauthorized");
  private static final String DIGEST = "sha256:" + "0a".repeat(32);

  record Bad(String method, String target, String token, String contentType, byte[] body) {}

  @Test
  void malformedRequests_get4xxProblems_andChangeNothing(@TempDir Path dir) throws Exception {
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      ApiClient admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
      assertEquals(
          201,
          admin
              .send(
                  "POST",
                  "/v1/apps",
                  "{\"name\":\"payments\",\"pipeline\":[\"dev\",\"staging\",\"prod\"]}")
              .status());
      for (String tier : List.of("dev", "prod")) {
        assertEquals(
            201,
            admin
                .send(
                    "PUT",
                    "/v1/apps/payments/environments/" + tier,
                    "{\"tier\":\""
                        + tier
                        + "\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}")
                .status());
      }
      assertEquals(
          201,
          admin
              .send(
                  "POST",
                  "/v1/apps/payments/releases",
                  "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/b.zip\",\"digest\":\""
                      + DIGEST
                      + "\"}")
              .status());
      // The release intake updates the release asynchronously; let it finish before the snapshot.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!admin.get("/v1/apps/payments/releases/1.0.0").json().has("intake")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          admin.get("/v1/apps/payments/releases/1.0.0").json().has("intake"), "the intake ran");
      String viewer =
          admin
              .send("POST", "/v1/tokens", "{\"principal\":\"v\",\"roles\":[\"viewer\"]}")
              .json()
              .get("token")
              .asText();
      String deployer =
          admin
              .send("POST", "/v1/tokens", "{\"principal\":\"d\",\"roles\":[\"deployer\"]}")
              .json()
              .get("token")
              .asText();

      String table = cloud.tables().get(0);
      List<String> before = snapshot(cloud, table);
      List<Bad> requests = generate(new Random(20261122L), cloud.adminToken(), viewer, deployer);
      assertTrue(requests.size() >= 1000, "generated " + requests.size());

      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (Bad bad : requests) {
        pool.submit(
            () -> {
              try {
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                if (bad.token() != null) {
                  headers.add(Map.entry("Authorization", bad.token()));
                }
                if (bad.contentType() != null) {
                  headers.add(Map.entry("Content-Type", bad.contentType()));
                }
                RawHttp.Response r =
                    RawHttp.send(cloud.port(), bad.method(), bad.target(), headers, bad.body());
                String code = r.body().replaceAll("(?s).*\"code\"\\s*:\\s*\"([a-z_]+)\".*", "$1");
                if (r.status() < 400 || r.status() >= 500) {
                  failures.add(r.status() + " for " + describe(bad) + ": " + r.body());
                } else if (!"application/problem+json".equals(r.headers().get("Content-Type"))
                    || !CODES.contains(code)) {
                  failures.add(
                      "no stable problem code for "
                          + describe(bad)
                          + ": "
                          + r.headers().get("Content-Type")
                          + " "
                          + r.body());
                }
              } catch (Exception e) {
                failures.add(e + " for " + describe(bad));
              }
            });
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(5, TimeUnit.MINUTES));
      assertEquals(
          List.of(),
          failures.stream().limit(20).toList(),
          failures.size() + " of " + requests.size() + " failed");
      assertEquals(before, snapshot(cloud, table), "the registry is unchanged");
    }
  }

  private static String describe(Bad bad) {
    String body = bad.body() == null ? "" : new String(bad.body(), StandardCharsets.UTF_8);
    return bad.method()
        + " "
        + bad.target()
        + " "
        + (body.length() > 120 ? body.substring(0, 120) + "..." : body);
  }

  private static List<String> snapshot(LocalCloud cloud, String table) {
    List<String> items = new ArrayList<>();
    for (Map<String, AttributeValue> item :
        cloud.dynamo().client().scanPaginator(s -> s.tableName(table)).items()) {
      // Refusals are audited: the audit log grows, the registry must not change.
      if (item.containsKey("type") && item.get("type").s().equals("audit")) {
        continue;
      }
      items.add(new java.util.TreeMap<>(item).toString());
    }
    Collections.sort(items);
    return items;
  }

  static List<Bad> generate(Random random, String admin, String viewer, String deployer) {
    String a = "Bearer " + admin;
    List<Bad> out = new ArrayList<>();
    String json = "application/json";

    List<String> malformedJson =
        List.of(
            "",
            " ",
            "{",
            "}",
            "[",
            "[]",
            "null",
            "true",
            "42",
            "\"text\"",
            "{\"name\":}",
            "{\"name\":\"payments\",}",
            "{'name':'x'}",
            "{\"name\":\"a\"}{}",
            "{\"name\":\"a\",\"name\":\"b\"}",
            "{\"pipeline\":[\"dev\"",
            "\u0000\u0001",
            "{\"a\":1e999999}",
            "[".repeat(5000) + "]".repeat(5000),
            "{\"name\":\"x\",\"pipeline\":[\"dev\"]} trailing",
            "\uFEFF{}",
            "{\"name\":\"\\ud800\"}");
    List<String> bodyRoutes =
        List.of(
            "POST /v1/apps",
            "PUT /v1/apps/payments",
            "PUT /v1/apps/payments/environments/dev",
            "PUT /v1/apps/payments/environments/qa",
            "POST /v1/apps/payments/releases",
            "POST /v1/tokens");
    for (String route : bodyRoutes) {
      String[] mt = route.split(" ");
      for (String body : malformedJson) {
        out.add(new Bad(mt[0], mt[1], a, json, body.getBytes(StandardCharsets.UTF_8)));
      }
      out.add(new Bad(mt[0], mt[1], a, json, null));
      out.add(new Bad(mt[0], mt[1], a, "text/plain", "{}".getBytes(StandardCharsets.UTF_8)));
      out.add(
          new Bad(
              mt[0],
              mt[1],
              a,
              "application/x-www-form-urlencoded",
              "name=x".getBytes(StandardCharsets.UTF_8)));
      out.add(
          new Bad(
              mt[0],
              mt[1],
              a,
              json,
              ("{\"description\":\"" + "y".repeat(66_000) + "\"}")
                  .getBytes(StandardCharsets.UTF_8)));
      out.add(new Bad(mt[0], mt[1], a, json, new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}));
    }

    // Wrong types and bad values, field by field.
    List<String> wrongValues =
        List.of(
            "1",
            "true",
            "null",
            "[]",
            "{}",
            "\"\"",
            "\"UPPER\"",
            "\"" + "x".repeat(300) + "\"",
            "[1,2]",
            "[\"ok\",{}]",
            "{\"k\":1}",
            "-1",
            "1.5",
            "\"in valid\"");
    Map<String, List<String>> routeFields =
        Map.of(
            "POST /v1/apps",
                List.of("name", "pipeline", "allowedEnvironments", "description", "unknownField"),
            "PUT /v1/apps/payments/environments/dev",
                List.of(
                    "kind",
                    "tier",
                    "account",
                    "region",
                    "config",
                    "secrets",
                    "protected",
                    "owner",
                    "expiresAt",
                    "teir"),
            "POST /v1/apps/payments/releases",
                List.of("version", "artifactUri", "digest", "commit", "sha"),
            "POST /v1/tokens",
                List.of("principal", "roles", "description", "expiresInDays", "role"));
    Map<String, String> validBodies =
        Map.of(
            "POST /v1/apps", "{\"name\":\"fresh\",\"pipeline\":[\"dev\"]}",
            "PUT /v1/apps/payments/environments/dev",
                "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}",
            "POST /v1/apps/payments/releases",
                "{\"version\":\"2.0.0\",\"artifactUri\":\"s3://a/c.zip\",\"digest\":\""
                    + DIGEST
                    + "\"}",
            "POST /v1/tokens", "{\"principal\":\"p\",\"roles\":[\"viewer\"]}");
    for (Map.Entry<String, List<String>> e : routeFields.entrySet()) {
      String[] mt = e.getKey().split(" ");
      String valid = validBodies.get(e.getKey());
      for (String field : e.getValue()) {
        for (String value : wrongValues) {
          String body = withField(valid, field, value);
          if (isAcceptable(e.getKey(), field, value)) {
            continue;
          }
          out.add(new Bad(mt[0], mt[1], a, json, body.getBytes(StandardCharsets.UTF_8)));
        }
        // The same body without the field: required ones are reported, optional ones would succeed.
      }
      for (String required : requiredFields(e.getKey())) {
        out.add(
            new Bad(
                mt[0],
                mt[1],
                a,
                json,
                withoutField(valid, required).getBytes(StandardCharsets.UTF_8)));
      }
    }

    // Names that break the rules, in every path position.
    List<String> badNames =
        List.of(
            "Payments",
            "pay_ments",
            "-pay",
            "pay-",
            "1pay",
            "pay--ments",
            "x".repeat(25),
            "%C3%A9t%C3%A9",
            "pay%20ments",
            "%2e%2e",
            "%zz",
            "pay%2Fments",
            "p%00y");
    for (String name : badNames) {
      out.add(new Bad("GET", "/v1/apps/" + name, a, null, null));
      out.add(
          new Bad(
              "PUT",
              "/v1/apps/" + name,
              a,
              json,
              "{\"pipeline\":[\"dev\"]}".getBytes(StandardCharsets.UTF_8)));
      out.add(new Bad("DELETE", "/v1/apps/" + name, a, null, null));
      out.add(new Bad("GET", "/v1/apps/payments/environments/" + name, a, null, null));
      out.add(
          new Bad(
              "PUT",
              "/v1/apps/payments/environments/" + name,
              a,
              json,
              validBodies
                  .get("PUT /v1/apps/payments/environments/dev")
                  .getBytes(StandardCharsets.UTF_8)));
      out.add(
          new Bad(
              "POST",
              "/v1/apps",
              a,
              json,
              ("{\"name\":\"" + name + "\",\"pipeline\":[\"dev\"]}")
                  .getBytes(StandardCharsets.UTF_8)));
      out.add(
          new Bad(
              "POST",
              "/v1/apps",
              a,
              json,
              ("{\"name\":\"fresh\",\"pipeline\":[\"" + name + "\"]}")
                  .getBytes(StandardCharsets.UTF_8)));
    }
    out.add(
        new Bad(
            "PUT",
            "/v1/apps/payments/environments/" + "e".repeat(17),
            a,
            json,
            validBodies
                .get("PUT /v1/apps/payments/environments/dev")
                .getBytes(StandardCharsets.UTF_8)));

    // Unknown apps and environments, duplicates, refused deletes.
    for (String target :
        List.of(
            "/v1/apps/ghost",
            "/v1/apps/ghost/environments",
            "/v1/apps/ghost/environments/dev",
            "/v1/apps/payments/environments/staging",
            "/v1/apps/payments/releases/9.9.9",
            "/v1/apps/ghost/releases/1.0.0",
            "/v1/apps/ghost/releases")) {
      out.add(new Bad("GET", target, a, null, null));
    }
    out.add(
        new Bad(
            "PUT",
            "/v1/apps/ghost/environments/dev",
            a,
            json,
            validBodies
                .get("PUT /v1/apps/payments/environments/dev")
                .getBytes(StandardCharsets.UTF_8)));
    out.add(
        new Bad(
            "POST",
            "/v1/apps/ghost/releases",
            a,
            json,
            validBodies.get("POST /v1/apps/payments/releases").getBytes(StandardCharsets.UTF_8)));
    out.add(
        new Bad(
            "POST",
            "/v1/apps",
            a,
            json,
            "{\"name\":\"payments\",\"pipeline\":[\"dev\"]}".getBytes(StandardCharsets.UTF_8)));
    out.add(
        new Bad(
            "POST",
            "/v1/apps/payments/releases",
            a,
            json,
            ("{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/b.zip\",\"digest\":\"sha256:"
                    + "ff".repeat(32)
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
    out.add(new Bad("DELETE", "/v1/apps/payments", a, null, null));
    out.add(new Bad("DELETE", "/v1/apps/payments/environments/dev", a, null, null));
    out.add(new Bad("DELETE", "/v1/apps/payments/environments/dev?confirm=prod", a, null, null));
    out.add(new Bad("DELETE", "/v1/apps/payments/environments/prod?confirm=prod", a, null, null));
    out.add(
        new Bad("DELETE", "/v1/apps/payments/environments/staging?confirm=staging", a, null, null));
    out.add(new Bad("DELETE", "/v1/tokens/000000000000", a, null, null));
    out.add(
        new Bad(
            "PUT",
            "/v1/apps/payments/environments/dev",
            a,
            json,
            "{\"kind\":\"ephemeral\",\"account\":\"123456789012\",\"region\":\"eu-west-1\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8)));

    // Query parameters and preconditions.
    for (String q :
        List.of(
            "limit=0",
            "limit=101",
            "limit=abc",
            "limit=-5",
            "limit=1e3",
            "cursor=%%%",
            "cursor=bm90LWEtY3Vyc29y",
            "cursor=" + "A".repeat(3000))) {
      out.add(new Bad("GET", "/v1/apps?" + q, a, null, null));
      out.add(new Bad("GET", "/v1/apps/payments/environments?" + q, a, null, null));
      out.add(new Bad("GET", "/v1/apps/payments/releases?" + q, a, null, null));
      out.add(new Bad("GET", "/v1/tokens?" + q, a, null, null));
    }

    // Tokens: none, malformed, unknown; roles too weak for the route.
    List<String> badTokens =
        new ArrayList<>(
            List.of(
                "",
                "Bearer",
                "Bearer ",
                "Basic dXNlcjpwYXNz",
                "bearer",
                "Bearer sc_unknown",
                "Bearer " + admin + "x",
                "Bearer " + admin.substring(0, admin.length() - 1),
                "Token " + admin,
                "Bearer  " + admin + " extra",
                "Bearer <script>",
                "Bearer " + "a".repeat(5000)));
    badTokens.add(null);
    List<String[]> anyRoutes =
        List.of(
            new String[] {"GET", "/v1/apps"},
            new String[] {"GET", "/v1/apps/payments"},
            new String[] {"POST", "/v1/apps"},
            new String[] {"PUT", "/v1/apps/payments/environments/dev"},
            new String[] {"DELETE", "/v1/apps/payments"},
            new String[] {"POST", "/v1/tokens"},
            new String[] {"GET", "/v1/me"},
            new String[] {"GET", "/v1/nowhere"});
    for (String token : badTokens) {
      for (String[] route : anyRoutes) {
        out.add(
            new Bad(
                route[0],
                route[1],
                token,
                json,
                route[0].equals("GET") || route[0].equals("DELETE")
                    ? null
                    : validBodies
                        .getOrDefault(
                            route[0] + " " + route[1],
                            "{\"name\":\"fresh\",\"pipeline\":[\"dev\"]}")
                        .getBytes(StandardCharsets.UTF_8)));
      }
    }
    String v = "Bearer " + viewer;
    String d = "Bearer " + deployer;
    for (Map.Entry<String, String> e : validBodies.entrySet()) {
      String[] mt = e.getKey().split(" ");
      out.add(new Bad(mt[0], mt[1], v, json, e.getValue().getBytes(StandardCharsets.UTF_8)));
    }
    for (String[] route :
        List.of(
            new String[] {"POST", "/v1/apps"},
            new String[] {"PUT", "/v1/apps/payments"},
            new String[] {"DELETE", "/v1/apps/payments"},
            new String[] {"POST", "/v1/tokens"},
            new String[] {"GET", "/v1/tokens"},
            new String[] {"DELETE", "/v1/tokens/abc"})) {
      out.add(
          new Bad(
              route[0],
              route[1],
              d,
              json,
              route[0].equals("GET") || route[0].equals("DELETE")
                  ? null
                  : validBodies
                      .getOrDefault(
                          route[0] + " " + route[1], "{\"name\":\"fresh\",\"pipeline\":[\"dev\"]}")
                      .getBytes(StandardCharsets.UTF_8)));
      out.add(new Bad(route[0], route[1], v, json, null));
    }
    out.add(new Bad("DELETE", "/v1/apps/payments/environments/dev?confirm=dev", v, null, null));

    // Methods the API does not have.
    for (String method : List.of("PATCH", "OPTIONS", "HEAD", "TRACE")) {
      for (String path :
          List.of(
              "/v1/apps", "/v1/apps/payments", "/v1/tokens", "/v1/apps/payments/releases/1.0.0")) {
        if (!method.equals("HEAD")) {
          out.add(new Bad(method, path, a, null, null));
        }
      }
    }

    // Random mutations of valid bodies until the count is comfortably above a thousand.
    List<String> keys = new ArrayList<>(validBodies.keySet());
    Collections.sort(keys);
    while (out.size() < 1200) {
      String route = keys.get(random.nextInt(keys.size()));
      String[] mt = route.split(" ");
      out.add(
          new Bad(
              mt[0],
              mt[1],
              a,
              json,
              mutate(random, validBodies.get(route)).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /**
   * A corruption of valid JSON that never yields a valid request: a cut, a broken quote, a stray
   * byte.
   */
  static String mutate(Random random, String valid) {
    Supplier<Integer> at = () -> 1 + random.nextInt(valid.length() - 2);
    return switch (random.nextInt(4)) {
      case 0 -> valid.substring(0, at.get());
      case 1 -> {
        int i = valid.indexOf('"', at.get());
        yield i < 0 ? valid + "}" : valid.substring(0, i) + valid.substring(i + 1);
      }
      case 2 -> {
        int i = at.get();
        yield valid.substring(0, i) + "\u0001" + valid.substring(i);
      }
      default -> valid.replaceFirst("[:]", "=");
    };
  }

  private static List<String> requiredFields(String route) {
    return switch (route) {
      case "POST /v1/apps" -> List.of("name", "pipeline");
      case "PUT /v1/apps/payments/environments/dev" -> List.of("tier", "account", "region");
      case "POST /v1/apps/payments/releases" -> List.of("version", "artifactUri", "digest");
      default -> List.of("principal", "roles");
    };
  }

  /** Values that are legitimately fine for a field (skipped: they would be valid requests). */
  private static boolean isAcceptable(String route, String field, String value) {
    if (value.equals("null")) {
      // An explicit null is the same as leaving an optional field out.
      return !requiredFields(route).contains(field);
    }
    return switch (field) {
      case "description" -> value.startsWith("\"") && value.length() < 200;
      case "allowedEnvironments" -> value.equals("[]");
      case "config", "secrets" -> value.equals("{}");
      case "protected" -> value.equals("true");
      case "owner", "version", "principal" -> value.equals("\"UPPER\"");
      case "expiresInDays" -> value.equals("1");
      case "commit" -> false;
      default -> false;
    };
  }

  private static String withField(String json, String field, String value) {
    String stripped = withoutField(json, field);
    return stripped.substring(0, stripped.length() - 1)
        + (stripped.length() > 2 ? "," : "")
        + "\""
        + field
        + "\":"
        + value
        + "}";
  }

  private static String withoutField(String json, String field) {
    String s =
        json.replaceAll("\"" + field + "\":(\"[^\"]*\"|\\[[^\\]]*\\]|\\{[^}]*\\}|[^,}]*),?", "");
    return s.replace(",}", "}");
  }
}
