package io.stagecoach.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.LocalCloud;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * One full promotion through {@code dev -> staging (1 staff) -> prod (staff + client)} on the local
 * cloud, from the synthesized template, approvals given as soon as they are asked for. Counted from
 * the execution's history: state transitions (states entered), function invocations, events the
 * workflow put; timed: promotion start to succeeded, next to the sum of the three deployments' own
 * durations (the provisioner's work) measured in the same run.
 */
public final class PromotionBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEMPLATE =
      "{\"Resources\":{\"T\":{\"Type\":\"AWS::DynamoDB::Table\",\"Properties\":{"
          + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
          + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}}}}";

  public static void main(String[] args) {
    BenchApi.runAndExit(PromotionBench::bench);
  }

  static String bench() throws Exception {
    int runs = Boolean.getBoolean("bench.quick") ? 3 : 10;
    Path dir = Files.createTempDirectory("stagecoach-promotion-bench");
    StringBuilder report = new StringBuilder("# Promotion benchmark\n\n");
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI api = cloud.endpoint();
      String admin = cloud.adminToken();
      String rita =
          send(
                  http,
                  api,
                  admin,
                  "POST",
                  "/v1/tokens",
                  "{\"principal\":\"rita\",\"roles\":[\"deployer\"],\"groups\":[\"staff\"]}")
              .path("token")
              .asText();
      String sam =
          send(
                  http,
                  api,
                  admin,
                  "POST",
                  "/v1/tokens",
                  "{\"principal\":\"sam\",\"roles\":[\"viewer\"],\"groups\":[\"staff\"]}")
              .path("token")
              .asText();
      String cleo =
          send(
                  http,
                  api,
                  admin,
                  "POST",
                  "/v1/tokens",
                  "{\"principal\":\"cleo\",\"roles\":[\"viewer\"],\"groups\":[\"client\"]}")
              .path("token")
              .asText();
      ObjectNode app = JSON.createObjectNode().put("name", "bench");
      ArrayNode pipeline = app.putArray("pipeline");
      pipeline.add("dev");
      pipeline
          .addObject()
          .put("environment", "staging")
          .putObject("approval")
          .putArray("groups")
          .addObject()
          .put("group", "staff")
          .put("min", 1);
      ArrayNode prodGroups =
          pipeline.addObject().put("environment", "prod").putObject("approval").putArray("groups");
      prodGroups.addObject().put("group", "staff").put("min", 1);
      prodGroups.addObject().put("group", "client").put("min", 1);
      app.putObject("template").set("body", JSON.readTree(TEMPLATE));
      send(http, api, admin, "POST", "/v1/apps", JSON.writeValueAsString(app));
      for (String env : List.of("dev", "staging", "prod")) {
        send(
            http,
            api,
            admin,
            "PUT",
            "/v1/apps/bench/environments/" + env,
            "{\"tier\":\"" + env + "\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
      }
      List<Double> totals = new ArrayList<>();
      List<Double> provisioning = new ArrayList<>();
      Map<String, Integer> counts = new TreeMap<>();
      try (SfnClient sfn =
          SfnClient.builder()
              .endpointOverride(api)
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(
                          cloud.awsCredentials().accessKeyId(),
                          cloud.awsCredentials().secretAccessKey())))
              .httpClientBuilder(UrlConnectionHttpClient.builder())
              .build()) {
        for (int i = 0; i < runs; i++) {
          String version = "1.0." + i;
          send(
              http,
              api,
              admin,
              "POST",
              "/v1/apps/bench/releases",
              "{\"version\":\""
                  + version
                  + "\",\"artifactUri\":\"s3://artifacts/bench.zip\",\"digest\":\"sha256:"
                  + "ab".repeat(32)
                  + "\"}");
          long t0 = System.nanoTime();
          String id =
              send(
                      http,
                      api,
                      rita,
                      "POST",
                      "/v1/apps/bench/promotions",
                      "{\"version\":\"" + version + "\"}")
                  .path("promotionId")
                  .asText();
          JsonNode p;
          while (true) {
            p = send(http, api, admin, "GET", "/v1/apps/bench/promotions/" + id, null);
            if (!p.path("status").asText().equals("running")) {
              break;
            }
            for (JsonNode a : p.path("pendingApprovals")) {
              String approval = a.path("approvalId").asText();
              boolean hasStaff = false;
              for (JsonNode d : a.path("decisions")) {
                hasStaff |= d.path("principal").asText().equals("sam");
              }
              String who = !hasStaff ? sam : cleo;
              sendQuietly(
                  http, api, who, "/v1/approvals/" + approval, "{\"decision\":\"approve\"}");
            }
            Thread.sleep(2);
          }
          double totalMs = (System.nanoTime() - t0) / 1e6;
          if (!p.path("status").asText().equals("succeeded")) {
            throw new IllegalStateException("the bench promotion did not succeed: " + p);
          }
          double deployMs = 0;
          for (JsonNode stage : p.path("stages")) {
            JsonNode d =
                send(
                    http,
                    api,
                    admin,
                    "GET",
                    "/v1/apps/bench/deployments/" + stage.path("deploymentId").asText(),
                    null);
            deployMs += d.path("durationMillis").asDouble();
          }
          totals.add(totalMs);
          provisioning.add(deployMs);
          if (i == runs - 1) {
            String arn =
                "arn:aws:states:us-east-1:000000000000:execution:stagecoach-promotion:" + id;
            for (HistoryEvent e :
                sfn.getExecutionHistory(r -> r.executionArn(arn).maxResults(1000)).events()) {
              String type = e.typeAsString();
              if (type.endsWith("StateEntered")) {
                counts.merge("state transitions (states entered)", 1, Integer::sum);
              }
              if (type.equals("LambdaFunctionScheduled")
                  || (type.equals("TaskScheduled")
                      && e.taskScheduledEventDetails().resourceType().equals("lambda"))) {
                counts.merge("function invocations by the workflow", 1, Integer::sum);
              }
              if (type.equals("TaskScheduled")
                  && e.taskScheduledEventDetails().resourceType().equals("events")) {
                counts.merge("events put by the workflow (Deployment Requested)", 1, Integer::sum);
              }
            }
          }
        }
      }
      report
          .append(runs)
          .append(
              " promotions, one after another; approvals given as soon as they are asked for.\n\n");
      report.append("| measure | p50 ms | max ms |\n| --- | ---: | ---: |\n");
      report.append(
          String.format(
              "| start to succeeded (3 stages, 2 approval gates, 3 deployments) | %.0f | %.0f |%n",
              pct(totals, 50), Collections.max(totals)));
      report.append(
          String.format(
              "| baseline: the three deployments' own durations (requested to finished) | %.0f | %.0f |%n",
              pct(provisioning, 50), Collections.max(provisioning)));
      report.append(
          String.format(
              "%n**Ratio** start-to-succeeded over the deployments' own time: %.1f× (the rest is"
                  + " approvals by polling clients, five workflow steps per stage and the event round trips).%n%n",
              pct(totals, 50) / pct(provisioning, 50)));
      BenchApi.summaryRow(
          "promotion",
          "promotion start to succeeded vs the sum of its deployments' own time (p50)",
          pct(totals, 50),
          pct(provisioning, 50),
          "ms",
          2);
      report.append(
          "| per promotion (from the last execution's history) | count |\n| --- | ---: |\n");
      counts.forEach(
          (k, v) -> report.append("| ").append(k).append(" | ").append(v).append(" |\n"));
      report.append("\n");
    }
    return report.toString();
  }

  private static JsonNode send(
      HttpClient http, URI api, String token, String method, String path, String body)
      throws Exception {
    return BenchApi.send(http, api, token, method, path, body, Map.of());
  }

  /**
   * An approval may be decided by the time this arrives (the other approver was quicker): not an
   * error.
   */
  private static void sendQuietly(HttpClient http, URI api, String token, String path, String body)
      throws Exception {
    http.send(
        HttpRequest.newBuilder(api.resolve(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private static double pct(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
