package io.stagecoach.local;

import io.stagecoach.domain.access.IssuedToken;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.access.TokenSpec;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.deployment.DeploymentRecovery;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.api.ApiHandler;
import io.stagecoach.functions.provision.ProvisionerHandler;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.TokenSource;
import io.stagecoach.local.apigateway.LocalRestApi;
import io.stagecoach.local.apigateway.RestApiModel;
import io.stagecoach.local.clock.LocalClock;
import io.stagecoach.local.dynamodb.DynamoDbForwarder;
import io.stagecoach.local.dynamodb.LocalDynamoDbEngine;
import io.stagecoach.local.eventbridge.LocalEventBridge;
import io.stagecoach.local.faults.DynamoDbFaultProxy;
import io.stagecoach.local.faults.FaultInjector;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.faults.FaultyInvocations;
import io.stagecoach.local.http.LocalCredentials;
import io.stagecoach.local.http.LoopbackGuard;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.http.SigV4Verifier;
import io.stagecoach.local.http.WireServer;
import io.stagecoach.local.lambda.HandlerConstructor;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.lambda.LambdaInvokeApi;
import io.stagecoach.local.lambda.LocalFunction;
import io.stagecoach.local.lambda.LocalFunctions;
import io.stagecoach.local.provisioning.LocalProvisioner;
import io.stagecoach.local.provisioning.LocalTemplateFiles;
import io.stagecoach.local.secretsmanager.LocalSecretsManager;
import io.stagecoach.local.stepfunctions.DynamoDbExecutionStore;
import io.stagecoach.local.stepfunctions.Integrations;
import io.stagecoach.local.stepfunctions.StepFunctionsService;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The local cloud: the synthesized CDK app run in this JVM. DynamoDB Local holds the tables (on
 * disk under the data directory), the template's Java functions run in-process, and its REST API is
 * served on loopback as API Gateway would serve it.
 */
public final class LocalCloud implements AutoCloseable {

  private static final Log LOG = Log.of(LocalCloud.class);

  public static final String DEFAULT_TEMPLATE = "/stagecoach/cdk.out/Stagecoach.template.json";
  static final String ADMIN_PRINCIPAL = "local-admin";

  /** Resource types that the template may contain and the local cloud has no engine for (yet). */
  private static final Set<String> RUN =
      Set.of(
          "AWS::DynamoDB::Table",
          "AWS::Lambda::Function",
          "AWS::ApiGateway::RestApi",
          "AWS::ApiGateway::Resource",
          "AWS::ApiGateway::Method",
          "AWS::ApiGateway::Authorizer",
          "AWS::ApiGateway::GatewayResponse",
          "AWS::ApiGateway::Stage",
          "AWS::Events::EventBus",
          "AWS::Events::Rule",
          "AWS::StepFunctions::StateMachine",
          "AWS::SecretsManager::Secret");

  /** Where the local cloud's own operations are served (outside the template's API). */
  static final String ADMIN_PREFIX = "/_stagecoach/";

  /** In the data directory while the local cloud runs: its address, for the CLI run beside it. */
  public static final String ENDPOINT_FILE = "endpoint";

  /**
   * @param duplicateDelivery test setting: EventBridge delivers every event twice, in random order,
   *     as it may on AWS
   * @param functionEnvironment added to every function's environment, e.g. {@code SLACK_API_URL}
   *     pointing at a test's receiver; the template's own variables still win
   * @param awsAuth whether the AWS protocols (EventBridge, Step Functions, Lambda, Secrets Manager)
   *     refuse requests that are not signed with the local credentials (on by default)
   * @param handlerConstructors test setting: how to build these handler classes (by class name)
   *     from their function's environment and the local cloud's clock instead, e.g. one whose
   *     registry misbehaves as AWS can
   * @param faults when present, fault injection is on, starting with this plan (off by default)
   * @param requestLog whether every call to the REST API is logged (method, path without query,
   *     status, time, principal); off by default, on in {@code serve} unless {@code --quiet}
   * @param clockOffset when present, the local cloud's clock starts this far ahead of the wall
   *     clock ({@code serve --clock-offset}); refused if that is less than the offset kept in the
   *     data directory, since the clock never moves back. Absent, the kept offset stands.
   */
  public record Options(
      Path dataDir,
      int port,
      Optional<Path> template,
      String region,
      boolean duplicateDelivery,
      Map<String, String> functionEnvironment,
      boolean awsAuth,
      Map<String, HandlerConstructor> handlerConstructors,
      Optional<FaultPlan> faults,
      boolean requestLog,
      Optional<Duration> clockOffset) {

    public Options {
      functionEnvironment = Map.copyOf(functionEnvironment);
      handlerConstructors = Map.copyOf(handlerConstructors);
    }

    public Options(
        Path dataDir, int port, Optional<Path> template, String region, boolean duplicateDelivery) {
      this(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          Map.of(),
          true,
          Map.of(),
          Optional.empty(),
          false,
          Optional.empty());
    }

    public static Options defaults(Path dataDir) {
      return new Options(dataDir, 4566, Optional.empty(), "us-east-1", false);
    }

    public Options withPort(int port) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          functionEnvironment,
          awsAuth,
          handlerConstructors,
          faults,
          requestLog,
          clockOffset);
    }

    public Options withDuplicateDelivery(boolean on) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          on,
          functionEnvironment,
          awsAuth,
          handlerConstructors,
          faults,
          requestLog,
          clockOffset);
    }

    public Options withFunctionEnvironment(Map<String, String> variables) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          variables,
          awsAuth,
          handlerConstructors,
          faults,
          requestLog,
          clockOffset);
    }

    /**
     * With {@code false}, the AWS protocols take unsigned requests, as emulators do: anyone on the
     * machine may then read the local secrets and invoke functions. Off only when asked for.
     */
    public Options withAwsAuth(boolean on) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          functionEnvironment,
          on,
          handlerConstructors,
          faults,
          requestLog,
          clockOffset);
    }

    public Options withHandlerConstructor(String handlerClass, HandlerConstructor constructor) {
      Map<String, HandlerConstructor> all = new LinkedHashMap<>(handlerConstructors);
      all.put(handlerClass, constructor);
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          functionEnvironment,
          awsAuth,
          all,
          faults,
          requestLog,
          clockOffset);
    }

    /**
     * Turns fault injection on, starting with {@code plan} (which may be no faults at all): the
     * functions' DynamoDB calls go through a proxy that can throttle and slow them, invocations by
     * EventBridge and Step Functions can fail or time out, deliveries can be duplicated and
     * delayed. The plan can be changed while it runs ({@code PUT /_stagecoach/faults}).
     */
    public Options withFaults(FaultPlan plan) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          functionEnvironment,
          awsAuth,
          handlerConstructors,
          Optional.of(plan),
          requestLog,
          clockOffset);
    }

    /**
     * With {@code true}, every call to the REST API makes one log line: method, path (never the
     * query string), status, milliseconds and the principal the authorizer named, if any.
     */
    public Options withRequestLog(boolean on) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          functionEnvironment,
          awsAuth,
          handlerConstructors,
          faults,
          on,
          clockOffset);
    }

    /** Starts the local cloud's clock {@code offset} ahead of the wall clock. */
    public Options withClockOffset(Duration offset) {
      return new Options(
          dataDir,
          port,
          template,
          region,
          duplicateDelivery,
          functionEnvironment,
          awsAuth,
          handlerConstructors,
          faults,
          requestLog,
          Optional.of(offset));
    }
  }

  private final LocalClock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final LocalDynamoDbEngine dynamo;
  private final WireServer http;
  private final LocalFunctions functions;
  private final LocalRestApi api;
  private final LocalEventBridge eventBridge;
  private final StepFunctionsService stepFunctions;
  private final String adminToken;
  private final boolean adminTokenCreated;
  private final Path adminTokenFile;
  private final Duration startup;
  private final Map<String, Integer> notRun;
  private final List<String> tables;
  private final List<String> stateMachines;
  private final int resumedExecutions;
  private final LocalCredentials.Loaded awsCredentials;
  private final Path awsCredentialsFile;
  private final boolean awsAuth;
  private final String region;
  private final DeploymentRecovery.Resent recoveredDeployments;
  private final Optional<FaultInjector> faults;
  private final DynamoDbFaultProxy faultProxy;

  /** The local Step Functions' own table in DynamoDB Local (not part of the template). */
  static final String EXECUTIONS_TABLE = "stagecoach-local-executions";

  private LocalCloud(
      LocalClock clock,
      FileChannel lockChannel,
      FileLock lock,
      LocalDynamoDbEngine dynamo,
      WireServer http,
      LocalFunctions functions,
      LocalRestApi api,
      LocalEventBridge eventBridge,
      StepFunctionsService stepFunctions,
      String adminToken,
      boolean adminTokenCreated,
      Path adminTokenFile,
      Duration startup,
      Map<String, Integer> notRun,
      List<String> tables,
      List<String> stateMachines,
      int resumedExecutions,
      LocalCredentials.Loaded awsCredentials,
      Path awsCredentialsFile,
      boolean awsAuth,
      String region,
      DeploymentRecovery.Resent recoveredDeployments,
      Optional<FaultInjector> faults,
      DynamoDbFaultProxy faultProxy) {
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.dynamo = dynamo;
    this.http = http;
    this.functions = functions;
    this.api = api;
    this.eventBridge = eventBridge;
    this.stepFunctions = stepFunctions;
    this.adminToken = adminToken;
    this.adminTokenCreated = adminTokenCreated;
    this.adminTokenFile = adminTokenFile;
    this.startup = startup;
    this.notRun = notRun;
    this.tables = tables;
    this.stateMachines = stateMachines;
    this.resumedExecutions = resumedExecutions;
    this.awsCredentials = awsCredentials;
    this.awsCredentialsFile = awsCredentialsFile;
    this.awsAuth = awsAuth;
    this.region = region;
    this.recoveredDeployments = recoveredDeployments;
    this.faults = faults;
    this.faultProxy = faultProxy;
  }

  public static LocalCloud start(Options options) throws Exception {
    long t0 = System.nanoTime();
    // The loggers' configuration runs on a thread of its own, beside DynamoDB Local's start below.
    Log.configureAside();
    Path dir = options.dataDir().toAbsolutePath();
    boolean dirCreated = !Files.isDirectory(dir);
    Files.createDirectories(dir);
    Path lockFile = dir.resolve("lock");
    FileChannel lockChannel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IllegalStateException(
          "another 'stagecoach serve' is using " + dir + "; stop it or pass --dir");
    }
    // DynamoDB Local opening its database on disk is the slowest step of a start: it runs on its
    // own thread while this one reads the template and binds the port.
    CompletableFuture<LocalDynamoDbEngine> dynamoStarting =
        inBackground(
            "stagecoach-start-dynamodb",
            () -> LocalDynamoDbEngine.start(dir.resolve("dynamodb"), options.region()));
    LocalDynamoDbEngine dynamo = null;
    WireServer http = null;
    DynamoDbFaultProxy faultProxy = null;
    Optional<FaultInjector> injector = Optional.empty();
    LocalEventBridge eventBridge = null;
    StepFunctionsService stepFunctions = null;
    try {
      // One clock for everything in this local cloud that reads time; kept in the data directory.
      LocalClock clock = LocalClock.open(dir.resolve(LocalClock.FILE_NAME), Clock.systemUTC());
      // Refused (LocalClock.Refused) if that would move it back.
      options.clockOffset().ifPresent(clock::startAhead);
      // From here no other process works on this data: every lease taken before now is a dead
      // run's.
      Instant startedAt = clock.instant();
      CloudTemplate template = readTemplate(options);
      List<CloudTemplate.Resource> restApis = template.ofType("AWS::ApiGateway::RestApi");
      if (restApis.isEmpty()) {
        throw new TemplateException("the template defines no AWS::ApiGateway::RestApi to serve");
      }
      // Listen first: the functions' environment names the local cloud's own endpoint, which needs
      // the port.
      AtomicReference<Function<RawRequest, RawResponse>> router =
          new AtomicReference<>(
              req ->
                  RawResponse.text(
                      503, "application/json", "{\"message\":\"the local cloud is starting\"}"));
      // Known once the server is bound; the guard reads it at each request.
      AtomicInteger boundPort = new AtomicInteger(options.port());
      LoopbackGuard guard = new LoopbackGuard(boundPort::get);
      try {
        http =
            new WireServer(
                options.port(),
                req -> {
                  Optional<RawResponse> refused = guard.refusal(req);
                  if (refused.isPresent()) {
                    return refused.get();
                  }
                  try {
                    return router.get().apply(req);
                  } catch (RuntimeException e) {
                    LOG.error(
                        e,
                        "request failed inside the local cloud",
                        "method",
                        req.method(),
                        "path",
                        req.path());
                    return RawResponse.text(
                        500, "application/json", "{\"message\": \"Internal server error\"}");
                  }
                });
      } catch (BindException e) {
        throw new IllegalStateException(
            "port " + options.port() + " on 127.0.0.1 is in use; pass --port to choose another", e);
      }
      boundPort.set(http.port());
      String self = "http://127.0.0.1:" + http.port();

      dynamo = joined(dynamoStarting);
      // The template's tables and the executions' tables are made (or found) on two threads while
      // this one builds the functions, the REST API and the event bus, which need no table yet.
      LocalDynamoDbEngine engine = dynamo;
      CompletableFuture<List<String>> tablesMade =
          inBackground("stagecoach-start-tables", () -> engine.createTables(template));
      CompletableFuture<DynamoDbExecutionStore> executionStore =
          inBackground(
              "stagecoach-start-executions",
              () -> new DynamoDbExecutionStore(engine.client(), EXECUTIONS_TABLE));

      Map<String, String> localEnv = new LinkedHashMap<>();
      localEnv.put("AWS_REGION", options.region());
      localEnv.put("AWS_DEFAULT_REGION", options.region());
      // The functions sign their calls to the local cloud with its own key, as they would with
      // their
      // role's credentials on AWS.
      Path credentialsFile = dir.resolve(LocalCredentials.FILE_NAME);
      LocalCredentials.Loaded credentials = LocalCredentials.loadOrCreate(credentialsFile);
      localEnv.put("AWS_ACCESS_KEY_ID", credentials.credentials().accessKeyId());
      localEnv.put("AWS_SECRET_ACCESS_KEY", credentials.credentials().secretAccessKey());
      // The SDK's own variables: every service at the local cloud, DynamoDB at DynamoDB Local.
      localEnv.put("AWS_ENDPOINT_URL", self);
      // The REST API is served here, not at API Gateway's URL the template names.
      localEnv.put("STAGECOACH_API_URL", self + "/");
      // With fault injection on, the functions reach DynamoDB Local through a proxy that can
      // throttle and slow their calls; the local cloud's own client goes straight to it.
      injector = options.faults().map(plan -> new FaultInjector(plan, System.nanoTime()));
      if (injector.isPresent()) {
        faultProxy = new DynamoDbFaultProxy(dynamo.endpoint(), injector.get());
      }
      localEnv.put(
          "AWS_ENDPOINT_URL_DYNAMODB",
          (faultProxy != null ? faultProxy.endpoint() : dynamo.endpoint()).toString());
      localEnv.putAll(options.functionEnvironment());
      // Provisioners make environments on the local engines instead of through CloudFormation.
      Map<String, HandlerConstructor> constructors = new LinkedHashMap<>();
      constructors.put(
          ProvisionerHandler.class.getName(),
          (env, fnClock) ->
              new ProvisionerHandler(
                  env,
                  fnClock,
                  // Secrets are described through the local cloud's Secrets Manager, over its
                  // wire protocol, as the AWS provisioner describes them.
                  (settings, provisionerClock, timeLeft) ->
                      new LocalProvisioner(settings.dynamoDb(), settings.secretsManager())));
      // The API reads templates named by s3:// URLs from the local cloud's own folder.
      Path templateFiles = dir.resolve("s3");
      constructors.put(
          ApiHandler.class.getName(),
          (env, fnClock) ->
              new ApiHandler(env, fnClock, settings -> new LocalTemplateFiles(templateFiles)));
      constructors.putAll(options.handlerConstructors());
      LocalFunctions functions = new LocalFunctions(template, localEnv, clock, constructors);
      RestApiModel model = new RestApiModel(template, restApis.get(0).logicalId());
      LocalRestApi api = new LocalRestApi(model, functions, clock, CloudTemplate.LOCAL_ACCOUNT);
      Optional<FaultInjector> faulty = injector;
      BiFunction<LocalFunction, byte[], Invocation> invoke =
          faulty.isPresent()
              ? (fn, payload) -> FaultyInvocations.invoke(faulty.get(), fn, payload)
              : LocalFunction::invoke;
      CloudTargets targets = new CloudTargets(functions, invoke);
      eventBridge =
          new LocalEventBridge(
              template,
              targets,
              clock,
              LocalEventBridge.Options.defaults()
                  .withDeadLetterFile(dir.resolve("eventbridge-dead-letters.jsonl"))
                  .withJournalFile(dir.resolve("eventbridge-journal.jsonl"))
                  .withDuplicateAndShuffle(options.duplicateDelivery()));
      LocalEventBridge events = eventBridge;
      List<String> tables = joined(tablesMade);
      // Executions live in DynamoDB Local beside the data, so a restarted serve carries on with
      // them.
      stepFunctions =
          new StepFunctionsService(
              Integrations.local(
                  functions,
                  invoke,
                  entries -> StateMachines.putEvents(events, entries),
                  dynamo.client()),
              clock,
              options.region(),
              CloudTemplate.LOCAL_ACCOUNT,
              joined(executionStore));
      int resumed = stepFunctions.resumeRunning();
      List<String> machines = StateMachines.create(template, stepFunctions);
      StepFunctionsService sfn = stepFunctions;
      targets.startExecutionsWith((arn, input) -> sfn.startExecution(arn, null, input));

      Path tokenFile = dir.resolve("admin-token");
      String registryTable = registryTable(functions);
      RegistryService registry =
          new RegistryService(new DynamoDbRegistry(dynamo.client(), registryTable));
      Optional<String> existing =
          readToken(tokenFile).filter(t -> registry.authenticate(t, clock.instant()).isPresent());
      String token = existing.orElseGet(() -> issueAdminToken(registry, tokenFile, clock));

      LocalEventBridge bus = eventBridge;
      // Secrets the template declares are set by the operator (admin route) into owner-only files.
      LocalSecretsManager secrets =
          new LocalSecretsManager(
              dir.resolve("secrets"),
              secretNames(template),
              options.region(),
              CloudTemplate.LOCAL_ACCOUNT,
              clock);
      AdminRoutes admin = new AdminRoutes(registry, bus, secrets, injector, clock);
      LambdaInvokeApi lambda = new LambdaInvokeApi(functions);
      DynamoDbForwarder dynamoDbProtocol = new DynamoDbForwarder(dynamo.endpoint());
      AwsProtocols aws =
          new AwsProtocols(
              options.awsAuth()
                  // The SDKs sign with the machine's time, whatever the local cloud's clock reads.
                  ? Optional.of(
                      new SigV4Verifier(
                          credentials.credentials(), options.region(), Clock.systemUTC()))
                  : Optional.empty());
      router.set(
          req -> {
            String target = ProxyTargets.amzTarget(req);
            if (target != null && target.startsWith("AWSEvents.")) {
              return aws.serve(req, AwsProtocols.EVENTS, bus::handle);
            }
            if (target != null && target.startsWith("AWSStepFunctions.")) {
              return aws.serve(req, AwsProtocols.STATES, sfn::handle);
            }
            if (LocalSecretsManager.handles(target)) {
              return aws.serve(req, AwsProtocols.SECRETS_MANAGER, secrets::handle);
            }
            if (LambdaInvokeApi.handles(req)) {
              return aws.serve(req, AwsProtocols.LAMBDA, lambda::handle);
            }
            if (DynamoDbForwarder.handles(target)) {
              return aws.serve(req, AwsProtocols.DYNAMODB, dynamoDbProtocol::forward);
            }
            if (req.target().startsWith(ADMIN_PREFIX)) {
              return admin.handle(req);
            }
            if (!options.requestLog()) {
              return api.handle(req);
            }
            long begun = System.nanoTime();
            LocalRestApi.Answer answer = api.answer(req);
            // Path without the query, and never a header: no token reaches the log.
            LOG.info(
                "api request",
                "method",
                req.method(),
                "path",
                req.path(),
                "status",
                Integer.toString(answer.response().status()),
                "ms",
                Long.toString((System.nanoTime() - begun) / 1_000_000),
                "principal",
                answer.principal());
            return answer.response();
          });
      DeploymentRecovery.Resent recovered =
          recoverDeployments(functions, dynamo, registryTable, bus, startedAt);
      injector.ifPresent(eventBridge::injectFaults);
      clock.onMove(bus::clockMoved);
      eventBridge.start();

      // Load the handlers in the background, as Lambda's init phase would, so the first request is
      // quick: the REST API's functions (its authorizer and the API function) first, the others
      // (events, the workflow, schedules) once those are loaded, so that on two cores they do not
      // compete with the first request. Platform threads, not virtual ones: init is class loading
      // and class initialization, which pins a virtual thread to its carrier, and on a two-core
      // machine a few pinned inits waiting on each other's classes starve every other virtual
      // thread for seconds.
      java.util.Set<String> apiFunctions = model.functionLogicalIds();
      List<LocalFunction> first = new ArrayList<>();
      List<LocalFunction> later = new ArrayList<>();
      for (LocalFunction fn : functions.all().values()) {
        (apiFunctions.contains(fn.logicalId()) ? first : later).add(fn);
      }
      Thread.ofPlatform()
          .daemon()
          .name("stagecoach-init")
          .start(
              () -> {
                initialize(first);
                initialize(later);
              });
      Map<String, Integer> notRun = new TreeMap<>();
      template.resources().values().stream()
          .filter(r -> !RUN.contains(r.type()))
          .forEach(r -> notRun.merge(r.type(), 1, Integer::sum));
      eventBridge
          .unsupportedTargets()
          .forEach(t -> notRun.merge("rule target " + t, 1, Integer::sum));
      // Last, once it answers: the CLI run in this directory finds the local cloud by this file.
      writeEndpoint(dir.resolve(ENDPOINT_FILE), self);
      return new LocalCloud(
          clock,
          lockChannel,
          lock,
          dynamo,
          http,
          functions,
          api,
          eventBridge,
          stepFunctions,
          token,
          existing.isEmpty(),
          tokenFile,
          Duration.ofNanos(System.nanoTime() - t0),
          notRun,
          tables,
          machines,
          resumed,
          credentials,
          credentialsFile,
          options.awsAuth(),
          options.region(),
          recovered,
          injector,
          faultProxy);
    } catch (Exception | Error e) {
      // Undo what was started, newest first; a failure here must not hide why start failed.
      List<AutoCloseable> started = new ArrayList<>();
      started.add(http);
      started.add(faultProxy);
      started.add(stepFunctions);
      started.add(eventBridge);
      started.add(dynamo);
      if (dynamo == null) {
        // Started in the background but not yet taken: waited for, then stopped.
        started.add(
            () -> {
              LocalDynamoDbEngine late = dynamoStarting.handle((engine, failure) -> engine).join();
              if (late != null) {
                late.close();
              }
            });
      }
      // A failed start leaves the directory as it found it: no lock file, and no directory when
      // this start made it (all it holds then, the clock and the database begun beside the port's
      // bind, is this start's own).
      started.add(() -> Files.deleteIfExists(lockFile));
      started.add(lock::release);
      started.add(lockChannel);
      if (dirCreated) {
        started.add(() -> deleteMadeByThisStart(dir));
      }
      for (AutoCloseable step : started) {
        if (step == null) {
          continue;
        }
        try {
          step.close();
        } catch (Exception cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  /** Work of a start that runs beside the rest of it, on a platform thread of its own. */
  private static <T> CompletableFuture<T> inBackground(String name, Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              try {
                result.complete(work.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }

  /** The background work's result, or what it threw, as it threw it. */
  private static <T> T joined(CompletableFuture<T> work) throws Exception {
    try {
      return work.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** Written whole then moved in place, so a CLI reading it never sees half an address. */
  private static void writeEndpoint(Path file, String endpoint) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, endpoint + "\n");
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The directory a failed start made, with what it wrote there, deepest first. */
  private static void deleteMadeByThisStart(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static CloudTemplate readTemplate(Options options) throws IOException {
    if (options.template().isPresent()) {
      Path file = options.template().get();
      if (!Files.isRegularFile(file)) {
        throw new TemplateException("template " + file + " does not exist");
      }
      try (InputStream in = Files.newInputStream(file)) {
        String name = file.getFileName().toString().replace(".template.json", "");
        return CloudTemplate.read(in, name, options.region());
      }
    }
    try (InputStream in = LocalCloud.class.getResourceAsStream(DEFAULT_TEMPLATE)) {
      if (in == null) {
        throw new TemplateException(
            "the synthesized template is not packaged; build with 'mvn package' first");
      }
      return CloudTemplate.read(in, "Stagecoach", options.region());
    }
  }

  /**
   * Resumes the deployments the last run left unfinished, without waiting for the sweeper's grace:
   * every provisioner runs in this process and the data directory is this process's alone (the
   * lock), so a lease taken before this start is held by a run that died with the last process.
   */
  private static DeploymentRecovery.Resent recoverDeployments(
      LocalFunctions functions,
      LocalDynamoDbEngine dynamo,
      String registryTable,
      LocalEventBridge bus,
      Instant startedAt) {
    Optional<String> busName = functionSetting(functions, "EVENT_BUS_NAME");
    if (busName.isEmpty()) {
      // No function of the template publishes, so none provisions either.
      return new DeploymentRecovery.Resent(List.of(), List.of());
    }
    DeploymentRecovery.Resent resent =
        new DeploymentRecovery(
                new DynamoDbDeployments(dynamo.client(), registryTable),
                new LocalBusPublisher(bus, busName.get()))
            .afterRestart(startedAt);
    if (!resent.deployments().isEmpty()) {
      LOG.info(
          "sent the deployments the last run left unfinished again",
          "deployments",
          String.join(",", resent.deployments()),
          "leasesReclaimed",
          String.join(",", resent.leasesReclaimed()));
    }
    return resent;
  }

  private static Set<String> secretNames(CloudTemplate template) {
    Set<String> names = new java.util.TreeSet<>();
    template
        .ofType("AWS::SecretsManager::Secret")
        .forEach(r -> names.add(template.text(r, "Name", r.logicalId())));
    return names;
  }

  private static String registryTable(LocalFunctions functions) {
    return functionSetting(functions, "REGISTRY_TABLE")
        .orElseThrow(
            () -> new TemplateException("no function of the template names a REGISTRY_TABLE"));
  }

  /** A setting the template gives its functions, from the first function that has it. */
  private static Optional<String> functionSetting(LocalFunctions functions, String name) {
    return functions.all().values().stream()
        .map(f -> f.environment().get(name))
        .filter(t -> t != null && !t.isBlank())
        .findFirst();
  }

  private static Optional<String> readToken(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file).trim()).filter(s -> !s.isEmpty())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String issueAdminToken(RegistryService registry, Path file, Clock clock) {
    TokenSource tokens = new TokenSource();
    String secret = tokens.newSecret();
    Outcome<IssuedToken> issued =
        registry.issueToken(
            new Principal(ADMIN_PRINCIPAL, Set.of(Role.ADMIN)),
            new TokenSpec(
                ADMIN_PRINCIPAL,
                List.of("admin"),
                Optional.of("created by stagecoach serve"),
                Optional.empty()),
            tokens.newId(),
            secret,
            clock.instant());
    if (issued instanceof Outcome.Rejected<IssuedToken> r) {
      throw new IllegalStateException(
          "could not create the admin token: " + r.rejection().detail());
    }
    LocalCredentials.writeOwnerOnly(file, secret + "\n");
    return secret;
  }

  public int port() {
    return http.port();
  }

  /** The local cloud's clock, which everything in it reads and which can be moved forward. */
  public LocalClock clock() {
    return clock;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + http.port());
  }

  /** The web console, served by the API function on the API's own origin. */
  public URI consoleUrl() {
    return endpoint().resolve("/console/");
  }

  public String adminToken() {
    return adminToken;
  }

  /** The key the AWS protocols accept, and whether this start made it. */
  public LocalCredentials awsCredentials() {
    return awsCredentials.credentials();
  }

  public boolean awsCredentialsCreated() {
    return awsCredentials.created();
  }

  /** The fault injector, when the local cloud was started with fault injection on. */
  public Optional<FaultInjector> faults() {
    return faults;
  }

  public boolean adminTokenCreated() {
    return adminTokenCreated;
  }

  public Path adminTokenFile() {
    return adminTokenFile;
  }

  public LocalDynamoDbEngine dynamo() {
    return dynamo;
  }

  public LocalFunctions functions() {
    return functions;
  }

  public LocalRestApi api() {
    return api;
  }

  public LocalEventBridge eventBridge() {
    return eventBridge;
  }

  public StepFunctionsService stepFunctions() {
    return stepFunctions;
  }

  public List<String> stateMachines() {
    return stateMachines;
  }

  public int resumedExecutions() {
    return resumedExecutions;
  }

  /** The unfinished deployments this start sent again (and whose leases it took back). */
  public DeploymentRecovery.Resent recoveredDeployments() {
    return recoveredDeployments;
  }

  /** Initializes {@code fns}, each on a platform thread of its own, and waits for them all. */
  private static void initialize(List<LocalFunction> fns) {
    List<Thread> threads = new ArrayList<>();
    for (LocalFunction fn : fns) {
      threads.add(
          Thread.ofPlatform()
              .daemon()
              .name("stagecoach-init-" + fn.logicalId())
              .start(
                  () -> {
                    try {
                      fn.initialize();
                    } catch (RuntimeException e) {
                      LOG.error(e, "function failed to initialize", "function", fn.logicalId());
                    }
                  }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public Duration startup() {
    return startup;
  }

  public Map<String, Integer> notRun() {
    return notRun;
  }

  public List<String> tables() {
    return tables;
  }

  /** The start-up report printed by {@code stagecoach serve}. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("Stagecoach local cloud\n");
    out.append("  API        ")
        .append(endpoint())
        .append("   (stage '")
        .append(api.model().stageName())
        .append("' also at ")
        .append(endpoint())
        .append('/')
        .append(api.model().stageName())
        .append("/...)\n");
    out.append("  console    ").append(consoleUrl()).append('\n');
    out.append("  DynamoDB   ")
        .append(endpoint())
        .append(" (signed, as the other AWS protocols)   tables: ")
        .append(String.join(", ", tables))
        .append('\n');
    out.append("  events     buses: ")
        .append(String.join(", ", eventBridge.busNames()))
        .append("; rules: ")
        .append(
            eventBridge.ruleNames().isEmpty() ? "none" : String.join(", ", eventBridge.ruleNames()))
        .append("   (fire one: POST ")
        .append(endpoint())
        .append(ADMIN_PREFIX)
        .append("rules/{name}/fire)\n");
    out.append("  states     ")
        .append(stateMachines.isEmpty() ? "none" : String.join(", ", stateMachines))
        .append(
            resumedExecutions > 0
                ? "   (" + resumedExecutions + " running executions resumed)"
                : "")
        .append('\n');
    if (!clock.offset().isZero()) {
      out.append("  clock      ")
          .append(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
          .append(", ")
          .append(LocalClock.describe(clock.offset()))
          .append(" ahead of this machine's   (move on: stagecoach clock advance 1h)\n");
    }
    if (!recoveredDeployments.deployments().isEmpty()) {
      int resent = recoveredDeployments.deployments().size();
      out.append("  recovered  ")
          .append(resent)
          .append(resent == 1 ? " unfinished deployment" : " unfinished deployments")
          .append(" sent again, ")
          .append(recoveredDeployments.leasesReclaimed().size())
          .append(" resumed where the stopped run left it\n");
    }
    List<String> fns = new ArrayList<>();
    functions.all().values().forEach(f -> fns.add(f.logicalId() + " (" + f.handlerSpec() + ")"));
    out.append("  functions  ").append(String.join("\n             ", fns)).append('\n');
    if (!notRun.isEmpty()) {
      List<String> skipped = new ArrayList<>();
      notRun.forEach((type, count) -> skipped.add(type + " x" + count));
      out.append("  not run    ").append(String.join(", ", skipped)).append('\n');
    }
    if (adminTokenCreated) {
      out.append("  admin token (created now, kept in ")
          .append(adminTokenFile)
          .append("):\n    ")
          .append(adminToken)
          .append('\n');
    } else {
      out.append("  admin token in ").append(adminTokenFile).append('\n');
    }
    faults.ifPresent(
        f ->
            out.append("  faults     ")
                .append(f.plan().faults().isEmpty() ? "none yet" : f.plan().toString())
                .append("   (change: PUT ")
                .append(endpoint())
                .append(ADMIN_PREFIX)
                .append("faults)\n"));
    if (!awsAuth) {
      out.append(
          "  WARNING    --no-auth: the AWS protocols take unsigned requests; anyone on this"
              + " machine\n             can read the local secrets and invoke the functions\n");
    } else if (awsCredentials.created()) {
      // The secret itself stays in the owner-only file: these lines copy it into a profile.
      out.append("  AWS key ")
          .append(awsCredentials.credentials().accessKeyId())
          .append(" (created now, kept in ")
          .append(awsCredentialsFile)
          .append("); for the AWS CLI:\n")
          .append(awsProfileLines());
    } else {
      out.append("  AWS key ")
          .append(awsCredentials.credentials().accessKeyId())
          .append(" in ")
          .append(awsCredentialsFile)
          .append(" (profile ")
          .append(LocalCredentials.PROFILE)
          .append(")\n");
    }
    out.append(String.format("Ready in %.2f s%n", startup.toNanos() / 1e9));
    return out.toString();
  }

  private String awsProfileLines() {
    String p = LocalCredentials.PROFILE;
    String file = awsCredentialsFile.toString();
    return "    aws configure set aws_access_key_id "
        + awsCredentials.credentials().accessKeyId()
        + " --profile "
        + p
        + "\n    aws configure set aws_secret_access_key \"$(sed -n 's/^aws_secret_access_key = //p' "
        + file
        + ")\" --profile "
        + p
        + "\n    aws configure set region "
        + region
        + " --profile "
        + p
        + "\n";
  }

  /**
   * Stops taking requests, then stops the state machines before the bus they publish to (an
   * execution must not fail because the bus went first), then the store, then releases the data
   * directory. Each step runs even if an earlier one failed; the first failure is thrown with the
   * others suppressed.
   */
  @Override
  public void close() throws IOException {
    Path endpointFile = adminTokenFile.resolveSibling(ENDPOINT_FILE);
    Path lockFile = adminTokenFile.resolveSibling("lock");
    // The endpoint goes first, so no CLI is sent to a port that is closing; the lock file goes
    // while the lock is still held, so no other start can have taken it meanwhile.
    List<AutoCloseable> steps =
        new ArrayList<AutoCloseable>(
            List.of(
                () -> Files.deleteIfExists(endpointFile),
                http,
                stepFunctions,
                eventBridge,
                dynamo,
                () -> Files.deleteIfExists(lockFile),
                lock::release,
                lockChannel));
    if (faultProxy != null) {
      steps.add(2, faultProxy);
    }
    Exception first = null;
    for (AutoCloseable step : steps) {
      try {
        step.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first instanceof IOException io) {
      throw io;
    }
    if (first instanceof RuntimeException rt) {
      throw rt;
    }
    if (first != null) {
      throw new IOException("the local cloud did not stop cleanly", first);
    }
  }
}
