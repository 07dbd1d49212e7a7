package io.stagecoach.infra.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What the CDK app ships to Lambda: the handlers and their dependencies, nothing of the local
 * cloud.
 */
class LambdaJarTest {

  private static final Path JAR = Path.of(System.getProperty("stagecoach.functions.jar"));

  private static List<String> entries() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "no Lambda jar at " + JAR);
    try (JarFile jar = new JarFile(JAR.toFile())) {
      return jar.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void theLambdaJar_holdsTheHandlers() throws Exception {
    List<String> names = entries();
    assertTrue(names.contains("io/stagecoach/functions/provision/ProvisionerHandler.class"));
    assertTrue(names.contains("io/stagecoach/functions/api/ApiHandler.class"));
    assertTrue(names.contains("io/stagecoach/domain/deployment/DeploymentService.class"));
  }

  @Test
  void theLambdaJar_holdsThePrimingAndTheCracHooksItRegistersWith() throws Exception {
    List<String> names = entries();
    assertTrue(names.contains("io/stagecoach/functions/support/Priming.class"));
    assertTrue(
        names.contains("org/crac/Core.class"), "org.crac must ship: Priming registers with it");
  }

  @Test
  void theLambdaJar_holdsNoLocalCloud_noLocalProvisioner_andNoCli() throws Exception {
    List<String> names = entries();
    assertFalse(
        names.stream().anyMatch(n -> n.startsWith("io/stagecoach/local/")),
        "the local cloud (and its local provisioner) must not ship to Lambda");
    assertFalse(names.stream().anyMatch(n -> n.startsWith("io/stagecoach/cli/")));
    assertFalse(names.stream().anyMatch(n -> n.contains("LocalProvisioner")));
    assertFalse(
        names.stream().anyMatch(n -> n.startsWith("com/amazonaws/services/dynamodbv2/local/")),
        "DynamoDB Local is the local cloud's engine, not a Lambda dependency");
  }
}
