package io.stagecoach.local.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

  @Test
  void aPlan_isReadAsWritten_withDefaultDurations() {
    FaultPlan plan =
        FaultPlan.parse(" dynamodb-throttle=0.2, event-delay=0.3@250ms ,dynamodb-latency=1");
    assertEquals(0.2, plan.rate(FaultPlan.Kind.DYNAMODB_THROTTLE));
    assertEquals(Duration.ofMillis(250), plan.duration(FaultPlan.Kind.EVENT_DELAY));
    assertEquals(Duration.ofMillis(100), plan.duration(FaultPlan.Kind.DYNAMODB_LATENCY));
    assertEquals(0, plan.rate(FaultPlan.Kind.FUNCTION_ERROR));
    assertEquals(plan, FaultPlan.parse(plan.toString()), "written back as it is read");
    assertTrue(FaultPlan.parse("").faults().isEmpty());
  }

  @Test
  void badPlans_areRefused_namingThePartAtFault() {
    Map<String, String> bad =
        Map.of(
            "dynamo-throttle=0.1", "unknown fault 'dynamo-throttle'",
            "function-error", "is not kind=rate",
            "function-error=1.5", "from 0 to 1",
            "function-error=-0.1", "from 0 to 1",
            "function-error=NaN", "from 0 to 1",
            "function-error=lots", "must be a number",
            "function-error=0.1@5s", "takes a rate only",
            "event-delay=0.1@5m", "like 250ms or 2s",
            "event-delay=0.1@0ms", "more than 0",
            "event-delay=0.1@11s", "at most 10s");
    bad.forEach(
        (text, message) -> {
          IllegalArgumentException e =
              assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse(text), text);
          assertTrue(e.getMessage().contains(message), text + " -> " + e.getMessage());
        });
  }

  @Test
  void theInjector_hitsAtItsRate_countsWhatItInjected_andFollowsANewPlan() {
    FaultInjector injector =
        new FaultInjector(FaultPlan.parse("function-error=0.25,event-delay=1@40ms"), 7);
    int hits = 0;
    for (int i = 0; i < 10_000; i++) {
      if (injector.hits(FaultPlan.Kind.FUNCTION_ERROR)) {
        hits++;
      }
    }
    assertTrue(hits > 2_300 && hits < 2_700, "about a quarter: " + hits);
    assertEquals(hits, injector.injected().get(FaultPlan.Kind.FUNCTION_ERROR));
    for (int i = 0; i < 100; i++) {
      Duration d = injector.delay(FaultPlan.Kind.EVENT_DELAY);
      assertTrue(!d.isZero() && d.toMillis() <= 40, d.toString());
    }
    injector.plan(FaultPlan.none());
    assertFalse(injector.hits(FaultPlan.Kind.FUNCTION_ERROR));
    assertEquals(Duration.ZERO, injector.delay(FaultPlan.Kind.EVENT_DELAY));
    assertEquals(0, injector.injected().get(FaultPlan.Kind.DYNAMODB_THROTTLE));
  }
}
