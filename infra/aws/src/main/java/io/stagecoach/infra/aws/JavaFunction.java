package io.stagecoach.infra.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * A Java 21 Lambda function on arm64, published behind an alias named {@value #ALIAS_NAME}, with
 * its own log group (JSON format) and its own role that may only write to that log group; callers
 * add the data grants it needs.
 *
 * <h2>SnapStart</h2>
 *
 * SnapStart is on ({@code ON_PUBLISHED_VERSIONS}). Without it, a cold start of a Java 21 function
 * pays for JVM start, class loading of the AWS SDK, and client initialisation (HTTP client,
 * credentials, region, Jackson) on the request path: in the order of seconds at 512 to 1024 MB, and
 * the token authorizer sits in front of every request. With SnapStart, Lambda snapshots the
 * initialised execution environment when a version is published and resumes from it, so the
 * handlers' no-argument constructors (which build SDK clients once) run at publish time, not per
 * cold start. It costs nothing extra for Java runtimes and requires no provisioned concurrency.
 *
 * <p>SnapStart only applies to published versions, never to {@code $LATEST}: every caller (API
 * Gateway integration, authorizer) must invoke {@link #liveAlias()}, which points at the version
 * CDK publishes whenever the code or configuration changes. Handlers must not keep anything unique
 * (random seeds, credentials with an expiry, open connections assumed fresh) from init without
 * refreshing it after restore
 * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html).
 *
 * <p>{@code JAVA_TOOL_OPTIONS=-XX:+TieredCompilation -XX:TieredStopAtLevel=1} keeps the JIT at C1.
 * That is already the Java 21 runtime's default; it is written down so that the local cloud runs
 * the handlers the same way, and so that moving to Java 25 is a visible decision: there, with
 * SnapStart, Lambda uses the full JVM default because the JIT warms up before the snapshot
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html).
 */
public final class JavaFunction extends Construct {

  public static final String ALIAS_NAME = "live";
  public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

  private final Function function;
  private final Alias liveAlias;
  private final Role role;
  private final LogGroup logGroup;

  /**
   * What makes one function differ from another.
   *
   * @param code the deployment package (the shaded functions jar)
   * @param handler {@code fully.qualified.Class::method}
   * @param memoryMb 128 to 10240 MB
   * @param timeout 1 to 900 seconds
   * @param environment settings only: Lambda shows environment variables to anyone who may read the
   *     function's configuration, so a name that looks like a secret is refused, unless it ends in
   *     {@code _ID} or {@code _ARN}: then it names a secret the function reads
   * @param logRetention how long the function's log group keeps events
   * @param description shown in the Lambda console
   */
  public record Props(
      Code code,
      String handler,
      int memoryMb,
      Duration timeout,
      Map<String, String> environment,
      RetentionDays logRetention,
      String description) {

    private static final Pattern HANDLER =
        Pattern.compile("^[a-zA-Z_$][\\w$]*(\\.[a-zA-Z_$][\\w$]*)*::[a-zA-Z_$][\\w$]*$");
    private static final Pattern SECRET_LOOKING_NAME =
        Pattern.compile(
            "(?i).*(SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|CREDENTIAL|SIGNING_KEY).*");

    /** A variable that names a secret ({@code SLACK_SIGNING_SECRET_ID}) rather than holding it. */
    private static final Pattern REFERENCE_NAME = Pattern.compile(".*_(ID|ARN)$");

    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("^[a-zA-Z]\\w*$");

    public Props {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(logRetention, "logRetention");
      Objects.requireNonNull(description, "description");
      if (!HANDLER.matcher(handler).matches()) {
        throw new IllegalArgumentException(
            "handler must look like com.example.Handler::handleRequest, got '" + handler + "'");
      }
      if (memoryMb < 128 || memoryMb > 10_240) {
        throw new IllegalArgumentException("memoryMb must be within 128..10240, got " + memoryMb);
      }
      double seconds = timeout.toSeconds().doubleValue();
      if (seconds < 1 || seconds > 900) {
        throw new IllegalArgumentException(
            "timeout must be within 1..900 s, got " + seconds + " s");
      }
      for (String name : environment.keySet()) {
        if (!ENVIRONMENT_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "not a valid environment variable name: '" + name + "'");
        }
        if (SECRET_LOOKING_NAME.matcher(name).matches()
            && !REFERENCE_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "environment variable '"
                  + name
                  + "' looks like a secret; pass a Secrets Manager or SSM reference instead");
        }
      }
      environment = Map.copyOf(environment);
    }
  }

  public JavaFunction(final Construct scope, final String id, final Props props) {
    super(scope, id);

    this.logGroup =
        LogGroup.Builder.create(this, "LogGroup").retention(props.logRetention()).build();

    // Its own role instead of AWSLambdaBasicExecutionRole, which may create and write to any log
    // group.
    this.role =
        Role.Builder.create(this, "ServiceRole")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(props.description() + " (execution role)")
            .build();
    logGroup.grantWrite(role);

    Map<String, String> environment = new LinkedHashMap<>(props.environment());
    environment.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);

    this.function =
        Function.Builder.create(this, "Resource")
            .description(props.description())
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .code(props.code())
            .handler(props.handler())
            .memorySize(props.memoryMb())
            .timeout(props.timeout())
            .role(role)
            .environment(environment)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .logGroup(logGroup)
            .loggingFormat(LoggingFormat.JSON)
            .build();

    this.liveAlias =
        Alias.Builder.create(this, "LiveAlias")
            .aliasName(ALIAS_NAME)
            .version(function.getCurrentVersion())
            .build();

    new AcknowledgedFinding(
            "AwsSolutions-L1",
            "Java 21 is the release the whole reactor compiles for (maven.compiler.release); moving to"
                + " Java 25 is a deliberate upgrade of the build, the runtime and the JIT settings together.")
        .on(function.getNode().getDefaultChild());
  }

  /** The alias every caller invokes: SnapStart applies to published versions only. */
  public IFunction liveAlias() {
    return liveAlias;
  }

  public IFunction function() {
    return function;
  }

  /**
   * Adds a variable to the function's environment once the resource it names exists (a construct
   * made after this function).
   */
  public void addEnvironment(final String name, final String value) {
    function.addEnvironment(name, value);
  }

  public IRole role() {
    return role;
  }

  public IGrantable grantPrincipal() {
    return function;
  }

  public LogGroup logGroup() {
    return logGroup;
  }
}
