package io.stagecoach.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.stagecoach");

  @Test
  void domainCore_importsNoAwsSdkLambdaOrJackson() {
    noClasses()
        .that()
        .resideInAPackage("io.stagecoach.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon..", "com.amazonaws..", "com.fasterxml.jackson..")
        .because("the domain core stays free of AWS and JSON (STYLE practice 1)")
        .check(MAIN);
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
}
