package io.stagecoach.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The rules themselves: each fails on a fixture that breaks it, so a passing module means
 * something.
 */
class ArchitectureRulesTest {

  @Test
  void noPackageCycles_fails_whenTwoPackagesUseEachOther() {
    JavaClasses withCycle =
        new ClassFileImporter().importPackages("io.stagecoach.testing.archfixture.cycle");
    assertTrue(ArchitectureRules.noPackageCycles().evaluate(withCycle).hasViolation());
  }

  @Test
  void noPackageCycles_passes_whenDependenciesGoOneWay() {
    JavaClasses layered =
        new ClassFileImporter().importPackages("io.stagecoach.testing.archfixture.layered");
    assertFalse(ArchitectureRules.noPackageCycles().evaluate(layered).hasViolation());
  }
}
