package io.stagecoach.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.events.EventPublisher;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.provisioning.LocalProvisioner;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The deployment benchmark: what Stagecoach adds around a provisioner.
 *
 * <ul>
 *   <li>Deploy request to {@code succeeded} on the local cloud with an empty template (so the
 *       provisioner has nothing to make): p50/p99 as the client sees it (POST, then GET until the
 *       status is terminal) and as the deployment records it ({@code finishedAt - requestedAt});
 *       baseline: the local provisioner's own {@code apply} of the same template, called directly
 *       in the same JVM.
 *   <li>DynamoDB reads, writes (items written, and write requests) and events per deployment,
 *       counted on the registry client of the API's and the provisioner's code paths run
 *       in-process.
 * </ul>
 */
public final class DeploymentBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The smallest template the API takes (an app's template names at least one resource): one
   * parameter, made by the first deployment and unchanged by every later one, so the provisioner
   * has next to nothing to do.
   */
  private static final String EMPTY_TEMPLATE =
      "{\"Resources\":{\"P\":{\"Type\":\"AWS::SSM::Parameter\","
          + "\"Properties\":{\"Type\":\"String\",\"Value\":\"bench\"}}}}";

  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "superseded");

  public static void main(String[] args) {
    BenchApi.runAndExit(DeploymentBench::bench);
  }

  static String bench() throws Exception {
    boolean quick = Boolean.getBoolean("bench.quick");
    int warmup = quick ? 20 : 50;
    int measured = quick ? 50 : 200;
    StringBuilder report = new StringBuilder("# Deployment benchmark\n\n");
    report
        .append("Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(Runtime.version())
        .append(". ")
        .append(measured)
        .append(" measured deployments after ")
        .append(warmup)
        .append(" warm-up ones, one at a time.\n\n");
    Path dir = Files.createTempDirectory("stagecoach-deploy-bench");
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI api = cloud.endpoint();
      String token = cloud.adminToken();
      send(
          http,
          api,
          token,
          "POST",
          "/v1/apps",
          "{\"name\":\"bench\",\"pipeline\":[\"dev\"],\"template\":{\"body\":"
              + EMPTY_TEMPLATE
              + "}}",
          Map.of());
      send(
          http,
          api,
          token,
          "PUT",
          "/v1/apps/bench/environments/dev",
          "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}",
          Map.of());
      send(
          http,
          api,
          token,
          "POST",
          "/v1/apps/bench/releases",
          "{\"version\":\"1.0.0\",\"artifactUri\":"
              + "\"s3://artifacts/bench.zip\",\"digest\":\"sha256:"
              + "ab".repeat(32)
              + "\"}",
          Map.of());

      List<Double> client = new ArrayList<>();
      List<Double> recorded = new ArrayList<>();
      List<Double> delivered = new ArrayList<>();
      List<Double> run = new ArrayList<>();
      for (int i = 0; i < warmup + measured; i++) {
        long t0 = System.nanoTime();
        JsonNode accepted =
            send(
                http,
                api,
                token,
                "POST",
                "/v1/apps/bench/deployments",
                "{\"environment\":\"dev\",\"version\":\"1.0.0\"}",
                Map.of("Idempotency-Key", "bench-" + i));
        String id = accepted.path("id").asText();
        JsonNode d;
        do {
          d = send(http, api, token, "GET", "/v1/apps/bench/deployments/" + id, null, Map.of());
        } while (!TERMINAL.contains(d.path("status").asText()));
        long t1 = System.nanoTime();
        if (!d.path("status").asText().equals("succeeded")) {
          throw new IllegalStateException("a bench deployment did not succeed: " + d);
        }
        if (i >= warmup) {
          client.add((t1 - t0) / 1_000.0);
          recorded.add(
              (double)
                      Duration.between(
                              Instant.parse(d.path("requestedAt").asText()),
                              Instant.parse(d.path("finishedAt").asText()))
                          .toNanos()
                  / 1_000.0);
          delivered.add(between(d, "requestedAt", "startedAt"));
          run.add(between(d, "startedAt", "finishedAt"));
        }
      }

      // Baseline: the provisioner's own work for the same template, without Stagecoach around it.
      LocalProvisioner local = new LocalProvisioner(cloud.dynamo().client());
      var env =
          new io.stagecoach.domain.registry.Environment(
              "bench",
              "base",
              EnvironmentKind.PIPELINE,
              io.stagecoach.domain.registry.Tier.DEV,
              "123456789012",
              "eu-west-1",
              Map.of(),
              Map.of(),
              false,
              "bench",
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Instant.now(),
              "bench",
              Instant.now(),
              1);
      List<Double> baseline = new ArrayList<>();
      for (int i = 0; i < warmup + measured; i++) {
        long t0 = System.nanoTime();
        local.apply(
            new ProvisioningRequest(
                "b-" + i, env, Optional.empty(), EnvironmentTemplate.inline(EMPTY_TEMPLATE)));
        if (i >= warmup) {
          baseline.add((System.nanoTime() - t0) / 1_000.0);
        }
      }
      report.append("## Deploy request to Deployment Succeeded (one unchanged parameter)\n\n");
      report.append("| measure | p50 ms | p99 ms |\n| --- | ---: | ---: |\n");
      row(
          report,
          "client: POST, then GET until succeeded (HTTP, authorizer, API function, bus, rule, provisioner function)",
          client);
      row(report, "recorded: finishedAt − requestedAt", recorded);
      row(
          report,
          "– of which requestedAt → startedAt (the event to the provisioner, its claim)",
          delivered);
      row(
          report,
          "– of which startedAt → finishedAt (the provisioner's run: plan, apply, end)",
          run);
      row(report, "baseline: LocalProvisioner.apply called directly", baseline);
      report.append(
          String.format(
              "%n**Orchestration overhead** (client p50 − baseline p50): %.1f ms; client p50 is"
                  + " %.1f× the provisioner's own work.%n%n",
              (pct(client, 50) - pct(baseline, 50)) / 1000, pct(client, 50) / pct(baseline, 50)));

      BenchApi.summaryRow(
          "deploy",
          "deploy request to succeeded (a one-parameter template, unchanged), client p50 vs LocalProvisioner.apply p50",
          pct(client, 50) / 1000,
          pct(baseline, 50) / 1000,
          "ms",
          2);
      report.append(counts(cloud));
    }
    return report.toString();
  }

  /** Runs the API's and the provisioner's code paths in-process on a counting registry client. */
  private static String counts(LocalCloud cloud) {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    AtomicInteger itemsWritten = new AtomicInteger();
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            switch (op) {
              case "PutItem", "UpdateItem", "DeleteItem" -> itemsWritten.incrementAndGet();
              case "TransactWriteItems" ->
                  itemsWritten.addAndGet(
                      (int)
                          ((TransactWriteItemsRequest) context.request())
                              .transactItems().stream()
                                  .filter(t -> t.conditionCheck() == null)
                                  .count());
              default -> {}
            }
          }
        };
    DynamoDbClient counted =
        DynamoDbClient.builder()
            .endpointOverride(cloud.dynamo().endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(counter))
            .build();
    String table = cloud.tables().get(0);
    DynamoDbRegistry registry = new DynamoDbRegistry(counted, table);
    DynamoDbDeployments deployments = new DynamoDbDeployments(counted, table);
    List<StagecoachEvent> events = Collections.synchronizedList(new ArrayList<>());
    EventPublisher publisher = events::add;
    Principal admin = new Principal("bench", Set.of(Role.ADMIN));
    RegistryService rules = new RegistryService(registry);
    Instant now = Instant.now();
    rules.createApp(
        admin,
        new AppSpec(
            "counted",
            Optional.empty(),
            List.of("dev"),
            List.of(),
            Optional.of(EnvironmentTemplate.inline(EMPTY_TEMPLATE))),
        now);
    rules.putEnvironment(
        admin,
        "counted",
        "dev",
        new EnvironmentSpec(
            Optional.of("pipeline"),
            Optional.of("dev"),
            Optional.of("123456789012"),
            Optional.of("eu-west-1"),
            Map.of(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        Optional.empty(),
        now);
    rules.registerRelease(
        admin,
        "counted",
        new ReleaseSpec("1.0.0", "s3://a/b.zip", "sha256:" + "ab".repeat(32), Optional.empty()),
        now);
    DeploymentService service = new DeploymentService(registry, deployments, publisher);
    ProvisioningRun run =
        new ProvisioningRun(
            registry,
            deployments,
            new LocalProvisioner(cloud.dynamo().client()),
            publisher,
            Instant::now);
    calls.clear();
    itemsWritten.set(0);
    int n = 20;
    for (int i = 0; i < n; i++) {
      var outcome =
          service.request(
              admin,
              "counted",
              new DeploymentSpec("dev", "1.0.0"),
              Optional.of("c-" + i),
              "h",
              "unused",
              DeploymentService.Origin.API,
              Instant.now());
      String id =
          ((Outcome.Accepted<
                      io.stagecoach.domain.common.Saved<
                          io.stagecoach.domain.deployment.Deployment>>)
                  outcome)
              .value()
              .value()
              .id();
      run.run("counted", id, () -> Duration.ofMinutes(5));
    }
    Map<String, Double> perDeployment = new TreeMap<>();
    calls.forEach((op, c) -> perDeployment.put(op, c.get() / (double) n));
    double reads =
        perDeployment.getOrDefault("GetItem", 0.0)
            + perDeployment.getOrDefault("BatchGetItem", 0.0)
            + perDeployment.getOrDefault("Query", 0.0);
    double writeRequests =
        perDeployment.getOrDefault("PutItem", 0.0)
            + perDeployment.getOrDefault("UpdateItem", 0.0)
            + perDeployment.getOrDefault("DeleteItem", 0.0)
            + perDeployment.getOrDefault("TransactWriteItems", 0.0);
    StringBuilder out = new StringBuilder("## Registry work per deployment\n\n");
    out.append("Counted on the registry client over ")
        .append(n)
        .append(
            " deployments (request, then the provisioner's run), the provisioner's own stack table excluded.\n\n");
    out.append("| per deployment | count |\n| --- | ---: |\n");
    perDeployment.forEach((op, c) -> out.append(String.format("| %s requests | %.1f |%n", op, c)));
    out.append(String.format("| **reads** (GetItem, BatchGetItem, Query) | **%.1f** |%n", reads));
    out.append(String.format("| **write requests** | **%.1f** |%n", writeRequests));
    out.append(
        String.format(
            "| **items written** (target ≤ 6) | **%.1f** |%n", itemsWritten.get() / (double) n));
    out.append(String.format("| **events** | **%.1f** |%n%n", events.size() / (double) n));
    counted.close();
    return out.toString();
  }

  private static JsonNode send(
      HttpClient http,
      URI api,
      String token,
      String method,
      String path,
      String body,
      Map<String, String> headers)
      throws Exception {
    return BenchApi.send(http, api, token, method, path, body, headers);
  }

  private static void row(StringBuilder report, String what, List<Double> micros) {
    report.append(
        String.format(
            "| %s | %.2f | %.2f |%n", what, pct(micros, 50) / 1000, pct(micros, 99) / 1000));
  }

  private static double pct(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  /** Microseconds between two instants a deployment records. */
  private static double between(JsonNode deployment, String from, String to) {
    return Duration.between(
                Instant.parse(deployment.path(from).asText()),
                Instant.parse(deployment.path(to).asText()))
            .toNanos()
        / 1_000.0;
  }
}
