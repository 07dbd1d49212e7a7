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

  /**
   * The API function serves the console from its jar: the bundle is there, its files are text (API
   * Gateway's proxy passes text bodies as they are), and its page loads scripts and styles from
   * files only (the Content-Security-Policy refuses inline ones).
   */
  @Test
  void theLambdaJar_holdsTheConsoleBundle_asTextFiles_withNoInlineScriptOrStyle() throws Exception {
    List<String> console =
        entries().stream()
            .filter(n -> n.startsWith("stagecoach/console/") && !n.endsWith("/"))
            .toList();
    assertTrue(console.contains("stagecoach/console/index.html"), console.toString());
    assertTrue(
        console.stream().anyMatch(n -> n.matches("stagecoach/console/assets/index-[\\w-]+\\.js")),
        console.toString());
    for (String name : console) {
      assertTrue(
          name.matches(".*\\.(html|js|css|svg)$"), "not a text file the page needs: " + name);
    }
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String html =
          new String(
              jar.getInputStream(jar.getEntry("stagecoach/console/index.html")).readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(html.contains("<script type=\"module\" crossorigin src=\"./assets/"), html);
      assertFalse(
          html.matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"), "an inline script: " + html);
      assertFalse(html.contains("<style"), "an inline style: " + html);
      assertFalse(html.contains("style="), "an inline style attribute: " + html);
      assertFalse(
          html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "a third-party origin: " + html);
    }
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
