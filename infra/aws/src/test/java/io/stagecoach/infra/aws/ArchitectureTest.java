package io.stagecoach.infra.aws;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.stagecoach.testing.ModuleArchitecture;
import org.junit.jupiter.api.Test;

/** The CDK app describes the functions; it never runs their code nor the local cloud's. */
class ArchitectureTest extends ModuleArchitecture {

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
