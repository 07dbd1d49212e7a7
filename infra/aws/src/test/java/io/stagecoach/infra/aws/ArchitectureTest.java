package io.stagecoach.infra.aws;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.stagecoach.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The CDK app describes the functions; it never runs their code nor the local cloud's. */
class ArchitectureTest {

  private static final JavaClasses MAIN = ArchitectureRules.thisModule();

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(MAIN);
  }

  @Test
  void theCdkApp_usesNoHandlerAndNoLocalCloudClass() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.stagecoach.local..",
            "io.stagecoach.cli..",
            "io.stagecoach.domain..",
            "io.stagecoach.functions..")
        .because("the infrastructure names handlers by their class name; it does not link them")
        .check(MAIN);
  }
}
