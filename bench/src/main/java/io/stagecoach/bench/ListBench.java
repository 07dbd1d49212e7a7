package io.stagecoach.bench;

import io.stagecoach.local.LocalCloud;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Listing environments as an app grows: the first page of {@code GET /v1/apps/{app}/environments}
 * and a page further on (by its cursor), p50 over the API, for an app with 10,000 environments next
 * to one with 100, measured alternately in the same local cloud.
 */
public final class ListBench {

  private ListBench() {}

  public static void main(String[] args) {
    BenchApi.runAndExit(ListBench::bench);
  }

  static String bench() throws Exception {
    boolean quick = Boolean.getBoolean("bench.quick");
    int large = quick ? 2_000 : 10_000;
    int small = 100;
    int rounds = quick ? 100 : 400;
    Path dir = Files.createTempDirectory("stagecoach-list-bench");
    try (LocalCloud cloud =
        LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0).withRequestLog(false))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI api = cloud.endpoint();
      String token = cloud.adminToken();
      for (String app : List.of("small", "large")) {
        BenchApi.send(
            http,
            api,
            token,
            "POST",
            "/v1/apps",
            "{\"name\":\"" + app + "\",\"pipeline\":[\"dev\"]}",
            Map.of());
        BenchApi.send(
            http,
            api,
            token,
            "PUT",
            "/v1/apps/" + app + "/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}",
            Map.of());
      }
      // The rest are copies of dev's item under other names, written straight to the table: the
      // listing reads items, however they came.
      DynamoDbClient dynamo = cloud.dynamo().client();
      String table = cloud.tables().get(0);
      for (String app : List.of("small", "large")) {
        Map<String, AttributeValue> dev =
            dynamo
                .getItem(
                    r ->
                        r.tableName(table)
                            .key(
                                Map.of(
                                    "pk", AttributeValue.fromS("APP#" + app),
                                    "sk", AttributeValue.fromS("ENV#dev"))))
                .item();
        int count = app.equals("small") ? small : large;
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 1; i < count; i++) {
          Map<String, AttributeValue> item = new HashMap<>(dev);
          String name = String.format("e%05d", i);
          item.put("sk", AttributeValue.fromS("ENV#" + name));
          item.put("name", AttributeValue.fromS(name));
          batch.add(
              WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
          if (batch.size() == 25 || i == count - 1) {
            List<WriteRequest> chunk = List.copyOf(batch);
            var left =
                dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, chunk))).unprocessedItems();
            while (!left.isEmpty()) {
              var again = left;
              left = dynamo.batchWriteItem(r -> r.requestItems(again)).unprocessedItems();
            }
            batch.clear();
          }
        }
      }
      String smallCursor = cursorOfFirstPage(api, token, "small");
      String largeCursor = cursorOfFirstPage(api, token, "large");
      List<Double> smallFirst = new ArrayList<>();
      List<Double> largeFirst = new ArrayList<>();
      List<Double> smallNext = new ArrayList<>();
      List<Double> largeNext = new ArrayList<>();
      for (int i = 0; i < rounds + rounds / 4; i++) {
        boolean measured = i >= rounds / 4;
        double a = get(api, token, "/v1/apps/small/environments");
        double b = get(api, token, "/v1/apps/large/environments");
        double c = get(api, token, "/v1/apps/small/environments?cursor=" + smallCursor);
        double d = get(api, token, "/v1/apps/large/environments?cursor=" + largeCursor);
        if (measured) {
          smallFirst.add(a);
          largeFirst.add(b);
          smallNext.add(c);
          largeNext.add(d);
        }
      }
      StringBuilder report = new StringBuilder("# Listing environments\n\n");
      report
          .append("`GET /v1/apps/{app}/environments` (the default page size) over HTTP, ")
          .append(rounds)
          .append(" measured rounds alternating the apps, after ")
          .append(rounds / 4)
          .append(" warm-up ones.\n\n");
      report.append(
          String.format(
              "| page | %,d environments p50 ms | %,d environments p50 ms | ratio (target ≤ 1.2) |%n"
                  + "| --- | ---: | ---: | ---: |%n",
              large, small));
      double lf = InitBench.median(largeFirst);
      double sf = InitBench.median(smallFirst);
      double ln = InitBench.median(largeNext);
      double sn = InitBench.median(smallNext);
      report.append(String.format("| first | %.2f | %.2f | %.2f |%n", lf, sf, lf / sf));
      report.append(
          String.format("| second (by cursor) | %.2f | %.2f | %.2f |%n%n", ln, sn, ln / sn));
      BenchApi.summaryRow(
          "list environments",
          String.format(
              "list environments, first page p50 with %,d environments vs %,d", large, small),
          lf,
          sf,
          "ms",
          1.2);
      return report.toString();
    }
  }

  private static String cursorOfFirstPage(URI api, String token, String app) throws Exception {
    HttpURLConnection c =
        (HttpURLConnection)
            api.resolve("/v1/apps/" + app + "/environments").toURL().openConnection();
    c.setRequestProperty("Authorization", "Bearer " + token);
    try (var in = c.getInputStream()) {
      String cursor = BenchApi.JSON.readTree(in).path("nextCursor").asText("");
      if (cursor.isEmpty()) {
        throw new IllegalStateException("the first page of " + app + " has no next page");
      }
      return java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Milliseconds for one GET answered 200, the body read whole. */
  private static double get(URI api, String token, String path) throws Exception {
    long t0 = System.nanoTime();
    HttpURLConnection c = (HttpURLConnection) api.resolve(path).toURL().openConnection();
    c.setRequestProperty("Authorization", "Bearer " + token);
    int status = c.getResponseCode();
    try (var in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      byte[] body = in == null ? new byte[0] : in.readAllBytes();
      if (status != 200) {
        throw new IllegalStateException(path + " answered " + status + ": " + new String(body));
      }
    }
    return (System.nanoTime() - t0) / 1e6;
  }
}
