package io.stagecoach.testing;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * What every module's architecture test checks; each module's {@code ArchitectureTest} extends this
 * and adds its own rules over {@link #MAIN}.
 */
public abstract class ModuleArchitecture {

  /** The module's own main classes. */
  protected static final JavaClasses MAIN = ArchitectureRules.thisModule();

  @Test
  void noPackageCycles() {
    ArchitectureRules.noPackageCycles().check(MAIN);
  }
}
