package io.stagecoach.infra.aws;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Synthesizes the Stagecoach CDK app into {@code $CDK_OUTDIR} (the build sets {@code
 * target/cdk.out}).
 *
 * <p>Inputs: the environment variable {@value #FUNCTIONS_JAR_VARIABLE} (path of the functions
 * module's shaded jar, set by the build) and optional context values, given with {@code cdk -c
 * key=value} or, when the build synthesizes, through {@code CDK_CONTEXT_JSON}:
 *
 * <ul>
 *   <li>{@value #THROTTLE_RATE_CONTEXT}: requests per second, default 50;
 *   <li>{@value #THROTTLE_BURST_CONTEXT}: burst, default 100;
 *   <li>{@value #ACCOUNT_LOG_ROLE_CONTEXT}: {@code false} where API Gateway's account-level
 *       CloudWatch role is managed outside this stack, default {@code true};
 *   <li>{@value #REAPER_RATE_CONTEXT}: minutes between runs of the ephemeral reaper, default 5;
 *   <li>{@value #TIERS_CONTEXT}: the tiers that get a provisioner, default {@code
 *       ["dev","staging","prod"]};
 *   <li>{@value #DEPLOY_ACCOUNTS_CONTEXT}: per tier, the accounts whose {@code
 *       stagecoach-deploy-{tier}} role its provisioner may assume, e.g. {@code {"dev":
 *       ["111111111111"], "prod": ["222222222222"]}}; default none;
 *   <li>{@value #TEMPLATE_BUCKETS_CONTEXT}: the S3 buckets apps' environment templates may be read
 *       from (a JSON array or {@code "a,b"}); default none: templates are given inline only.
 * </ul>
 */
public final class StagecoachApp {

  public static final String STACK_ID = "Stagecoach";
  public static final String FUNCTIONS_JAR_VARIABLE = "STAGECOACH_FUNCTIONS_JAR";
  public static final String REAPER_RATE_CONTEXT = "stagecoach:reaperRateMinutes";
  public static final String WARNING_LEAD_CONTEXT = "stagecoach:expiryWarningLeadMinutes";
  public static final String THROTTLE_RATE_CONTEXT = "stagecoach:apiThrottleRateLimit";
  public static final String THROTTLE_BURST_CONTEXT = "stagecoach:apiThrottleBurstLimit";
  public static final String ACCOUNT_LOG_ROLE_CONTEXT = "stagecoach:manageApiGatewayAccountLogRole";
  public static final String TIERS_CONTEXT = "stagecoach:tiers";
  public static final String DEPLOY_ACCOUNTS_CONTEXT = "stagecoach:deployAccounts";
  public static final String TEMPLATE_BUCKETS_CONTEXT = "stagecoach:templateBuckets";

  private StagecoachApp() {}

  public static void main(final String[] args) {
    // The jar is checked before the jsii runtime starts, so a missing build step fails fast and
    // clearly.
    Path functionsJar = functionsJar(System.getenv());
    App app = new App();
    new StagecoachStack(
        app, STACK_ID, stackProps(functionsJar, key -> app.getNode().tryGetContext(key)));
    // cdk-nag's AwsSolutions rules run as a policy validation plugin: a finding that is not
    // acknowledged (with its reason, next to the construct it concerns) fails the synth.
    Validations.of(app)
        .addPlugins(
            new AwsSolutionsChecks(
                app,
                NagPackProps.builder()
                    .verbose(true)
                    // Keeps each acknowledgment and its reason in the template, for audit and for
                    // the tests.
                    .writeSuppressionsToCloudFormation(true)
                    .build()));
    app.synth();
  }

  static Path functionsJar(final Map<String, String> environment) {
    String value = environment.get(FUNCTIONS_JAR_VARIABLE);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          FUNCTIONS_JAR_VARIABLE
              + " is not set: it must name the functions module's shaded jar"
              + " (the build sets it to functions/target/stagecoach-functions-<version>-lambda.jar)");
    }
    Path jar = Path.of(value);
    if (!jar.toFile().isFile()) {
      throw new IllegalStateException(
          FUNCTIONS_JAR_VARIABLE
              + "="
              + value
              + ": no such file; build the functions module first (mvn -pl functions -am package)");
    }
    return jar;
  }

  static StagecoachStack.Props stackProps(
      final Path functionsJar, final Function<String, Object> context) {
    ApiThrottling throttling =
        new ApiThrottling(
            number(context, THROTTLE_RATE_CONTEXT).orElse(ApiThrottling.DEFAULT.rateLimit()),
            number(context, THROTTLE_BURST_CONTEXT)
                .map(StagecoachApp::wholeNumber)
                .orElse(ApiThrottling.DEFAULT.burstLimit()));
    boolean manageAccountLogRole = bool(context, ACCOUNT_LOG_ROLE_CONTEXT).orElse(true);
    List<String> tiers = strings(context, TIERS_CONTEXT).orElse(Provisioners.DEFAULT_TIERS);
    Map<String, List<String>> deployAccounts = accounts(context, DEPLOY_ACCOUNTS_CONTEXT);
    return new StagecoachStack.Props(
        functionsJar,
        throttling,
        RetentionDays.ONE_MONTH,
        manageAccountLogRole,
        tiers,
        deployAccounts,
        number(context, REAPER_RATE_CONTEXT)
            .map(Number::intValue)
            .orElse(EphemeralReaper.DEFAULT_RATE_MINUTES),
        strings(context, WARNING_LEAD_CONTEXT)
            .map(leads -> leads.stream().map(lead -> minutes(WARNING_LEAD_CONTEXT, lead)).toList())
            .orElse(EphemeralReaper.DEFAULT_WARNING_LEAD_MINUTES),
        strings(context, TEMPLATE_BUCKETS_CONTEXT).orElse(List.of()));
  }

  private static Integer minutes(final String key, final String value) {
    try {
      return Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context " + key + " must list whole minutes (\"1440,60\"), got '" + value + "'", e);
    }
  }

  /** A list: a JSON array from {@code cdk.json}, or {@code "dev,prod"} from {@code -c}. */
  private static Optional<List<String>> strings(
      final Function<String, Object> context, final String key) {
    Object value = context.apply(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof List<?> list) {
      return Optional.of(list.stream().map(String::valueOf).map(String::trim).toList());
    }
    String text = value.toString().trim();
    if (text.startsWith("[")) {
      List<?> parsed = parseJson(key, text, List.class);
      return Optional.of(parsed.stream().map(String::valueOf).toList());
    }
    return Optional.of(
        java.util.Arrays.stream(text.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList());
  }

  /** {@code {"dev": ["111111111111"], "prod": ["222222222222"]}}, as a JSON object or its text. */
  private static Map<String, List<String>> accounts(
      final Function<String, Object> context, final String key) {
    Object value = context.apply(key);
    if (value == null) {
      return Map.of();
    }
    Map<?, ?> raw = value instanceof Map<?, ?> m ? m : parseJson(key, value.toString(), Map.class);
    Map<String, List<String>> accounts = new java.util.LinkedHashMap<>();
    raw.forEach(
        (tier, list) -> {
          if (!(list instanceof List<?> l)) {
            throw new IllegalArgumentException(
                "context " + key + "." + tier + " must be a list of account ids");
          }
          accounts.put(String.valueOf(tier), l.stream().map(String::valueOf).toList());
        });
    return accounts;
  }

  private static <T> T parseJson(final String key, final String text, final Class<T> type) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(text, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "context " + key + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Context from {@code -c} arrives as a string, from {@code cdk.json} as a JSON value. */
  private static Optional<Double> number(final Function<String, Object> context, final String key) {
    Object value = context.apply(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Number number) {
      return Optional.of(number.doubleValue());
    }
    try {
      return Optional.of(Double.valueOf(value.toString().trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context " + key + " must be a number, got '" + value + "'", e);
    }
  }

  private static Optional<Boolean> bool(final Function<String, Object> context, final String key) {
    Object value = context.apply(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Boolean flag) {
      return Optional.of(flag);
    }
    return switch (value.toString().trim()) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default ->
          throw new IllegalArgumentException(
              "context " + key + " must be true or false, got '" + value + "'");
    };
  }

  private static int wholeNumber(final double value) {
    if (value != Math.rint(value) || value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw new IllegalArgumentException("burst limit must be a whole number, got " + value);
    }
    return (int) value;
  }
}
