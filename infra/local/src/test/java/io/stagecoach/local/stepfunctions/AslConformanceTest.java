package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.http.WireServer;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InspectionLevel;
import software.amazon.awssdk.services.sfn.model.TestStateResponse;

/**
 * Runs ../shared/conformance/asl (executions recorded on AWS) through the AWS protocol: a
 * default-built {@link SfnClient} creates each state machine, starts the execution and waits for
 * its end against the local service; status, output, error and cause must be what AWS recorded. Run
 * with {@code -Dstagecoach.conformance.write=true} to regenerate docs/conformance.md.
 */
class AslConformanceTest {

  /** The ratchet: the pass count reached; lower it only with a reason in the commit. */
  private static final int PASSING_AT_LEAST = 720;

  private static final double TARGET_RATE = 0.95;

  private static final Pattern PLACEHOLDER = Pattern.compile("<[^<>]+>");
  private static final List<String> NORMALIZED_WORDS =
      List.of(
          "snf_role_arn",
          "start-time",
          "entered-time",
          "date",
          "generated-uuid",
          "x-amzn-RequestId",
          "RequestId",
          "X-Amzn-Trace-Id");

  private static final String REDRIVE =
      "recorded in October 2023, before AWS added "
          + "`$$.Execution.RedriveCount` (redrive, November 2023); the July 2024 recording of "
          + "`context-object-query-values` has it, and so do we";

  /** Why a known failure cannot pass, shown next to it in the report (the failure still counts). */
  private static final Map<String, String> EXPLAINED =
      Map.of(
          "lambda-invoke-resultselector-context-object",
          "the recorded Content-Length counts the real function name, which the snapshot replaced by the "
              + "longer `<lambda_function_name>` that the replayed payload now carries",
          "lambda-invoke-retry-then-catch-all",
          REDRIVE,
          "lambda-retry-then-catch-all-context-retrycount",
          REDRIVE);

  record Outcome(String folder, String name, String failure) {}

  /**
   * History event types (and state names) of a case next to the recorded trace: reported, not
   * gated.
   */
  record TraceOutcome(String name, String difference) {}

  private final List<TraceOutcome> traces = new ArrayList<>();

  @Test
  void recordedExecutions_giveTheRecordedResult_throughTheSfnApi() throws Exception {
    String root = System.getProperty("stagecoach.conformance");
    assumeTrue(
        root != null && Files.isDirectory(Path.of(root, "asl")), "conformance data not present");
    Path asl = Path.of(root, "asl");

    List<Outcome> outcomes = new ArrayList<>();
    SfnClient[] clientRef = new SfnClient[1];
    ConformanceStubs stubs =
        new ConformanceStubs(
            (token, result) -> {
              if ("SendTaskSuccess".equals(result.path("callback").asText())) {
                clientRef[0].sendTaskSuccess(
                    b -> b.taskToken(token).output(Json.write(result.get("output"))));
              } else {
                clientRef[0].sendTaskFailure(
                    b ->
                        b.taskToken(token)
                            .error(result.hasNonNull("error") ? result.get("error").asText() : null)
                            .cause(
                                result.hasNonNull("cause") ? result.get("cause").asText() : null));
              }
            });
    // One second of execution time per millisecond: Wait, Retry and timeouts take no real time.
    try (StepFunctionsService service =
            new StepFunctionsService(stubs, StepClock.scaled(1000), "us-east-1", "111111111111");
        WireServer server = new WireServer(0, service::handle);
        SfnClient client =
            SfnClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .httpClient(UrlConnectionHttpClient.create())
                // TestState is sent to the "sync-" host prefix, which a loopback endpoint does not
                // have.
                .overrideConfiguration(
                    c ->
                        c.putAdvancedOption(
                            SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
                .build()) {
      clientRef[0] = client;
      int[] counter = {0};
      for (Path file : files(asl.resolve("cases"))) {
        JsonNode c = Json.MAPPER.readTree(file.toFile());
        outcomes.add(
            new Outcome(
                "cases",
                c.get("name").asText(),
                runCase(
                    client,
                    stubs,
                    c.get("definition"),
                    c.get("input"),
                    c.get("expected"),
                    c,
                    counter)));
      }
      for (String folder : List.of("intrinsics", "choice-operators")) {
        for (Path file : files(asl.resolve(folder))) {
          JsonNode table = Json.MAPPER.readTree(file.toFile());
          int row = 0;
          for (JsonNode r : table.get("cases")) {
            JsonNode definition =
                r.has("definition") ? r.get("definition") : table.get("definition");
            outcomes.add(
                new Outcome(
                    folder,
                    table.get("name").asText() + "[" + row++ + "]",
                    runCase(
                        client,
                        stubs,
                        definition,
                        r.get("input"),
                        r.get("expected"),
                        table,
                        counter)));
          }
        }
      }
      for (Path file : files(asl.resolve("test-state"))) {
        JsonNode c = Json.MAPPER.readTree(file.toFile());
        outcomes.add(
            new Outcome("test-state", c.get("name").asText(), runTestState(client, stubs, c)));
      }
    }

    long passed = outcomes.stream().filter(o -> o.failure() == null).count();
    if (Boolean.getBoolean("stagecoach.conformance.write")) {
      writeReport(outcomes);
    }
    StringBuilder failures = new StringBuilder();
    outcomes.stream()
        .filter(o -> o.failure() != null)
        .forEach(
            o ->
                failures
                    .append("\n  ")
                    .append(o.folder())
                    .append('/')
                    .append(o.name())
                    .append(": ")
                    .append(o.failure()));
    double rate = (double) passed / outcomes.size();
    assertTrue(
        passed >= PASSING_AT_LEAST && rate >= TARGET_RATE,
        "passed "
            + passed
            + "/"
            + outcomes.size()
            + " (ratchet "
            + PASSING_AT_LEAST
            + ")"
            + failures);
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  private String runCase(
      SfnClient client,
      ConformanceStubs stubs,
      JsonNode definition,
      JsonNode input,
      JsonNode expected,
      JsonNode testCase,
      int[] counter) {
    try {
      stubs.load(testCase);
      String name = "conformance-" + counter[0]++;
      String machine =
          client
              .createStateMachine(
                  b ->
                      b.name(name)
                          .definition(Json.write(definition))
                          .roleArn("arn:aws:iam::111111111111:role/snf_role"))
              .stateMachineArn();
      String execution =
          client
              .startExecution(b -> b.stateMachineArn(machine).input(Json.write(input)))
              .executionArn();
      DescribeExecutionResponse d = client.describeExecution(b -> b.executionArn(execution));
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (d.status() == ExecutionStatus.RUNNING && System.nanoTime() < until) {
        Thread.sleep(2);
        d = client.describeExecution(b -> b.executionArn(execution));
      }
      if (d.status() == ExecutionStatus.RUNNING) {
        client.stopExecution(b -> b.executionArn(execution));
        return "still RUNNING after 20 s";
      }
      String failure =
          compareResult(expected, d.statusAsString(), d.output(), d.error(), d.cause());
      if (testCase.has("trace") && testCase.has("expected")) {
        traces.add(
            new TraceOutcome(
                testCase.get("name").asText(),
                traceDifference(client, execution, testCase.get("trace"))));
      }
      List<String> deviations = stubs.deviations();
      return failure != null || deviations.isEmpty() ? failure : String.join("; ", deviations);
    } catch (Exception e) {
      return "error: " + e;
    }
  }

  private static String traceDifference(SfnClient client, String execution, JsonNode trace) {
    List<String> actual = new ArrayList<>();
    client
        .getExecutionHistoryPaginator(b -> b.executionArn(execution))
        .events()
        .forEach(
            e -> {
              String name =
                  e.stateEnteredEventDetails() != null
                      ? e.stateEnteredEventDetails().name()
                      : e.stateExitedEventDetails() != null
                          ? e.stateExitedEventDetails().name()
                          : e.mapIterationStartedEventDetails() != null
                              ? e.mapIterationStartedEventDetails().name()
                              : e.mapIterationSucceededEventDetails() != null
                                  ? e.mapIterationSucceededEventDetails().name()
                                  : e.mapIterationFailedEventDetails() != null
                                      ? e.mapIterationFailedEventDetails().name()
                                      : null;
              actual.add(e.typeAsString() + (name == null ? "" : "(" + name + ")"));
            });
    List<String> expected = new ArrayList<>();
    trace.forEach(
        t ->
            expected.add(
                t.get("type").asText()
                    + (t.has("name") ? "(" + t.get("name").asText() + ")" : "")));
    for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
      String a = i < actual.size() ? actual.get(i) : "(end)";
      String x = i < expected.size() ? expected.get(i) : "(end)";
      if (!a.equals(x)) {
        return "event " + (i + 1) + ": expected " + x + ", got " + a;
      }
    }
    return null;
  }

  private static String runTestState(SfnClient client, ConformanceStubs stubs, JsonNode c) {
    try {
      stubs.load(c);
      TestStateResponse r =
          client.testState(
              b ->
                  b.definition(Json.write(c.get("definition")))
                      .roleArn("arn:aws:iam::111111111111:role/snf_role")
                      .input(Json.write(c.get("input")))
                      .inspectionLevel(InspectionLevel.DEBUG));
      JsonNode expected = c.get("expected");
      String failure =
          compareResult(expected, r.statusAsString(), r.output(), r.error(), r.cause());
      if (failure != null) {
        return failure;
      }
      if (!stubs.deviations().isEmpty()) {
        return String.join("; ", stubs.deviations());
      }
      if (expected.has("nextState") && !expected.get("nextState").asText().equals(r.nextState())) {
        return "nextState: expected " + expected.get("nextState") + ", got " + r.nextState();
      }
      if (expected.has("inspectionData")) {
        ObjectNode actual = Json.MAPPER.createObjectNode();
        var data = r.inspectionData();
        put(actual, "input", data.input());
        put(actual, "afterInputPath", data.afterInputPath());
        put(actual, "afterParameters", data.afterParameters());
        put(actual, "result", data.result());
        put(actual, "afterResultSelector", data.afterResultSelector());
        put(actual, "afterResultPath", data.afterResultPath());
        // Every step AWS reported must be there with its value; AWS omits some steps we also
        // report.
        for (Map.Entry<String, JsonNode> e : expected.get("inspectionData").properties()) {
          String mismatch =
              compare("inspectionData." + e.getKey(), e.getValue(), actual.get(e.getKey()));
          if (mismatch != null) {
            return mismatch;
          }
        }
      }
      return null;
    } catch (Exception e) {
      return "error: " + e;
    }
  }

  private static void put(ObjectNode out, String key, String json) throws IOException {
    if (json != null) {
      out.set(key, Json.parse(json));
    }
  }

  static String compareResult(
      JsonNode expected, String status, String output, String error, String cause)
      throws IOException {
    String expectedStatus = expected.get("status").asText();
    if (!expectedStatus.equals(status)) {
      return "status: expected "
          + expectedStatus
          + ", got "
          + status
          + (error != null || cause != null ? " (" + error + ": " + abbreviate(cause) + ")" : "");
    }
    if (expected.has("output")) {
      String mismatch =
          compare("output", expected.get("output"), output == null ? null : Json.parse(output));
      if (mismatch != null) {
        return mismatch;
      }
    }
    if (!"SUCCEEDED".equals(expectedStatus)) {
      JsonNode e = expected.get("error");
      if (!textMatches(e == null || e.isNull() ? null : e.asText(), error)) {
        return "error: expected " + e + ", got " + error;
      }
      JsonNode c = expected.get("cause");
      if (expected.path("causeIsJson").asBoolean(false) && c != null) {
        JsonNode actualCause;
        try {
          actualCause = cause == null ? null : Json.parse(cause);
        } catch (IOException ex) {
          return "cause: expected JSON, got " + abbreviate(cause);
        }
        return compare("cause", c, actualCause);
      }
      if (!textMatches(c == null || c.isNull() ? null : c.asText(), cause)) {
        return "cause: expected "
            + abbreviate(c == null ? null : c.asText())
            + ", got "
            + abbreviate(cause);
      }
    }
    return null;
  }

  /**
   * Compares JSON values; placeholder strings from the snapshot tooling are wildcards (README rule
   * 2).
   */
  static String compare(String at, JsonNode expected, JsonNode actual) {
    if (expected == null || expected.isNull()) {
      return actual == null || actual.isNull()
          ? null
          : at + ": expected null, got " + abbreviate(Json.write(actual));
    }
    if (expected.isTextual() && isWildcard(expected.textValue())) {
      return actual == null ? at + ": missing" : null;
    }
    if (actual == null) {
      return at + ": missing, expected " + abbreviate(Json.write(expected));
    }
    if (expected.isObject()) {
      if (!actual.isObject()) {
        return at + ": expected an object, got " + abbreviate(Json.write(actual));
      }
      for (Map.Entry<String, JsonNode> e : expected.properties()) {
        if (!actual.has(e.getKey())) {
          return at + "." + e.getKey() + ": missing";
        }
        String m = compare(at + "." + e.getKey(), e.getValue(), actual.get(e.getKey()));
        if (m != null) {
          return m;
        }
      }
      for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!expected.has(k)) {
          return at + "." + k + ": unexpected field";
        }
      }
      return null;
    }
    if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        return at
            + ": expected "
            + abbreviate(Json.write(expected))
            + ", got "
            + abbreviate(Json.write(actual));
      }
      for (int i = 0; i < expected.size(); i++) {
        String m = compare(at + "[" + i + "]", expected.get(i), actual.get(i));
        if (m != null) {
          return m;
        }
      }
      return null;
    }
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0
          ? null
          : at + ": expected " + expected + ", got " + actual;
    }
    if (expected.isTextual() && actual.isTextual()) {
      return textMatches(expected.textValue(), actual.textValue())
          ? null
          : at
              + ": expected "
              + abbreviate(Json.write(expected))
              + ", got "
              + abbreviate(Json.write(actual));
    }
    return expected.equals(actual)
        ? null
        : at
            + ": expected "
            + abbreviate(Json.write(expected))
            + ", got "
            + abbreviate(Json.write(actual));
  }

  private static final char HOLE = '\u0000';

  /** Collapses placeholders, nested ones too ({@code <<task_token>:1>}), into one HOLE each. */
  private static String holes(String s) {
    String before;
    String after = s;
    do {
      before = after;
      after = PLACEHOLDER.matcher(before).replaceAll(String.valueOf(HOLE));
      after = after.replaceAll("<([^<>]*" + HOLE + "[^<>]*)>", String.valueOf(HOLE));
    } while (!after.equals(before));
    return after;
  }

  private static boolean isWildcard(String s) {
    return NORMALIZED_WORDS.contains(s) || holes(s).equals(String.valueOf(HOLE));
  }

  static boolean textMatches(String expected, String actual) {
    if (expected == null || actual == null) {
      return expected == actual;
    }
    if (isWildcard(expected)) {
      return true;
    }
    String holes = holes(expected);
    if (holes.indexOf(HOLE) < 0) {
      return expected.equals(actual);
    }
    String regex =
        java.util.Arrays.stream(holes.split(String.valueOf(HOLE), -1))
            .map(Pattern::quote)
            .collect(java.util.stream.Collectors.joining(".*?"));
    return Pattern.compile(regex, Pattern.DOTALL).matcher(actual).matches();
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    String one = s.replace("\n", "\\n").replace("|", "\\|");
    return one.length() > 200 ? one.substring(0, 200) + "…" : one;
  }

  private void writeReport(List<Outcome> outcomes) throws IOException {
    Map<String, int[]> perFolder = new LinkedHashMap<>();
    for (Outcome o : outcomes) {
      int[] counts = perFolder.computeIfAbsent(o.folder(), k -> new int[2]);
      counts[1]++;
      if (o.failure() == null) {
        counts[0]++;
      }
    }
    long passed = outcomes.stream().filter(o -> o.failure() == null).count();
    StringBuilder md = new StringBuilder();
    md.append("# Step Functions conformance\n\n")
        .append(
            "Generated by `AslConformanceTest` (`mvn -pl infra/local test -Dtest=AslConformanceTest ")
        .append("-Dstagecoach.conformance.write=true`); do not edit by hand.\n\n")
        .append(
            "Every execution recorded on AWS in `../shared/conformance/asl` is run through the Step ")
        .append(
            "Functions API (a default-built SDK `SfnClient` against the local service): create the state ")
        .append(
            "machine, start the execution, wait for its end, compare status, output, error and cause ")
        .append(
            "(placeholders of the snapshot tooling are wildcards). Lambda and SQS-carrier tasks replay ")
        .append("the recorded calls; time runs 1000 times faster than the wall clock.\n\n")
        .append("| folder | passed | total |\n| --- | --- | --- |\n");
    perFolder.forEach(
        (folder, c) ->
            md.append("| `")
                .append(folder)
                .append("` | ")
                .append(c[0])
                .append(" | ")
                .append(c[1])
                .append(" |\n"));
    md.append(
        String.format(
            "| **all** | **%d** | **%d** (%.1f%%) |%n%n",
            passed, outcomes.size(), 100.0 * passed / outcomes.size()));
    long tracesMatching = traces.stream().filter(t -> t.difference() == null).count();
    md.append("## Execution histories\n\n")
        .append(
            "Not part of the pass rate: the GetExecutionHistory event types and state names of each case ")
        .append(
            "next to the recorded trace (parallel branches and map iterations interleave, so their order ")
        .append("may legitimately differ). ")
        .append(tracesMatching)
        .append(" of ")
        .append(traces.size())
        .append(" traces match.\n\n");
    if (tracesMatching < traces.size()) {
      md.append("| case | first difference |\n| --- | --- |\n");
      traces.stream()
          .filter(t -> t.difference() != null)
          .forEach(
              t ->
                  md.append("| `")
                      .append(t.name())
                      .append("` | ")
                      .append(abbreviate(t.difference()))
                      .append(" |\n"));
      md.append('\n');
    }
    md.append("## Failing executions\n\n");
    if (passed == outcomes.size()) {
      md.append("None.\n");
    } else {
      md.append("| folder | case | reason |\n| --- | --- | --- |\n");
      outcomes.stream()
          .filter(o -> o.failure() != null)
          .forEach(
              o ->
                  md.append("| `")
                      .append(o.folder())
                      .append("` | `")
                      .append(o.name())
                      .append("` | ")
                      .append(abbreviate(o.failure()))
                      .append(
                          EXPLAINED.containsKey(o.name()) ? " — " + EXPLAINED.get(o.name()) : "")
                      .append(" |\n"));
    }
    Path out =
        Path.of(System.getProperty("user.dir")).resolve("../../docs/conformance.md").normalize();
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
  }
}
