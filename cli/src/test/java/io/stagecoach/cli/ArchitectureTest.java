package io.stagecoach.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.stagecoach.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The CLI is a client of the REST API; only {@code serve} reaches into the local cloud. */
class ArchitectureTest {

  private static final JavaClasses MAIN = ArchitectureRules.thisModule();

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(MAIN);
  }

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
        .doNotHaveSimpleName("ServeCommand")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.stagecoach.local..")
        .check(MAIN);
  }
}
