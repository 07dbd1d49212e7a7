package io.stagecoach.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.stagecoach.testing.ModuleArchitecture;
import org.junit.jupiter.api.Test;

/** The CLI is a client of the REST API; only {@code serve} reaches into the local cloud. */
class ArchitectureTest extends ModuleArchitecture {

  @Test
  void theClientCommands_useTheApiOverHttp_notTheHandlersOrTheCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.stagecoach.functions..", "io.stagecoach.registry..", "io.stagecoach.provisioning..")
        .because("the CLI speaks to the API as any client does")
        .check(MAIN);
  }

  @Test
  void onlyServe_startsTheLocalCloud() {
    noClasses()
        .that()
        .doNotHaveSimpleName("LocalServe")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.stagecoach.local..")
        .because(
            "the client commands run on a lean class path without the local cloud"
                + " (target/stagecoach-client.jar): picocli reads every command class, ServeCommand"
                + " among them, so only LocalServe, which serve calls, may name the local cloud")
        .check(MAIN);
  }
}
