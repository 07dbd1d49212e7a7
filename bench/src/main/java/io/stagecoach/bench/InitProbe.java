package io.stagecoach.bench;

import io.stagecoach.functions.support.Priming;
import io.stagecoach.functions.support.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One function's init in this (fresh) JVM, for {@link InitBench}: {@code handler <class>
 * <endpoint>} constructs the handler as Lambda's init would (its constructor: class loading,
 * settings, SDK clients); {@code clients <names> <endpoint>} builds the same SDK clients and
 * nothing else; {@code clients-and-logger <names> <endpoint>} builds them and configures the
 * functions' logger (Log4j2), as every handler does. Prints {@code init-probe <ms> <clients built>}
 * on a line of its own.
 *
 * <p>The clients a handler built are read from its priming (Lambda's SnapStart initialization is
 * declared, so every client built from its settings is listed); nothing is primed or sent: the
 * endpoint is closed, and no constructor calls AWS.
 */
public final class InitProbe {

  private InitProbe() {}

  static Map<String, String> environment(String endpoint) {
    return Map.ofEntries(
        Map.entry("AWS_REGION", "us-east-1"),
        Map.entry("AWS_ACCESS_KEY_ID", "AKIDBENCH"),
        Map.entry("AWS_SECRET_ACCESS_KEY", "bench"),
        Map.entry("AWS_ENDPOINT_URL", endpoint),
        Map.entry("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"),
        Map.entry("REGISTRY_TABLE", "registry"),
        Map.entry("EVENT_BUS_NAME", "stagecoach"),
        Map.entry(
            "PROMOTION_STATE_MACHINE",
            "arn:aws:states:us-east-1:000000000000:stateMachine:stagecoach-promotion"),
        Map.entry("PROVISIONER_TIER", "dev"),
        Map.entry("DEPLOY_ROLE_NAME", "stagecoach-deploy-dev"),
        Map.entry("DEPLOY_ACCOUNTS", "123456789012"),
        Map.entry(
            "PROVISIONER_FUNCTIONS", "dev=arn:aws:lambda:us-east-1:000000000000:function:p:live"),
        Map.entry(
            "SLACK_SIGNING_SECRET_ID",
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:signing"),
        Map.entry("SLACK_BOT_TOKEN_ID", "arn:aws:secretsmanager:us-east-1:000000000000:secret:bot"),
        Map.entry("SLACK_API_URL", endpoint),
        Map.entry("SLACK_HOOKS_URL", endpoint));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = environment(args[2]);
    long t0 = System.nanoTime();
    List<String> built;
    if (args[0].equals("handler")) {
      Class.forName(args[1]).getConstructor(Map.class).newInstance(env);
      // A handler's init starts the logger's configuration beside its clients (Log.configureAside);
      // it counts until that is done too, as the first line would wait for it.
      io.stagecoach.functions.support.Log.awaitConfiguration();
      built = new ArrayList<>();
      for (Priming p : Priming.registered()) {
        built.addAll(p.requests());
      }
    } else {
      if (args[0].equals("clients-and-logger")) {
        // The one structured logger every function has (Log4j2 behind Lambda's appender),
        // configured before the clients are built: one after the other.
        io.stagecoach.functions.support.Log.awaitConfiguration();
      }
      Settings settings = Settings.fromEnvironment(env);
      built = args[1].isEmpty() ? List.of() : List.of(args[1].split(","));
      for (String client : built) {
        switch (client) {
          case "DynamoDb.GetItem" -> settings.dynamoDb();
          case "EventBridge.PutEvents" -> settings.eventBridge();
          case "Lambda.Invoke" -> settings.lambda();
          case "Sfn.DescribeExecution" -> settings.stepFunctions();
          case "SecretsManager.GetSecretValue" -> settings.secretsManager();
          default -> throw new IllegalArgumentException("no such client: " + client);
        }
      }
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    System.out.println("init-probe " + ms + " " + String.join(",", built));
    System.exit(0);
  }
}
