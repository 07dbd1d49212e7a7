package io.stagecoach.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.stagecoach.local.eventbridge.LocalEventBridge;
import io.stagecoach.local.eventbridge.PutEventsEntry;
import io.stagecoach.local.eventbridge.PutEventsResult;
import io.stagecoach.local.eventbridge.Targets;
import io.stagecoach.local.http.WireServer;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LocalFunction;
import io.stagecoach.local.lambda.LocalFunctions;
import io.stagecoach.local.stepfunctions.Integrations;
import io.stagecoach.local.stepfunctions.StepFunctionsService;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import io.stagecoach.local.template.CloudTemplate;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The workflow benchmark (issue 3), everything next to a baseline measured in the same run, as a
 * ratio:
 *
 * <ul>
 *   <li>executions per second and execution time of a 10-state workflow with a Lambda task, run by
 *       the local cloud's {@link StepFunctionsService} with 1 and 8 concurrent starters, next to
 *       calling the task's handler directly;
 *   <li>the time from PutEvents to the target function's invocation, in process and over HTTP with
 *       the SDK's EventBridgeClient, next to the same direct handler call.
 * </ul>
 */
public final class WorkflowBench {

  private static final boolean QUICK = Boolean.getBoolean("bench.quick");

  /** Executions and events per measured row, after that many warm-up ones. */
  private static final int MEASURED = QUICK ? 500 : 2_000;

  private static final int WARMUP = QUICK ? 200 : 1_000;

  /**
   * A full run measures everything twice and reports the second pass: the first one brings the JIT
   * to the same state for every row (otherwise rows measured later would run on better-compiled
   * code).
   */
  private static final int PASSES = QUICK ? 1 : 2;

  /**
   * Direct handler calls take well under a microsecond: many more of them are needed for a steady
   * rate.
   */
  private static final int RAW_MEASURED = QUICK ? 50_000 : 500_000;

  private static final int RAW_WARMUP = QUICK ? 50_000 : 200_000;

  /**
   * Distinct events for the direct calls of the EventBridge baseline (each a map built in advance).
   */
  private static final int RAW_EVENTS = 20_000;

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final String TEMPLATE =
      """
      {"Resources": {
        "ReleaseRisk": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "release-risk",
          "Runtime": "java21", "Handler": "io.stagecoach.bench.ReleaseRiskHandler::handleRequest", "Timeout": 30}},
        "Arrival": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "arrival",
          "Runtime": "java21", "Handler": "io.stagecoach.bench.ArrivalRecordingHandler::handleRequest", "Timeout": 30}},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "stagecoach"}},
        "ReleaseVerified": {"Type": "AWS::Events::Rule", "Properties": {
          "EventBusName": {"Ref": "Bus"},
          "EventPattern": {"source": ["stagecoach"], "detail-type": ["Release Verified"], "detail": {"tier": ["dev"]}},
          "Targets": [{"Id": "arrival", "Arn": {"Fn::GetAtt": ["Arrival", "Arn"]},
            "RetryPolicy": {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}}]}}
      }}""";

  /**
   * Ten states: Pass with Parameters, two Choices, a Lambda task by ARN with ResultSelector and
   * ResultPath, a Map over three checks (its inner Pass is one of the ten), Pass states, Succeed
   * and a Fail the benchmark's input never reaches.
   */
  private static final String DEFINITION =
      """
      {"Comment": "Scores a release and runs its checks, as a promotion would",
       "StartAt": "DescribeRelease",
       "States": {
        "DescribeRelease": {"Type": "Pass", "Parameters": {"app.$": "$.app", "version.$": "$.version",
          "tier.$": "$.tier", "changedFiles.$": "$.changedFiles", "checks": ["build", "tests", "scan"]},
          "Next": "ByTier"},
        "ByTier": {"Type": "Choice", "Choices": [{"Variable": "$.tier", "StringEquals": "dev", "Next": "ScoreRisk"}],
          "Default": "Refused"},
        "ScoreRisk": {"Type": "Task", "Resource": "%s",
          "Parameters": {"app.$": "$.app", "version.$": "$.version", "changedFiles.$": "$.changedFiles"},
          "ResultSelector": {"risk.$": "$.risk"}, "ResultPath": "$.scoring", "Next": "RunChecks"},
        "RunChecks": {"Type": "Map", "ItemsPath": "$.checks", "ResultPath": "$.checks",
          "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Check",
            "States": {"Check": {"Type": "Pass", "Parameters": {"check.$": "$", "passed": true}, "End": true}}},
          "Next": "Summarize"},
        "Summarize": {"Type": "Pass", "Parameters": {"app.$": "$.app", "version.$": "$.version",
          "risk.$": "$.scoring.risk", "checked.$": "States.ArrayLength($.checks)"}, "Next": "ByRisk"},
        "ByRisk": {"Type": "Choice", "Choices": [{"Variable": "$.risk", "NumericLessThan": 50, "Next": "Approve"}],
          "Default": "Refused"},
        "Approve": {"Type": "Pass", "Result": "approved", "ResultPath": "$.decision", "Next": "Approved"},
        "Approved": {"Type": "Succeed"},
        "Refused": {"Type": "Fail", "Error": "Release.Refused", "Cause": "the release is too risky"}
       }}""";

  private static final int DEFINED_STATES = 10;
  private static final String EXECUTION_INPUT =
      "{\"app\":\"billing\",\"version\":\"1.4.2\",\"tier\":\"dev\",\"changedFiles\":7}";

  /** What ScoreRisk's Parameters hand the function for that input. */
  private static final String TASK_PAYLOAD =
      "{\"app\":\"billing\",\"version\":\"1.4.2\",\"changedFiles\":7}";

  record Stats(double p50Micros, double p99Micros, double perSecond) {}

  /**
   * One timed operation; returns its latency in nanoseconds. {@code i} numbers operations from 0.
   */
  interface Op {
    long run(int i) throws Exception;
  }

  /** Keeps direct handler calls from being optimized away. */
  private static volatile int sink;

  public static void main(String[] args) {
    BenchApi.runAndExit(WorkflowBench::bench);
  }

  /** The pass whose figures are reported. */
  private static boolean lastPass;

  private static String bench() throws Exception {
    // The JDK keeps 5 idle connections per host by default; 8 senders would otherwise keep
    // reconnecting.
    System.setProperty("http.maxConnections", "16");
    CloudTemplate template = new CloudTemplate(Json.parse(TEMPLATE), "bench", "us-east-1");
    LocalFunctions functions = new LocalFunctions(template, Map.of());
    functions.all().values().forEach(LocalFunction::initialize);
    StringBuilder report = new StringBuilder();
    for (int pass = 1; pass <= PASSES; pass++) {
      lastPass = pass == PASSES;
      report.setLength(0);
      header(report);
      workflows(report, template, functions);
      events(report, template, functions);
    }
    return report.toString();
  }

  private static void header(StringBuilder report) {
    report.append("# Workflow benchmark\n\n");
    report
        .append("Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ")
        .append(Runtime.version())
        .append(". ")
        .append(MEASURED)
        .append(" measured executions or events per row after ")
        .append(WARMUP)
        .append(" warm-up ones; direct handler calls: ")
        .append(RAW_MEASURED)
        .append(" after ")
        .append(RAW_WARMUP)
        .append(".")
        .append(QUICK ? " Quick run (`-Dbench.quick=true`): one starter and one sender only." : "")
        .append(
            PASSES > 1
                ? " Everything is measured twice; the second pass is reported (the first one warms the JIT for all rows alike)."
                : "")
        .append("\n\n");
  }

  // ------------------------------------------------------------ Step Functions

  private static void workflows(
      StringBuilder report, CloudTemplate template, LocalFunctions functions) throws Exception {
    String functionArn = template.functionArn("ReleaseRisk");
    LocalFunction function = functions.byArn(functionArn).orElseThrow();
    String definition = DEFINITION.formatted(functionArn);
    Integrations integrations = Integrations.local(functions, entries -> entries, null);

    ReleaseRiskHandler handler = new ReleaseRiskHandler();
    Map<String, Object> payload =
        Json.MAPPER.readValue(TASK_PAYLOAD, new TypeReference<Map<String, Object>>() {});
    byte[] payloadBytes = TASK_PAYLOAD.getBytes(StandardCharsets.UTF_8);

    int[] starterCounts = QUICK ? new int[] {1} : new int[] {1, 8};
    List<String[]> rows = new ArrayList<>();
    List<String[]> ratios = new ArrayList<>();
    int statesEntered = 0;
    for (int starters : starterCounts) {
      Stats raw =
          measure(
              starters,
              RAW_WARMUP,
              RAW_MEASURED,
              i -> {
                long t = System.nanoTime();
                sink += handler.handleRequest(payload, null).size();
                return System.nanoTime() - t;
              });
      Stats invoke =
          measure(
              starters,
              WARMUP,
              MEASURED,
              i -> {
                long t = System.nanoTime();
                Invocation result = function.invoke(payloadBytes);
                long took = System.nanoTime() - t;
                if (result.functionError()) {
                  throw new IllegalStateException("the function failed: " + result.payloadText());
                }
                return took;
              });
      // A fresh service per row: it keeps every execution it ran, which later rows should not
      // carry.
      Stats executions;
      try (StepFunctionsService service =
          new StepFunctionsService(
              integrations, StepClock.system(), "us-east-1", CloudTemplate.LOCAL_ACCOUNT)) {
        String machine =
            service.createStateMachine(
                "release-risk", definition, "arn:aws:iam::000000000000:role/bench");
        executions =
            measure(
                starters,
                WARMUP,
                MEASURED,
                i -> {
                  long t = System.nanoTime();
                  String execution = service.startExecution(machine, null, EXECUTION_INPUT);
                  if (!service.awaitEnd(execution, PATIENCE)) {
                    throw new IllegalStateException(
                        "execution " + execution + " still runs after " + PATIENCE);
                  }
                  long took = System.nanoTime() - t;
                  StepFunctionsService.Execution done = service.execution(execution).orElseThrow();
                  if (done.status() != StepFunctionsService.Status.SUCCEEDED) {
                    throw new IllegalStateException(
                        "execution " + execution + " ended " + done.status() + ": " + done.cause());
                  }
                  return took;
                });
        statesEntered = statesEntered(service, machine);
      }
      rows.add(row("direct `handleRequest` call (baseline)", starters, raw));
      rows.add(
          row("`LocalFunction.invoke` (Lambda serialization, invoker thread)", starters, invoke));
      rows.add(row("workflow execution, start to end", starters, executions));
      ratios.add(
          new String[] {
            Integer.toString(starters),
            String.format("%.0f", executions.perSecond()),
            String.format("%.0f", raw.perSecond()),
            String.format("%.0f×", raw.perSecond() / executions.perSecond()),
            String.format("%.0f×", executions.p50Micros() / raw.p50Micros()),
            String.format("%.1f", (executions.p50Micros() - invoke.p50Micros()) / statesEntered),
            String.format(
                "%.1f", (1e6 / executions.perSecond() - 1e6 / invoke.perSecond()) / statesEntered)
          });
    }

    report
        .append("## Step Functions: a ")
        .append(DEFINED_STATES)
        .append("-state workflow with a Lambda task\n\n");
    report.append(
        "| what | starters | p50 µs | p99 µs | per second |\n| --- | ---: | ---: | ---: | ---: |\n");
    rows.forEach(r -> report.append("| ").append(String.join(" | ", r)).append(" |\n"));
    report
        .append(
            "\n| starters | executions/s | direct calls/s | **direct calls/s ÷ executions/s** | execution p50 ÷ direct p50 |")
        .append(
            " per state: p50 µs | per state: machine µs |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    ratios.forEach(r -> report.append("| ").append(String.join(" | ", r)).append(" |\n"));
    report
        .append("\nOne execution enters ")
        .append(statesEntered)
        .append(" states (the Map's inner state once per item);")
        .append(" per state, p50 = (execution p50 − `LocalFunction.invoke` p50) ÷ ")
        .append(statesEntered)
        .append(
            ", what the interpreter and the service add per state once the Lambda hop is taken out; with 8 starters")
        .append(
            " on this machine's cores it includes waiting for a core. Per state, machine = (1 ÷ executions/s − 1 ÷ invoke")
        .append(" calls/s) ÷ ")
        .append(statesEntered)
        .append(", the machine's time per state at that concurrency.")
        .append(
            " Executions run on `StepFunctionsService` with the in-memory store and `StepClock.system()`; a starter")
        .append(
            " calls `startExecution` and waits with `awaitEnd`, so an execution's time includes its hand-off to the")
        .append(
            " service's virtual thread. The direct call is `handler.handleRequest(input, null)` with the Map the task's")
        .append(
            " Parameters produce; its rate and percentiles include one `System.nanoTime()` pair per call.\n\n");
  }

  /** States entered by the last execution (the Map's inner state once per item). */
  private static int statesEntered(StepFunctionsService service, String machine) throws Exception {
    String execution = service.startExecution(machine, "count-states", EXECUTION_INPUT);
    if (!service.awaitEnd(execution, PATIENCE)) {
      throw new IllegalStateException("execution " + execution + " still runs after " + PATIENCE);
    }
    int entered = 0;
    for (Run.HistoryEvent e : service.execution(execution).orElseThrow().history()) {
      if (e.type().endsWith("StateEntered")) {
        entered++;
      }
    }
    return entered;
  }

  // ------------------------------------------------------------ EventBridge

  private static void events(StringBuilder report, CloudTemplate template, LocalFunctions functions)
      throws Exception {
    ArrivalRecordingHandler handler = new ArrivalRecordingHandler();
    String sample =
        "{\"version\":\"0\",\"id\":\"6a7e8feb-b491-4cf7-a9f1-bf3703467718\",\"detail-type\":\"Release Verified\","
            + "\"source\":\"stagecoach\",\"account\":\"000000000000\",\"time\":\"2026-11-22T13:00:00Z\",\"region\":\"us-east-1\","
            + "\"resources\":[],\"detail\":"
            + detail(0)
            + "}";
    // The events as the handler receives them, each with its own number, built before timing.
    List<Map<String, Object>> rawEvents = new ArrayList<>(RAW_EVENTS);
    for (int i = 0; i < RAW_EVENTS; i++) {
      rawEvents.add(
          Json.MAPPER.readValue(
              sample.replace("\"seq\":0", "\"seq\":" + i),
              new TypeReference<Map<String, Object>>() {}));
    }
    Op direct =
        i -> {
          long t = System.nanoTime();
          sink += handler.handleRequest(rawEvents.get(i % RAW_EVENTS), null).length();
          return System.nanoTime() - t;
        };
    ArrivalRecordingHandler.Arrivals.startSeries(RAW_EVENTS);
    run(1, RAW_WARMUP, direct, null);
    // A fresh record, so that every measured call is an event's first arrival.
    ArrivalRecordingHandler.Arrivals.startSeries(RAW_EVENTS);
    Stats raw = measure(1, 0, RAW_EVENTS, direct);
    rawEvents.clear();

    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "direct `handleRequest` call (baseline)",
          "1",
          fmt(raw.p50Micros()),
          fmt(raw.p99Micros()),
          "–",
          "–",
          "1"
        });
    int[] senderCounts = QUICK ? new int[] {1} : new int[] {1, 8};
    try (LocalEventBridge bus =
            new LocalEventBridge(
                template,
                new FunctionTargets(functions),
                Clock.systemUTC(),
                LocalEventBridge.Options.defaults());
        WireServer server = new WireServer(0, bus::handle);
        EventBridgeClient client =
            EventBridgeClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(io.stagecoach.functions.support.SingleWriteHttpClient.create())
                .build()) {
      for (int senders : senderCounts) {
        rows.add(
            deliveries(
                "`putEvents(...)` in process",
                senders,
                raw,
                seq -> {
                  PutEventsResult result =
                      bus.putEvents(
                          List.of(
                              PutEventsEntry.of("stagecoach", "Release Verified", detail(seq))
                                  .onBus("stagecoach")));
                  if (result.failedEntryCount() != 0) {
                    throw new IllegalStateException(
                        "PutEvents refused the event: " + result.entries());
                  }
                }));
      }
      for (int senders : senderCounts) {
        rows.add(
            deliveries(
                "SDK `EventBridgeClient` over HTTP",
                senders,
                raw,
                seq -> {
                  PutEventsResponse response =
                      client.putEvents(
                          r ->
                              r.entries(
                                  PutEventsRequestEntry.builder()
                                      .source("stagecoach")
                                      .detailType("Release Verified")
                                      .detail(detail(seq))
                                      .eventBusName("stagecoach")
                                      .build()));
                  if (response.failedEntryCount() != 0) {
                    throw new IllegalStateException(
                        "PutEvents refused the event: " + response.entries());
                  }
                }));
      }
      URI endpoint = URI.create("http://127.0.0.1:" + server.port() + "/");
      for (int senders : senderCounts) {
        rows.add(
            deliveries(
                "`HttpURLConnection`, one write (no SDK, unsigned)",
                senders,
                raw,
                seq -> {
                  String body =
                      "{\"Entries\":[{\"Source\":\"stagecoach\",\"DetailType\":\"Release Verified\","
                          + "\"EventBusName\":\"stagecoach\",\"Detail\":"
                          + Json.MAPPER.writeValueAsString(detail(seq))
                          + "}]}";
                  HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
                  c.setRequestMethod("POST");
                  c.setDoOutput(true);
                  c.setRequestProperty("Content-Type", "application/x-amz-json-1.1");
                  c.setRequestProperty("X-Amz-Target", "AWSEvents.PutEvents");
                  try (var out = c.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                  }
                  String answer;
                  try (var in = c.getInputStream()) {
                    answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                  }
                  if (c.getResponseCode() != 200 || !answer.contains("\"FailedEntryCount\":0")) {
                    throw new IllegalStateException(
                        "PutEvents answered " + c.getResponseCode() + ": " + answer);
                  }
                }));
      }
      if (!bus.deadLetters().isEmpty()) {
        throw new IllegalStateException("events were given up on: " + bus.deadLetters());
      }
    }

    if (lastPass) {
      String[] sdk =
          rows.stream()
              .filter(r -> r[0].startsWith("SDK") && r[1].equals("1"))
              .findFirst()
              .orElseThrow();
      String[] huc =
          rows.stream()
              .filter(r -> r[0].startsWith("`HttpURLConnection`") && r[1].equals("1"))
              .findFirst()
              .orElseThrow();
      BenchApi.summaryRow(
          "sdk loopback",
          "SDK EventBridgeClient PutEvents call over loopback vs HttpURLConnection (1 sender, p50)",
          Double.parseDouble(sdk[4]),
          Double.parseDouble(huc[4]),
          "µs",
          2);
    }
    report.append("## EventBridge: PutEvents to a Lambda target\n\n");
    report
        .append(
            "| path | senders | p50 µs | p99 µs | PutEvents call p50 µs | events/s | **p50 ÷ direct p50** |\n")
        .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    rows.forEach(r -> report.append("| ").append(String.join(" | ", r)).append(" |\n"));
    report
        .append(
            "\nLatency is the target handler's first `System.nanoTime()` minus the sender's just before the call;")
        .append(
            " each sender sends its next event once its previous one arrived. The bus comes from a template (a bus,")
        .append(
            " a rule matching source, detail-type and detail, a function target) and delivers as the local cloud does:")
        .append(
            " Event Ruler match, the delivery pool, `LocalFunction.invoke` with Lambda's serialization. The SDK rows")
        .append(
            " use the SDK as the functions build it (the URLConnection client, each request in one write: SigV4 signing, JSON 1.1) against a `WireServer` hosting")
        .append(
            " `LocalEventBridge.handle`; the event usually reaches the handler before the HTTP answer reaches the")
        .append(
            " sender. The PutEvents call column is the time until `putEvents` returned. The `HttpURLConnection` rows send")
        .append(
            " the same PutEvents request body without the SDK (no signing; the local bus does not check signatures), with")
        .append(
            " the JDK buffering the body so that head and body leave in one write, as the functions' SDK clients now do too")
        .append(
            " (`SingleWriteHttpClient`: the SDK's own URLConnection client streams the body, a second small write that Nagle holds).\n\n");
  }

  interface Send {
    void send(int seq) throws Exception;
  }

  private static String[] deliveries(String path, int senders, Stats raw, Send send)
      throws Exception {
    // Warm-up and measured series each get their own arrival record: an event number is never
    // reused.
    run(
        senders,
        WARMUP,
        timedDelivery(ArrivalRecordingHandler.Arrivals.startSeries(WARMUP), send, null),
        null);
    ArrivalRecordingHandler.Arrivals arrivals =
        ArrivalRecordingHandler.Arrivals.startSeries(MEASURED);
    long[] calls = new long[MEASURED];
    long[] latencies = new long[MEASURED];
    long t0 = System.nanoTime();
    run(senders, MEASURED, timedDelivery(arrivals, send, calls), latencies);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Stats s = stats(latencies, seconds);
    Arrays.sort(calls);
    return new String[] {
      path,
      Integer.toString(senders),
      fmt(s.p50Micros()),
      fmt(s.p99Micros()),
      fmt(calls[MEASURED / 2] / 1e3),
      String.format("%.0f", s.perSecond()),
      String.format("%.0f×", s.p50Micros() / raw.p50Micros())
    };
  }

  private static Op timedDelivery(
      ArrivalRecordingHandler.Arrivals arrivals, Send send, long[] calls) {
    return seq -> {
      arrivals.expect(seq);
      long sent = System.nanoTime();
      send.send(seq);
      if (calls != null) {
        calls[seq] = System.nanoTime() - sent;
      }
      return arrivals.await(seq, PATIENCE) - sent;
    };
  }

  private static String detail(int seq) {
    return "{\"app\":\"billing\",\"version\":\"1.4.2\",\"tier\":\"dev\",\"seq\":" + seq + "}";
  }

  /** Delivers to the template's functions, run in this JVM as the local cloud runs them. */
  private static final class FunctionTargets implements Targets {
    private final LocalFunctions functions;

    FunctionTargets(LocalFunctions functions) {
      this.functions = functions;
    }

    @Override
    public Invocation invokeFunction(String functionArn, byte[] payload) {
      return functions
          .byArn(functionArn)
          .orElseThrow(() -> new IllegalArgumentException("Function not found: " + functionArn))
          .invoke(payload);
    }

    @Override
    public void startExecution(String stateMachineArn, String input) {
      throw new UnsupportedOperationException("the benchmark's rules target functions only");
    }
  }

  // ------------------------------------------------------------ measuring

  private static Stats measure(int workers, int warmup, int measured, Op op) throws Exception {
    run(workers, warmup, op, null);
    long[] latencies = new long[measured];
    long t0 = System.nanoTime();
    run(workers, measured, op, latencies);
    return stats(latencies, (System.nanoTime() - t0) / 1e9);
  }

  private static Stats stats(long[] latencies, double seconds) {
    Arrays.sort(latencies);
    int n = latencies.length;
    return new Stats(latencies[n / 2] / 1e3, latencies[(int) (n * 0.99)] / 1e3, n / seconds);
  }

  /**
   * Runs operations 0..total-1 on {@code workers} threads, each taking the next number when it is
   * free.
   */
  private static void run(int workers, int total, Op op, long[] latencies) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      running.add(
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                  long took = op.run(i);
                  if (latencies != null) {
                    latencies[i] = took;
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> r : running) {
        r.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String[] row(String what, int workers, Stats s) {
    return new String[] {
      what,
      Integer.toString(workers),
      fmt(s.p50Micros()),
      fmt(s.p99Micros()),
      String.format("%.0f", s.perSecond())
    };
  }

  /** Microseconds: one decimal below 10, none above. */
  private static String fmt(double micros) {
    return micros < 10 ? String.format("%.2f", micros) : String.format("%.0f", micros);
  }

  private WorkflowBench() {}
}
