package io.stagecoach.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code AWS::Lambda::Function} of the template, by logical id, with its resolved
 * environment.
 */
public final class LocalFunctions {

  /**
   * Variables whose template value names an AWS endpoint the local cloud serves at its own address
   * (the REST API's URL): the local environment's value wins over the template's.
   */
  static final java.util.Set<String> SERVED_LOCALLY = java.util.Set.of("STAGECOACH_API_URL");

  private final Map<String, LocalFunction> byLogicalId = new LinkedHashMap<>();

  /**
   * @param localEnvironment what the local cloud adds to each function's own environment: region,
   *     local credentials and the endpoints of the local services.
   */
  public LocalFunctions(CloudTemplate template, Map<String, String> localEnvironment) {
    this(template, localEnvironment, Clock.systemUTC(), Map.of());
  }

  /**
   * @param clock the time every handler reads (the local cloud's own clock)
   * @param localConstructors how the local cloud builds a handler class itself, by class name, from
   *     the function's environment, where it wires a local adapter (the provisioner's local
   *     materializer) that the Lambda jar does not carry. Other handlers are built as Lambda builds
   *     them, with the clock when they take one.
   */
  public LocalFunctions(
      CloudTemplate template,
      Map<String, String> localEnvironment,
      Clock clock,
      Map<String, HandlerConstructor> localConstructors) {
    for (CloudTemplate.Resource fn : template.ofType("AWS::Lambda::Function")) {
      String handler = template.text(fn, "Handler", "");
      if (handler.isEmpty()) {
        throw new TemplateException("function " + fn.logicalId() + " has no Handler");
      }
      String runtime = template.text(fn, "Runtime", "");
      if (!runtime.startsWith("java")) {
        throw new TemplateException(
            "function "
                + fn.logicalId()
                + " runs "
                + (runtime.isEmpty() ? "a container image" : runtime)
                + "; the local cloud runs Java functions only");
      }
      Map<String, String> env = new LinkedHashMap<>(localEnvironment);
      JsonNode vars = template.property(fn, "Environment").path("Variables");
      vars.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
      for (String served : SERVED_LOCALLY) {
        if (localEnvironment.containsKey(served)) {
          env.put(served, localEnvironment.get(served));
        }
      }
      String name = template.functionName(fn);
      int memory = template.property(fn, "MemorySize").asInt(128);
      int timeout = template.property(fn, "Timeout").asInt(3);
      env.put("AWS_LAMBDA_FUNCTION_NAME", name);
      env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memory));
      env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
      byLogicalId.put(
          fn.logicalId(),
          new LocalFunction(
              fn.logicalId(),
              name,
              template.functionArn(fn.logicalId()),
              handler,
              Duration.ofSeconds(timeout),
              memory,
              env,
              clock,
              Optional.ofNullable(localConstructors.get(handlerClass(handler)))));
    }
  }

  private static String handlerClass(String handlerSpec) {
    int methodAt = handlerSpec.indexOf("::");
    return methodAt >= 0 ? handlerSpec.substring(0, methodAt) : handlerSpec;
  }

  /**
   * The function an ARN names ({@code arn:aws:lambda:region:account:function:NAME[:qualifier]}); a
   * version or alias qualifier is dropped, as the local cloud runs one copy of each function. A
   * bare function name is accepted too, as Lambda's own API accepts it.
   */
  public Optional<LocalFunction> byArn(String arnOrName) {
    String name = arnOrName;
    int at = arnOrName.indexOf(":function:");
    if (at >= 0) {
      name = arnOrName.substring(at + ":function:".length());
      int qualifier = name.indexOf(':');
      if (qualifier >= 0) {
        name = name.substring(0, qualifier);
      }
    }
    for (LocalFunction f : byLogicalId.values()) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  public Optional<LocalFunction> byLogicalId(String logicalId) {
    return Optional.ofNullable(byLogicalId.get(logicalId));
  }

  public Map<String, LocalFunction> all() {
    return byLogicalId;
  }
}
