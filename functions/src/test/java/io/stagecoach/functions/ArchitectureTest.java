package io.stagecoach.functions;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.stagecoach.testing.ArchitectureRules;
import io.stagecoach.testing.ModuleArchitecture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Handlers are composition roots that delegate to the core: a handler package uses the core, the
 * adapters and the shared support packages, never another handler's package.
 */
class ArchitectureTest extends ModuleArchitecture {

  /** One package per function (or group of functions behind one entry point). */
  static final List<String> HANDLER_PACKAGES =
      List.of("api", "auth", "codecommit", "intake", "promotion", "provision", "slack");

  /** What handlers share: AWS adapters, event details, settings and JSON. */
  static final List<String> SHARED_PACKAGES = List.of("aws", "events", "support");

  @Test
  void aHandlerPackage_neverUsesAnotherHandlersPackage() {
    for (String handler : HANDLER_PACKAGES) {
      String[] others =
          HANDLER_PACKAGES.stream()
              .filter(p -> !p.equals(handler))
              .map(p -> "io.stagecoach.functions." + p + "..")
              .toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage("io.stagecoach.functions." + handler + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .because("handlers depend on the core and shared adapters, never on each other")
          .check(MAIN);
    }
  }

  @Test
  void handlersReadTimeThroughTheirClock_theSystemClockChosenOnlyInAConstructor() {
    ArchitectureRules.timeComesFromAnInjectedClock(true).check(MAIN);
  }

  @Test
  void onlySettings_readsTheProcessEnvironment() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(io.stagecoach.functions.support.Settings.class.getName())
        .should()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .because(
            "one place reads settings from the environment; handlers and tests pass a map (STYLE 13)")
        .check(MAIN);
  }

  @Test
  void sharedPackages_neverUseAHandlersPackage() {
    String[] handlers =
        HANDLER_PACKAGES.stream()
            .map(p -> "io.stagecoach.functions." + p + "..")
            .toArray(String[]::new);
    String[] shared =
        SHARED_PACKAGES.stream()
            .map(p -> "io.stagecoach.functions." + p + "..")
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAnyPackage(shared)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(handlers)
        .check(MAIN);
  }

  @Test
  void theLambdaJarsCode_neverUsesTheLocalCloudOrTheCli() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.stagecoach.local..", "io.stagecoach.cli..")
        .because("the local cloud and the CLI are not on the Lambda jar's classpath")
        .check(MAIN);
  }

  @Test
  void everyPackageOfTheModule_isAHandlerOrASharedPackage() {
    List<String> known =
        java.util.stream.Stream.concat(HANDLER_PACKAGES.stream(), SHARED_PACKAGES.stream())
            .map(p -> "io.stagecoach.functions." + p)
            .toList();
    noClasses()
        .should()
        .resideOutsideOfPackages(known.stream().map(p -> p + "..").toArray(String[]::new))
        .because("a new package must be placed as a handler or shared package of this test")
        .check(MAIN);
  }
}
