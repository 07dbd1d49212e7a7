package io.stagecoach.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.stagecoach.domain.deployment.Provisioner;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.ProvisioningResult;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.functions.provision.ProvisionerHandler;
import io.stagecoach.local.provisioning.LocalProvisioner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The local cloud's provisioner function, held where a test wants a deployment to be when it kills
 * the process: while the file {@value #HOLD_DELIVERIES} exists in the directory {@value #HOLD_DIR}
 * names, every invocation waits before it looks at the deployment (which stays {@code requested},
 * its event accepted and not delivered); while {@value #HOLD_PROVISIONING} exists, the provisioner
 * waits after the deployment took the lease (it stays {@code provisioning}).
 */
public final class HeldProvisionerHandler implements RequestStreamHandler {

  /** The function setting naming the directory of the hold files. */
  public static final String HOLD_DIR = "STAGECOACH_TEST_HOLD_DIR";

  public static final String HOLD_DELIVERIES = "hold-deliveries";
  public static final String HOLD_PROVISIONING = "hold-provisioning";

  /** What the template names instead of {@link ProvisionerHandler}. */
  public static final String HANDLER = HeldProvisionerHandler.class.getName() + "::handleRequest";

  private final Path dir;
  private final ProvisionerHandler provisioner;

  public HeldProvisionerHandler(Map<String, String> environment, Clock clock) {
    this.dir = Path.of(environment.get(HOLD_DIR));
    this.provisioner =
        new ProvisionerHandler(
            environment,
            clock,
            (settings, fnClock, timeLeft) ->
                new Held(new LocalProvisioner(settings.dynamoDb()), dir));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    holdWhile(dir.resolve(HOLD_DELIVERIES));
    provisioner.handleRequest(input, output, context);
  }

  private record Held(Provisioner local, Path dir) implements Provisioner {
    @Override
    public Plan plan(ProvisioningRequest request) {
      return local.plan(request);
    }

    @Override
    public ProvisioningResult apply(ProvisioningRequest request) {
      holdWhile(dir.resolve(HOLD_PROVISIONING));
      return local.apply(request);
    }

    @Override
    public ProvisioningResult destroy(ProvisioningRequest request) {
      holdWhile(dir.resolve(HOLD_PROVISIONING));
      return local.destroy(request);
    }
  }

  /** Waits for the file to go (the test that made it kills the process instead, as a rule). */
  private static void holdWhile(Path file) {
    while (Files.exists(file)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted while held by " + file));
      }
    }
  }
}
