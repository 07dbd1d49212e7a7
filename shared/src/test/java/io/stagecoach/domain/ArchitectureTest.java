package io.stagecoach.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import io.stagecoach.testing.ArchitectureRules;
import io.stagecoach.testing.ModuleArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ArchitectureTest extends ModuleArchitecture {

  private static final Path DOMAIN_SOURCES = Path.of("src/main/java/io/stagecoach/domain");

  @Test
  void domainCore_importsNoAwsSdkLambdaJacksonOrHttp() {
    noClasses()
        .that()
        .resideInAPackage("io.stagecoach.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "software.amazon..",
            "com.amazonaws..",
            "com.fasterxml.jackson..",
            "java.net.http..",
            "com.sun.net.httpserver..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.net.HttpURLConnection")
        .because("the domain core stays free of AWS, JSON and HTTP (STYLE practice 1)")
        .check(MAIN);
  }

  @Test
  void theCoreAndItsAdapters_readTimeOnlyThroughAClockPassedIn() {
    ArchitectureRules.timeComesFromAnInjectedClock(false).check(MAIN);
  }

  @Test
  void domainCore_doesNotDependOnItsAdapters() {
    noClasses()
        .that()
        .resideInAPackage("io.stagecoach.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.stagecoach.registry..", "io.stagecoach.provisioning..")
        .check(MAIN);
  }

  @Test
  void domainCore_readsNoClockAndNoEnvironment() {
    noClasses()
        .that()
        .resideInAPackage("io.stagecoach.domain..")
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .check(MAIN);
  }

  @Test
  void theCoreIsSplitByCapability_andNoPackageHoldsMoreThan25Types() {
    Map<String, Long> typesPerPackage =
        MAIN.stream()
            .filter(c -> c.getPackageName().startsWith("io.stagecoach.domain"))
            .filter(JavaClass::isTopLevelClass)
            .filter(c -> !c.getSimpleName().equals("package-info"))
            .collect(
                Collectors.groupingBy(
                    JavaClass::getPackageName, TreeMap::new, Collectors.counting()));
    assertEquals(
        List.of(
            "io.stagecoach.domain.access",
            "io.stagecoach.domain.audit",
            "io.stagecoach.domain.chat",
            "io.stagecoach.domain.common",
            "io.stagecoach.domain.cost",
            "io.stagecoach.domain.deployment",
            "io.stagecoach.domain.drift",
            "io.stagecoach.domain.events",
            "io.stagecoach.domain.expiry",
            "io.stagecoach.domain.override",
            "io.stagecoach.domain.parity",
            "io.stagecoach.domain.pipeline",
            "io.stagecoach.domain.plan",
            "io.stagecoach.domain.promotion",
            "io.stagecoach.domain.push",
            "io.stagecoach.domain.registry",
            "io.stagecoach.domain.template"),
        List.copyOf(typesPerPackage.keySet()),
        "nothing lives in io.stagecoach.domain itself");
    typesPerPackage.forEach(
        (pkg, count) -> assertTrue(count <= 25, pkg + " holds " + count + " types"));
  }

  @Test
  void everyCorePackage_saysWhatLivesThere_inItsPackageInfo() throws IOException {
    try (Stream<Path> packages = Files.list(DOMAIN_SOURCES)) {
      List<Path> dirs = packages.filter(Files::isDirectory).toList();
      assertEquals(17, dirs.size(), dirs.toString());
      for (Path dir : dirs) {
        Path info = dir.resolve("package-info.java");
        assertTrue(Files.isRegularFile(info), "no package-info.java in " + dir);
        // The Javadoc's line breaks (and their leading asterisks) read as spaces.
        String text = Files.readString(info).replaceAll("\\s*\\n\\s*\\*?\\s*", " ");
        assertTrue(
            text.contains("Depends on"), info + " should say what the package may depend on");
      }
    }
  }
}
