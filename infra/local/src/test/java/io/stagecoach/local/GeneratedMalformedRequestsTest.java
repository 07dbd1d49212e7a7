package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Malformed requests generated over every route of the OpenAPI document the API serves, so a new
 * route, parameter or body field is covered without touching this test: every path parameter and
 * every query parameter of every operation, every field of every request body, with values up to 1
 * MiB long, invalid UTF-8, odd percent-encodings, and bodies of the wrong media type. Each answer
 * must be a 4xx problem with a documented code, none a 5xx, and the registry must be exactly as it
 * was. The generator is seeded, so a failure repeats.
 *
 * <p>Request targets and headers past the local HTTP server's own limit (64 KiB) are refused by the
 * server itself, as API Gateway's front door refuses them, before any API Gateway processing: those
 * few are only required to be 4xx.
 */
class GeneratedMalformedRequestsTest {

  private static final int AT_LEAST = 10_000;
  private static final int CLIENTS = 4;
  private static final long SEED = 20261207L;
  private static final int MIB = 1 << 20;

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

  /** A value of each identifier schema that is well-formed (and, where it matters, exists). */
  private static final Map<String, String> VALID =
      Map.ofEntries(
          Map.entry("AppName", "payments"),
          Map.entry("EnvironmentName", "dev"),
          Map.entry("ReleaseVersion", "1.0.0"),
          Map.entry("DeploymentId", "d-000000000000"),
          Map.entry("PromotionId", "pr-000000000000"),
          Map.entry("ApprovalId", "payments:000000000000"),
          Map.entry("BreakGlassId", "bg-000000000000"),
          Map.entry("TokenId", "000000000000"),
          Map.entry("SlackTeamId", "T0123ABCD"),
          Map.entry("SlackUserId", "U0123ABCD"),
          Map.entry("TemplateRevisionNumber", "1"));

  /**
   * A body each write route would accept, so that a single bad field is what a request gets wrong.
   * Routes not listed start from {@code {}}.
   */
  private static final Map<String, String> BASE_BODIES =
      Map.ofEntries(
          Map.entry("POST /v1/apps", "{\"name\":\"fresh\",\"pipeline\":[\"dev\"]}"),
          Map.entry("PUT /v1/apps/{app}", "{\"pipeline\":[\"dev\",\"staging\",\"prod\"]}"),
          Map.entry(
              "POST /v1/apps/{app}/environments",
              "{\"kind\":\"personal\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}"),
          Map.entry(
              "PUT /v1/apps/{app}/environments/{env}",
              "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}"),
          Map.entry("POST /v1/apps/{app}/environments/{env}/extend", "{\"by\":\"1h\"}"),
          Map.entry(
              "POST /v1/apps/{app}/releases",
              "{\"version\":\"2.0.0\",\"artifactUri\":\"s3://a/c.zip\",\"digest\":\""
                  + DIGEST
                  + "\"}"),
          Map.entry("POST /v1/tokens", "{\"principal\":\"p\",\"roles\":[\"viewer\"]}"),
          Map.entry(
              "POST /v1/apps/{app}/deployments", "{\"environment\":\"dev\",\"version\":\"1.0.0\"}"),
          Map.entry("POST /v1/apps/{app}/promotions", "{\"version\":\"1.0.0\"}"),
          Map.entry("POST /v1/approvals/{id}", "{\"decision\":\"approve\"}"),
          Map.entry("PUT /v1/apps/{app}/environments/{env}/freeze", "{\"reason\":\"r\"}"),
          Map.entry(
              "PUT /v1/slack/teams/{team}/users/{user}",
              "{\"principal\":\"p\",\"roles\":[\"viewer\"]}"),
          Map.entry("PUT /v1/apps/{app}/slack", "{\"channel\":\"C0123ABCD\"}"));

  /**
   * Percent-encodings and raw bytes no identifier allows, as they go on the wire: malformed
   * escapes, NUL, overlong and surrogate UTF-8, encoded slashes and dots, double encoding,
   * controls, bidi overrides, and raw bytes that are not UTF-8 (the request line is written as
   * ISO-8859-1, so U+0080..U+00FF go out as single bytes).
   */
  private static final List<String> ODD_ENCODINGS =
      List.of(
          "%zz",
          "%",
          "%0",
          "a%",
          "%00",
          "a%00b",
          "%C0%AF",
          "%C0%AE%C0%AE",
          "%E0%80%AF",
          "%2F",
          "a%2Fb",
          "%2f..%2f",
          "%5C",
          "%2e%2e",
          "%2E",
          "..",
          ".",
          "%252F",
          "%25",
          "%FF",
          "%FE%FF",
          "%ED%A0%80",
          "%F4%90%80%80",
          "%F8%88%80%80%80",
          "%C3%A9t%C3%A9",
          "%E2%80%AE",
          "%EF%BB%BF",
          "a%20b",
          "%09",
          "%0A",
          "%0D%0A",
          "%7F",
          "%3Cscript%3E",
          "%22",
          "%27",
          "%3B",
          "*",
          "!",
          "~",
          "\u00ff",
          "\u00c0\u00af",
          "\u00e9",
          "pay\u00e9",
          "\u00c3\u00a9",
          "\u0080",
          "\u00ed\u00a0\u0080");

  /**
   * Values among the odd ones that a parameter takes as they are: a principal name may hold a slash
   * (ARNs do), so the audit log's {@code principal=a/b} is a filter that matches nobody, not a
   * mistake.
   */
  private static final Map<String, Set<String>> VALID_FOR = Map.of("principal", Set.of("a%2Fb"));

  /** A principal name's rule (PrincipalName in openapi.json): ARNs and e-mail addresses pass. */
  private static final java.util.regex.Pattern PRINCIPAL =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+=,:/-]{0,127}");

  /**
   * Whether the parameter takes {@code value} (as sent, percent-encoded) as it is: a random value
   * made of identifier characters around dots or an encoded slash is a well-formed principal.
   */
  static boolean takenAsItIs(String parameter, String value) {
    if (VALID_FOR.getOrDefault(parameter, Set.of()).contains(value)) {
      return true;
    }
    if (!parameter.equals("principal")) {
      return false;
    }
    try {
      return PRINCIPAL
          .matcher(java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8))
          .matches();
    } catch (IllegalArgumentException malformedEscape) {
      return false;
    }
  }

  /** Lengths that pass every identifier's character rule but not its length limit. */
  private static final List<Integer> LONG = List.of(1025, 1030, 2000, 5000, 20_000, 60_000);

  /** Strings too long for any body field (the longest free text takes 500 characters). */
  private static final List<String> TOO_LONG =
      List.of(
          "a".repeat(1030),
          "a".repeat(2000),
          "a".repeat(5000),
          "a".repeat(60_000),
          "a".repeat(MIB));

  /**
   * Short strings no field with a pattern (ids, names, versions, digests) accepts; JSON-escaped
   * where they go into a body.
   */
  private static final List<String> NOT_AN_IDENTIFIER =
      List.of(
          "\u0000", "a\u0000b", "\ud800", "\u00e9t\u00e9", "../..", "%2F", "<script>", "\u202e");

  private static final List<String> WRONG_MEDIA_TYPES =
      List.of(
          "text/plain",
          "application/xml",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json-patch+json",
          "application/jsonx",
          "application/problem+json",
          "json",
          "*/*",
          "application/*",
          "text/json",
          "application/json\u00ff");

  /** How to send one request; {@code overServerLimit}: refused by the HTTP server itself. */
  record Bad(
      String method,
      String target,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean overServerLimit) {}

  /** One operation of the OpenAPI document. */
  record Operation(
      String method,
      String template,
      Map<String, String> pathSchemas,
      List<String> queryParameters,
      Map<String, Boolean> bodyFields) {

    String key() {
      return method + " " + template;
    }
  }

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static String admin;

  @BeforeAll
  static void registryWithAnAppEnvironmentsAndARelease() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    admin = "Bearer " + cloud.adminToken();
    ApiClient client = new ApiClient(cloud.endpoint(), cloud.adminToken());
    assertEquals(
        201,
        client
            .send(
                "POST",
                "/v1/apps",
                "{\"name\":\"payments\",\"pipeline\":[\"dev\",\"staging\",\"prod\"]}")
            .status());
    for (String tier : List.of("dev", "prod")) {
      assertEquals(
          201,
          client
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
        client
            .send(
                "POST",
                "/v1/apps/payments/releases",
                "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://a/b.zip\",\"digest\":\""
                    + DIGEST
                    + "\"}")
            .status());
    // The release intake updates the release asynchronously; let it finish before the snapshot.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!client.get("/v1/apps/payments/releases/1.0.0").json().has("intake")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(client.get("/v1/apps/payments/releases/1.0.0").json().has("intake"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cloud != null) {
      cloud.close();
    }
  }

  @Test
  void malformedRequests_overEveryRouteAndParameter_get4xxProblems_andChangeNothing()
      throws Exception {
    JsonNode openApi =
        new ApiClient(cloud.endpoint(), cloud.adminToken()).get("/v1/openapi.json").json();
    List<Operation> operations = operations(openApi);
    // The document's operations are the route table's (functions' ApiTest keeps them so); this
    // makes sure the generator reads all of them.
    assertEquals(
        new java.util.TreeSet<>(routeTable()),
        new java.util.TreeSet<>(operations.stream().map(Operation::key).toList()));

    List<Bad> requests = generate(operations, new Random(SEED));
    assertTrue(requests.size() >= AT_LEAST, "generated " + requests.size());

    String table = cloud.tables().get(0);
    List<String> before = snapshot(table);
    Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    Map<String, LongAdder> codes = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    long started = System.nanoTime();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    for (Bad bad : requests) {
      clients.submit(() -> send(bad, statuses, codes, failures));
    }
    clients.shutdown();
    assertTrue(clients.awaitTermination(10, TimeUnit.MINUTES));
    double seconds = (System.nanoTime() - started) / 1e9;

    System.out.printf(
        "GeneratedMalformedRequestsTest: %d requests over %d operations in %.1f s with %d clients;"
            + " statuses %s; problem codes %s%n",
        requests.size(), operations.size(), seconds, CLIENTS, counts(statuses), counts(codes));
    assertEquals(
        List.of(),
        failures.stream().limit(20).toList(),
        failures.size() + " of " + requests.size() + " failed");
    assertEquals(before, snapshot(table), "the registry is unchanged");
  }

  private static void send(
      Bad bad,
      Map<String, LongAdder> statuses,
      Map<String, LongAdder> codes,
      ConcurrentLinkedQueue<String> failures) {
    try {
      RawHttp.Response r =
          RawHttp.send(cloud.port(), bad.method(), bad.target(), bad.headers(), bad.body());
      String status = (bad.overServerLimit() ? "server " : "") + r.status();
      statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
      if (r.status() < 400 || r.status() >= 500) {
        failures.add(r.status() + " for " + describe(bad) + ": " + clip(r.body()));
        return;
      }
      if (bad.overServerLimit()) {
        return;
      }
      String code = r.body().replaceAll("(?s).*\"code\"\\s*:\\s*\"([a-z_]+)\".*", "$1");
      if (!"application/problem+json".equals(r.headers().get("Content-Type"))
          || !CODES.contains(code)) {
        failures.add(
            "no problem with a documented code for "
                + describe(bad)
                + ": "
                + r.headers().get("Content-Type")
                + " "
                + clip(r.body()));
        return;
      }
      codes.computeIfAbsent(code, c -> new LongAdder()).increment();
    } catch (Exception e) {
      failures.add(e + " for " + describe(bad));
    }
  }

  // ------------------------------------------------------------ the routes, from the document

  static List<Operation> operations(JsonNode openApi) {
    List<Operation> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : openApi.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (op.getKey().equals("parameters")) {
          continue;
        }
        Map<String, String> pathSchemas = new LinkedHashMap<>();
        List<String> query = new ArrayList<>();
        for (JsonNode list :
            new JsonNode[] {path.getValue().get("parameters"), op.getValue().get("parameters")}) {
          if (list == null) {
            continue;
          }
          for (JsonNode p : list) {
            String ref = p.path("schema").path("$ref").asText();
            switch (p.get("in").asText()) {
              case "path" ->
                  pathSchemas.put(p.get("name").asText(), ref.substring(ref.lastIndexOf('/') + 1));
              case "query" -> query.add(p.get("name").asText());
              default -> {}
            }
          }
        }
        // Each body field, and whether it has a pattern (an id, a name, a version, a digest).
        Map<String, Boolean> fields = new LinkedHashMap<>();
        JsonNode schema =
            op.getValue()
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("schema");
        if (schema.has("$ref")) {
          schema = resolve(openApi, schema.get("$ref").asText());
        }
        for (Map.Entry<String, JsonNode> field : schema.path("properties").properties()) {
          JsonNode fieldSchema = field.getValue();
          if (fieldSchema.has("$ref")) {
            fieldSchema = resolve(openApi, fieldSchema.get("$ref").asText());
          }
          fields.put(field.getKey(), fieldSchema.has("pattern"));
        }
        out.add(
            new Operation(
                op.getKey().toUpperCase(java.util.Locale.ROOT),
                path.getKey(),
                pathSchemas,
                query,
                op.getValue().has("requestBody") ? fields : null));
      }
    }
    return out;
  }

  /** Method and path template of every route the API function serves. */
  private static List<String> routeTable() {
    return new io.stagecoach.functions.api.Api(
            new io.stagecoach.domain.registry.RegistryService(null),
            null,
            null,
            (tier, app, env, version) ->
                new io.stagecoach.domain.deployment.TierPlanner.Answer.Unavailable("unused"),
            event -> {},
            java.time.Clock.systemUTC())
        .routeKeys();
  }

  private static JsonNode resolve(JsonNode openApi, String ref) {
    JsonNode node = openApi;
    for (String part : ref.substring(2).split("/")) {
      node = node.get(part);
    }
    return node;
  }

  // ------------------------------------------------------------ the requests

  static List<Bad> generate(List<Operation> operations, Random random) {
    List<Bad> out = new ArrayList<>();
    List<String> badValues = new ArrayList<>(ODD_ENCODINGS);
    LONG.forEach(n -> badValues.add("a".repeat(n)));
    for (Operation op : operations) {
      // Every path parameter, each bad value in turn, the others well-formed.
      for (String parameter : op.pathSchemas().keySet()) {
        for (String bad : badValues) {
          out.add(request(op, Map.of(parameter, bad), "", baseBody(op), "application/json"));
        }
        out.add(
            new Bad(
                op.method(),
                target(op, Map.of(parameter, "a".repeat(MIB)), ""),
                headers(admin, "application/json"),
                bytes(baseBody(op)),
                true));
      }
      // Every query parameter the operation reads, each bad value in turn.
      for (String parameter : op.queryParameters()) {
        for (String bad : badValues) {
          if (takenAsItIs(parameter, bad)) {
            continue;
          }
          out.add(request(op, Map.of(), parameter + "=" + bad, baseBody(op), "application/json"));
        }
        out.add(
            request(
                op,
                Map.of(),
                parameter + "=1&" + parameter + "=%zz",
                baseBody(op),
                "application/json"));
        out.add(
            new Bad(
                op.method(),
                target(op, Map.of(), parameter + "=" + "a".repeat(MIB)),
                headers(admin, null),
                null,
                true));
      }
      if (op.bodyFields() == null) {
        continue;
      }
      // Every body field, each bad string in turn; and bad field names.
      Map<String, Boolean> fields = new LinkedHashMap<>(op.bodyFields());
      fields.put("a".repeat(2000), true);
      fields.put("\u0000", true);
      for (Map.Entry<String, Boolean> field : fields.entrySet()) {
        List<String> bads = new ArrayList<>(TOO_LONG);
        if (field.getValue()) {
          bads.addAll(NOT_AN_IDENTIFIER);
        }
        for (String bad : bads) {
          out.add(
              request(
                  op,
                  Map.of(),
                  "",
                  withField(baseBody(op), field.getKey(), bad),
                  "application/json"));
        }
      }
      for (String type : WRONG_MEDIA_TYPES) {
        out.add(request(op, Map.of(), "", baseBody(op), type));
      }
      for (byte[] notUtf8 : notUtf8Bodies(baseBody(op))) {
        out.add(
            new Bad(
                op.method(),
                target(op, Map.of(), ""),
                headers(admin, "application/json"),
                notUtf8,
                false));
      }
      out.add(
          new Bad(
              op.method(),
              target(op, Map.of(), ""),
              List.of(
                  Map.entry("Authorization", admin),
                  Map.entry("Content-Type", "application/json"),
                  Map.entry("X-Padding", "a".repeat(MIB))),
              bytes(baseBody(op)),
              true));
      if (op.key().equals("POST /v1/apps/{app}/deployments")) {
        for (String bad : badValues) {
          List<Map.Entry<String, String>> h = new ArrayList<>(headers(admin, "application/json"));
          h.add(Map.entry("Idempotency-Key", bad));
          out.add(new Bad(op.method(), target(op, Map.of(), ""), h, bytes(baseBody(op)), false));
        }
      }
    }

    // Random ones, until there are enough: a random operation, a random place, a random value.
    List<Operation> withPlaces =
        operations.stream()
            .filter(
                o ->
                    !o.pathSchemas().isEmpty()
                        || !o.queryParameters().isEmpty()
                        || o.bodyFields() != null)
            .toList();
    while (out.size() < AT_LEAST) {
      Operation op = withPlaces.get(random.nextInt(withPlaces.size()));
      String value = randomBadValue(random);
      int place = random.nextInt(3);
      if (place == 0 && !op.pathSchemas().isEmpty()) {
        List<String> names = new ArrayList<>(op.pathSchemas().keySet());
        out.add(
            request(
                op,
                Map.of(names.get(random.nextInt(names.size())), value),
                "",
                baseBody(op),
                "application/json"));
      } else if (place == 1 && !op.queryParameters().isEmpty()) {
        String name = op.queryParameters().get(random.nextInt(op.queryParameters().size()));
        if (takenAsItIs(name, value)) {
          continue;
        }
        out.add(request(op, Map.of(), name + "=" + value, baseBody(op), "application/json"));
      } else if (op.bodyFields() != null && !op.bodyFields().isEmpty()) {
        List<String> names = new ArrayList<>(op.bodyFields().keySet());
        String field = names.get(random.nextInt(names.size()));
        out.add(
            request(
                op,
                Map.of(),
                "",
                withField(baseBody(op), field, "a".repeat(1025 + random.nextInt(60_000))),
                "application/json"));
      }
    }
    return out;
  }

  /**
   * A value no identifier accepts: valid characters around at least one that no identifier allows,
   * or too long.
   */
  static String randomBadValue(Random random) {
    String valid = "abcdefghijklmnopqrstuvwxyz0123456789-._:";
    if (random.nextInt(4) == 0) {
      return "a".repeat(1025 + random.nextInt(60_000));
    }
    int length = random.nextInt(random.nextBoolean() ? 16 : 3000);
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < length; i++) {
      value.append(valid.charAt(random.nextInt(valid.length())));
    }
    String poison = ODD_ENCODINGS.get(random.nextInt(ODD_ENCODINGS.size()));
    value.insert(random.nextInt(value.length() + 1), poison);
    return value.toString();
  }

  private static Bad request(
      Operation op, Map<String, String> pathValues, String query, String body, String type) {
    boolean takesBody = op.bodyFields() != null;
    return new Bad(
        op.method(),
        target(op, pathValues, query),
        headers(admin, takesBody ? type : null),
        takesBody ? bytes(body) : null,
        false);
  }

  /** The operation's path with well-formed values, except those in {@code values} (raw). */
  private static String target(Operation op, Map<String, String> values, String query) {
    String path = op.template();
    for (Map.Entry<String, String> p : op.pathSchemas().entrySet()) {
      String value = values.get(p.getKey());
      if (value == null) {
        value = VALID.get(p.getValue());
        if (value == null) {
          throw new IllegalStateException(
              "no well-formed example of " + p.getValue() + " for " + op.key());
        }
      }
      path = path.replace("{" + p.getKey() + "}", value);
    }
    return query.isEmpty() ? path : path + "?" + query;
  }

  private static List<Map.Entry<String, String>> headers(String token, String contentType) {
    List<Map.Entry<String, String>> h = new ArrayList<>();
    h.add(Map.entry("Authorization", token));
    if (contentType != null) {
      h.add(Map.entry("Content-Type", contentType));
    }
    return h;
  }

  private static String baseBody(Operation op) {
    return BASE_BODIES.getOrDefault(op.key(), "{}");
  }

  /** {@code json} (an object) with {@code field} set to the string {@code value}. */
  static String withField(String json, String field, String value) {
    String inner = json.substring(1, json.length() - 1).trim();
    String quotedField = quote(field);
    // Drop the field if the base has it; the base bodies are flat enough for this.
    inner =
        inner.replaceAll(
            "\"" + java.util.regex.Pattern.quote(field) + "\":(\"[^\"]*\"|\\[[^\\]]*\\]),?", "");
    inner = inner.replaceAll(",$", "");
    return "{" + inner + (inner.isEmpty() ? "" : ",") + quotedField + ":" + quote(value) + "}";
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** The base body with bytes that are not UTF-8 inside a string. */
  private static List<byte[]> notUtf8Bodies(String base) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] bad :
        List.of(
            new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xc0, (byte) 0xaf},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            new byte[] {(byte) 0xe2, (byte) 0x82},
            new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] head = bytes(withField(base, "x", "").replaceAll("\"\"}$", "\""));
      body.writeBytes(head);
      body.writeBytes(bad);
      body.writeBytes(bytes("\"}"));
      out.add(body.toByteArray());
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------ reporting

  private static Map<String, Long> counts(Map<String, LongAdder> counters) {
    Map<String, Long> sorted = new TreeMap<>();
    counters.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }

  private static String describe(Bad bad) {
    String body = bad.body() == null ? "" : new String(bad.body(), StandardCharsets.UTF_8);
    return bad.method()
        + " "
        + clip(bad.target())
        + " "
        + clip(body)
        + " "
        + bad.headers().stream()
            .filter(h -> !h.getKey().equals("Authorization"))
            .map(h -> h.getKey() + ": " + clip(h.getValue()))
            .toList();
  }

  private static String clip(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
  }

  private static List<String> snapshot(String table) {
    List<String> items = new ArrayList<>();
    for (Map<String, AttributeValue> item :
        cloud.dynamo().client().scanPaginator(s -> s.tableName(table)).items()) {
      // Refusals are audited: the audit log grows, the registry must not change.
      if (item.containsKey("type") && item.get("type").s().equals("audit")) {
        continue;
      }
      items.add(new TreeMap<>(item).toString());
    }
    Collections.sort(items);
    return items;
  }
}
