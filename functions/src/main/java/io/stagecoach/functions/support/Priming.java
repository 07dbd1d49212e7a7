package io.stagecoach.functions.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Priming before SnapStart's snapshot. Lambda runs a function's constructor once, at publish time,
 * then snapshots the JVM; every cold start resumes from that snapshot. Whatever the first request
 * would otherwise do for the first time (load and initialize the SDK's marshallers, signer,
 * endpoint rules and response parsers, Jackson's serializers) is done here, in {@link
 * #beforeCheckpoint}, so that it is in the snapshot instead of in a user's first request.
 *
 * <p>Each SDK client a function builds through {@link Settings} runs one request of its kind with
 * the client's own pipeline (marshalling, endpoint resolution, SigV4 signing, interceptors,
 * response parsing); only the last step, the HTTP exchange, is answered in process with {@code {}}:
 * priming sends nothing, writes nothing and needs no permission. It signs with throwaway keys, so
 * the function's own credentials are neither read nor kept in the snapshot. Then Jackson writes and
 * reads a document.
 *
 * <p>Registered with the CRaC global context (org.crac) only when Lambda says it is initializing
 * for SnapStart ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}); anywhere else (on-demand
 * Lambda, the local cloud, tests) it does nothing. The context keeps weak references, so the
 * registered primings are also kept here.
 */
public final class Priming implements Resource {

  /** Strong references to what is registered: the CRaC context keeps weak ones only. */
  private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

  /** The keys priming signs with: never sent anywhere. */
  static final AwsRequestOverrideConfiguration THROWAWAY_KEYS =
      AwsRequestOverrideConfiguration.builder()
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "PRIMING")))
          .build();

  private final List<Primer> primers = new CopyOnWriteArrayList<>();
  private volatile boolean priming;

  /** One client's priming request, named for reports ({@code DynamoDb.GetItem}). */
  private record Primer(String name, Runnable request) {}

  /**
   * Registers a priming of what {@code settings} builds, when the environment says that Lambda is
   * initializing this function for SnapStart.
   */
  static Optional<Priming> forSnapStart(Map<String, String> environment) {
    if (!"snap-start".equals(environment.get("AWS_LAMBDA_INITIALIZATION_TYPE"))) {
      return Optional.empty();
    }
    Priming priming = new Priming();
    REGISTERED.add(priming);
    Core.getGlobalContext().register(priming);
    return Optional.of(priming);
  }

  /** The primings registered in this JVM. */
  public static List<Priming> registered() {
    return List.copyOf(REGISTERED);
  }

  /**
   * The HTTP client for an SDK client that takes part in priming: {@code real}, except that while
   * priming every request is answered {@code 200 {}} in process.
   */
  SdkHttpClient answeringWhilePriming(SdkHttpClient real) {
    return new SdkHttpClient() {
      @Override
      public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (!priming) {
          return real.prepareRequest(request);
        }
        return new ExecutableHttpRequest() {
          @Override
          public HttpExecuteResponse call() {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            return HttpExecuteResponse.builder()
                .response(
                    SdkHttpResponse.builder()
                        .statusCode(200)
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("Content-Length", Integer.toString(body.length))
                        .putHeader("x-amzn-RequestId", "priming")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                .build();
          }

          @Override
          public void abort() {}
        };
      }

      @Override
      public String clientName() {
        return real.clientName();
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  /**
   * The priming requests, one per client built ({@code DynamoDb.GetItem}, ...): which SDK clients
   * the function made.
   */
  public List<String> requests() {
    return primers.stream().map(Primer::name).toList();
  }

  /** Adds a client's priming request ({@code client} is called with the throwaway keys). */
  <C> void add(String name, C client, Consumer<C> request) {
    primers.add(new Primer(name, () -> request.accept(client)));
  }

  /**
   * Runs every priming request and Jackson's round trip; answers what was primed. A request that
   * fails is a bug of priming's, not of the function: it is reported and the rest go on, since a
   * snapshot without it is only slower.
   */
  public List<String> prime() {
    List<String> done = new ArrayList<>();
    priming = true;
    try {
      for (Primer p : primers) {
        try {
          p.request().run();
          done.add(p.name());
        } catch (RuntimeException e) {
          Log.of(Priming.class)
              .warn("a priming request failed", "request", p.name(), "error", e.toString());
        }
      }
    } finally {
      priming = false;
    }
    try {
      JsonNode document =
          Json.parse(
              "{\"app\":\"priming\",\"environment\":\"dev\",\"version\":\"1.0.0\","
                  + "\"stages\":[{\"environment\":\"dev\",\"approval\":null}],\"count\":1}");
      Json.MAPPER.readValue(Json.write(document), Map.class);
      done.add("Jackson");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("priming's own document is JSON", e);
    }
    return done;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    List<String> done = prime();
    Log.of(Priming.class).info("primed before the snapshot", "primed", String.join(",", done));
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) throws IOException {
    // Nothing to renew: priming kept no connection, credential or clock reading.
  }
}
