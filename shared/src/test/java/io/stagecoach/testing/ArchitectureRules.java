package io.stagecoach.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.nio.file.Path;
import java.time.Clock;

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

  /**
   * Time is read through an injected {@link Clock}, never the machine's: no {@code Instant.now()},
   * {@code System.currentTimeMillis()} or {@code Clock.systemUTC()}. With {@code
   * constructorsChooseTheSystemClock}, a constructor may pass {@code Clock.systemUTC()} on (a
   * Lambda handler's composition root, which the local cloud bypasses with its own clock).
   */
  public static ArchRule timeComesFromAnInjectedClock(boolean constructorsChooseTheSystemClock) {
    return classes()
        .should(
            new ArchCondition<JavaClass>("read time only through an injected clock") {
              @Override
              public void check(JavaClass type, ConditionEvents events) {
                for (JavaMethodCall call : type.getMethodCallsFromSelf()) {
                  if (!readsTheMachinesTime(call)) {
                    continue;
                  }
                  boolean chosenAtConstruction =
                      constructorsChooseTheSystemClock
                          && call.getOrigin() instanceof JavaConstructor
                          && call.getName().equals("systemUTC");
                  if (!chosenAtConstruction) {
                    events.add(SimpleConditionEvent.violated(call, call.getDescription()));
                  }
                }
              }
            })
        .because("a clock passed in can be moved (the local cloud's) or fixed (tests)");
  }

  private static boolean readsTheMachinesTime(JavaMethodCall call) {
    JavaClass owner = call.getTargetOwner();
    String name = call.getName();
    if (owner.isEquivalentTo(Clock.class)) {
      return name.startsWith("system");
    }
    if (owner.isEquivalentTo(System.class)) {
      return name.equals("currentTimeMillis");
    }
    return owner.getPackageName().equals("java.time")
        && name.equals("now")
        && call.getTarget().getRawParameterTypes().stream()
            .noneMatch(t -> t.isEquivalentTo(Clock.class));
  }
}
