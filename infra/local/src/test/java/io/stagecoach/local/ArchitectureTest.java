package io.stagecoach.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.stagecoach.testing.ModuleArchitecture;
import org.junit.jupiter.api.Test;

/** The local cloud's packages form layers, and the local cloud knows nothing of its clients. */
class ArchitectureTest extends ModuleArchitecture {

  @Test
  void theLocalCloud_neverUsesTheCli() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.stagecoach.cli..")
        .because("the CLI is a client of the local cloud, not a part of it")
        .check(MAIN);
  }

  @Test
  void theLocalServices_neverUseTheCloudThatWiresThem() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.stagecoach.local.apigateway..",
            "io.stagecoach.local.clock..",
            "io.stagecoach.local.dynamodb..",
            "io.stagecoach.local.eventbridge..",
            "io.stagecoach.local.http..",
            "io.stagecoach.local.lambda..",
            "io.stagecoach.local.provisioning..",
            "io.stagecoach.local.secretsmanager..",
            "io.stagecoach.local.stepfunctions..",
            "io.stagecoach.local.template..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.stagecoach.local")
        .because("LocalCloud composes the services; each service stands on its own")
        .check(MAIN);
  }
}
