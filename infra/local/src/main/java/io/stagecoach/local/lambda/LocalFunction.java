package io.stagecoach.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Log;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lambda function of the template, run in this JVM. The handler class is loaded from the
 * classpath by its {@code Handler}; input and output go through the same serialization the Lambda
 * Java runtime uses (aws-lambda-java-serialization), so a handler sees exactly the objects it would
 * see in Lambda. The function's timeout is enforced.
 */
public final class LocalFunction {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ExecutorService INVOKERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "stagecoach-lambda");
            t.setDaemon(true);
            return t;
          });

  private final String logicalId;
  private final String name;
  private final String arn;
  private final String handlerSpec;
  private final Duration timeout;
  private final int memoryMb;
  private final Map<String, String> environment;
  private final Clock clock;
  private final Optional<HandlerConstructor> localConstructor;
  private volatile Instance instance;

  private record Instance(
      Object handler, PojoSerializer<Object> input, PojoSerializer<Object> output) {}

  public LocalFunction(
      String logicalId,
      String name,
      String arn,
      String handlerSpec,
      Duration timeout,
      int memoryMb,
      Map<String, String> environment) {
    this(
        logicalId,
        name,
        arn,
        handlerSpec,
        timeout,
        memoryMb,
        environment,
        Clock.systemUTC(),
        Optional.empty());
  }

  /**
   * @param clock the time the handler reads: the local cloud's clock, which can be moved
   * @param localConstructor builds the handler from the function's environment instead of its own
   *     constructors, where the local cloud wires a local adapter into it
   */
  public LocalFunction(
      String logicalId,
      String name,
      String arn,
      String handlerSpec,
      Duration timeout,
      int memoryMb,
      Map<String, String> environment,
      Clock clock,
      Optional<HandlerConstructor> localConstructor) {
    this.clock = clock;
    this.localConstructor = localConstructor;
    this.logicalId = logicalId;
    this.name = name;
    this.arn = arn;
    this.handlerSpec = handlerSpec;
    this.timeout = timeout;
    this.memoryMb = memoryMb;
    this.environment = Map.copyOf(environment);
  }

  public String logicalId() {
    return logicalId;
  }

  public String name() {
    return name;
  }

  public String handlerSpec() {
    return handlerSpec;
  }

  public Map<String, String> environment() {
    return environment;
  }

  /** Loads and constructs the handler now (the function's init phase). */
  public void initialize() {
    instance();
  }

  private Instance instance() {
    Instance i = instance;
    if (i == null) {
      synchronized (this) {
        i = instance;
        if (i == null) {
          i = load();
          instance = i;
        }
      }
    }
    return i;
  }

  @SuppressWarnings("unchecked")
  private Instance load() {
    String className =
        handlerSpec.contains("::")
            ? handlerSpec.substring(0, handlerSpec.indexOf("::"))
            : handlerSpec;
    Class<?> type;
    try {
      type = Class.forName(className, true, LocalFunction.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "function " + logicalId + ": handler class " + className + " is not on the classpath", e);
    }
    Object handler = construct(type);
    if (handler instanceof RequestStreamHandler) {
      return new Instance(handler, null, null);
    }
    if (!(handler instanceof RequestHandler<?, ?>)) {
      throw new IllegalStateException(
          "function "
              + logicalId
              + ": "
              + className
              + " implements neither RequestHandler nor RequestStreamHandler");
    }
    Type[] io = requestHandlerTypes(type);
    return new Instance(
        handler,
        (PojoSerializer<Object>) serializerFor(io[0]),
        (PojoSerializer<Object>) serializerFor(io[1]));
  }

  /**
   * The handler built with the function's environment and the local cloud's clock when it has that
   * constructor ({@code (Map<String, String>, Clock)}), else with the environment alone, else with
   * no arguments. On Lambda the no-argument constructor runs, reading the process environment and
   * the system clock; here the handler reads the local cloud's clock, which can be moved.
   */
  private Object construct(Class<?> type) {
    if (localConstructor.isPresent()) {
      try {
        return localConstructor.get().construct(environment, clock);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "function " + logicalId + ": the handler's constructor failed: " + e, e);
      }
    }
    try {
      Optional<Constructor<?>> withClock = constructor(type, Map.class, Clock.class);
      if (withClock.isPresent()) {
        return withClock.get().newInstance(environment, clock);
      }
      Optional<Constructor<?>> withSettings = constructor(type, Map.class);
      if (withSettings.isPresent()) {
        return withSettings.get().newInstance(environment);
      }
      return type.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "function " + logicalId + ": the handler's constructor failed: " + e.getCause(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "function " + logicalId + ": cannot construct " + type.getName(), e);
    }
  }

  private static Optional<Constructor<?>> constructor(Class<?> type, Class<?>... parameters) {
    try {
      return Optional.of(type.getConstructor(parameters));
    } catch (NoSuchMethodException e) {
      return Optional.empty();
    }
  }

  private static Type[] requestHandlerTypes(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Type t : c.getGenericInterfaces()) {
        if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
          return p.getActualTypeArguments();
        }
      }
    }
    return new Type[] {Object.class, Object.class};
  }

  private static PojoSerializer<?> serializerFor(Type type) {
    if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
      return LambdaEventSerializers.serializerFor(c, LocalFunction.class.getClassLoader());
    }
    return JacksonFactory.getInstance().getSerializer(type);
  }

  /**
   * How long a function's init phase (loading and constructing the handler) may take before the
   * invocation's own timeout starts to count it, as Lambda gives init its own limit.
   *
   * @see <a
   *     href="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html">Lambda
   *     execution environment lifecycle: the init phase is limited to 10 seconds</a>
   */
  static final Duration INIT_LIMIT = Duration.ofSeconds(10);

  /** Invokes the function with a JSON payload, as Lambda's Invoke API does (RequestResponse). */
  public Invocation invoke(byte[] payload) {
    awaitInit();
    String requestId = UUID.randomUUID().toString();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Future<Invocation> run =
        INVOKERS.submit(
            () -> run(payload, new LocalContext(requestId, name, arn, memoryMb, deadline)));
    try {
      return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      String message =
          String.format(
              "%s Task timed out after %.2f seconds", requestId, timeout.toMillis() / 1000.0);
      return error("Sandbox.Timedout", message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.cancel(true);
      return error("Sandbox.Interrupted", "the invocation was interrupted");
    } catch (ExecutionException e) {
      return thrown(e.getCause());
    }
  }

  /**
   * Waits for the handler to be constructed, up to {@link #INIT_LIMIT}. Past it, or when
   * construction fails, the invocation goes on and reports what happens within its own timeout.
   */
  private void awaitInit() {
    if (instance != null) {
      return;
    }
    Future<Instance> init = INVOKERS.submit(this::instance);
    try {
      init.get(INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // The invocation waits for the same init (or tries it again) and answers for it.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("try") // the resource only scopes the request id
  private Invocation run(byte[] payload, LocalContext context) {
    // The Lambda runtime puts the request id into the thread context for each invocation; so does
    // the local cloud, so every line a handler logs carries it here too.
    try (var requestId = Log.invocation(context)) {
      return runWithRequestId(payload, context);
    }
  }

  private Invocation runWithRequestId(byte[] payload, LocalContext context) {
    Instance i;
    try {
      i = instance();
    } catch (RuntimeException e) {
      return thrown(e.getCause() != null ? e.getCause() : e);
    }
    try {
      if (i.handler() instanceof RequestStreamHandler stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stream.handleRequest(new ByteArrayInputStream(payload), out, context);
        return Invocation.success(out.toByteArray());
      }
      Object input;
      try {
        input = i.input().fromJson(new ByteArrayInputStream(payload));
      } catch (RuntimeException e) {
        return error("Runtime.UnmarshalError", "Unable to unmarshal input: " + e.getMessage());
      }
      @SuppressWarnings("unchecked")
      RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) i.handler();
      Object result = handler.handleRequest(input, context);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (result == null) {
        out.writeBytes("null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } else {
        i.output().toJson(result, out);
      }
      return Invocation.success(out.toByteArray());
    } catch (Throwable t) {
      return thrown(t);
    }
  }

  private static Invocation thrown(Throwable t) {
    ObjectNode payload = MAPPER.createObjectNode();
    payload.put("errorMessage", t.getMessage());
    payload.put("errorType", t.getClass().getName());
    ArrayNode trace = payload.putArray("stackTrace");
    for (StackTraceElement e : t.getStackTrace()) {
      trace.add(e.toString());
    }
    return Invocation.error(
        t.getClass().getName(),
        t.getMessage(),
        payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Invocation error(String type, String message) {
    ObjectNode payload = MAPPER.createObjectNode();
    payload.put("errorMessage", message);
    payload.put("errorType", type);
    return Invocation.error(
        type, message, payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
