package io.stagecoach.testing;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Path;

/** The layering rules every module's architecture test applies to its own classes. */
public final class ArchitectureRules {

  private ArchitectureRules() {}

  /** The main classes of the module under test (Maven runs tests in the module's folder). */
  public static JavaClasses thisModule() {
    return new ClassFileImporter().importPath(Path.of("target", "classes"));
  }

  /** Every package is a slice; no two packages may depend on each other, directly or around. */
  public static ArchRule noPackageCycles() {
    return slices()
        .matching("io.stagecoach.(**)")
        .should()
        .beFreeOfCycles()
        .because("packages form layers: a cycle would make two capabilities one");
  }
}
