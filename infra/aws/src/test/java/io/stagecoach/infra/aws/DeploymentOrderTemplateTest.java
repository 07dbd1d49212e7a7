package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.FunctionsTemplateTest.API_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.ARTIFACT_CHECK_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.PROMOTION_STEPS_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.functionId;
import static io.stagecoach.infra.aws.PromotionTemplateTest.promotionStateMachineId;
import static io.stagecoach.infra.aws.PromotionTemplateTest.stepsTaskResponsePolicyId;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.TIERS;
import static io.stagecoach.infra.aws.ProvisionersTemplateTest.provisionerId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.stateMachineId;
import static io.stagecoach.infra.aws.ReleaseIntakeTemplateTest.taskResponsePolicyId;
import static io.stagecoach.infra.aws.SynthesizedTemplate.json;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * CloudFormation creates resources in the order their references and {@code DependsOn} give, and
 * refuses a template where they form a cycle; cdk synth does not notice one. A grant that names a
 * state machine, on the role of a function that state machine invokes, is the usual way to make
 * one.
 */
class DeploymentOrderTemplateTest {

  private static final Pattern SUB_REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.[A-Za-z0-9.]+)?}");

  @Test
  void resourceDependencies_formNoCycle_soCloudFormationCanCreateTheStack() {
    // The assertions library refuses to load a template whose dependencies form a cycle.
    assertDoesNotThrow(SynthesizedTemplate::template);
  }

  @Test
  void
      artifactCheckFunction_doesNotWaitForItsTaskResponsePolicy_whichWaitsForTheStateMachineThatInvokesIt() {
    Map<String, Set<String>> graph = dependencies();
    String function = functionId(ARTIFACT_CHECK_HANDLER);
    String policy = taskResponsePolicyId();

    assertTrue(
        reachable(stateMachineId(), graph).contains(function),
        "the definition names the function's alias");
    assertTrue(
        reachable(policy, graph).contains(stateMachineId()), "the policy names the state machine");
    assertTrue(
        graph.get(function).stream().anyMatch(id -> id.contains("DefaultPolicy")),
        "a function waits for its role's default policy: " + graph.get(function));
    assertFalse(
        reachable(function, graph).contains(policy), "the function must not wait for the policy");
  }

  @Test
  void
      promotionStepsFunction_doesNotWaitForItsTaskResponsePolicy_whichWaitsForTheStateMachineThatInvokesIt() {
    Map<String, Set<String>> graph = dependencies();
    String function = functionId(PROMOTION_STEPS_HANDLER);
    String policy = stepsTaskResponsePolicyId();

    assertTrue(
        reachable(promotionStateMachineId(), graph).contains(function),
        "the definition names the function's alias");
    assertTrue(
        reachable(policy, graph).contains(promotionStateMachineId()),
        "the policy names the state machine");
    assertFalse(
        reachable(function, graph).contains(policy), "the function must not wait for the policy");
    assertFalse(
        reachable(function, graph).contains(promotionStateMachineId()),
        "the function finds the state machine by a constructed ARN, not by a reference");
  }

  /** They find it by its constructed ARN and are granted its actions in policies of their own. */
  @Test
  void apiFunction_andProvisioners_doNotWaitForThePromotionStateMachine() {
    Map<String, Set<String>> graph = dependencies();
    List<String> functions = new ArrayList<>(List.of(functionId(API_HANDLER)));
    TIERS.forEach(tier -> functions.add(provisionerId(tier)));

    for (String function : functions) {
      assertFalse(reachable(function, graph).contains(promotionStateMachineId()), function);
    }
  }

  /** Resource to the resources it needs first. */
  @SuppressWarnings("unchecked")
  private static Map<String, Set<String>> dependencies() {
    Map<String, Object> resources = (Map<String, Object>) json().get("Resources");
    Map<String, Set<String>> graph = new TreeMap<>();
    resources.forEach(
        (id, value) -> {
          Map<String, Object> resource = (Map<String, Object>) value;
          Set<String> needs = new TreeSet<>();
          collect(resource.get("Properties"), needs);
          Object dependsOn = resource.get("DependsOn");
          if (dependsOn instanceof String single) {
            needs.add(single);
          } else if (dependsOn instanceof List<?> list) {
            list.forEach(item -> needs.add((String) item));
          }
          needs.retainAll(resources.keySet());
          graph.put(id, needs);
        });
    return graph;
  }

  private static void collect(final Object value, final Set<String> needs) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1 && map.get("Ref") instanceof String logicalId) {
        needs.add(logicalId);
      } else if (map.size() == 1 && map.get("Fn::GetAtt") instanceof List<?> getAtt) {
        needs.add((String) getAtt.get(0));
      } else if (map.size() == 1 && map.get("Fn::Sub") != null) {
        Object sub = map.get("Fn::Sub");
        String text = sub instanceof List<?> list ? (String) list.get(0) : (String) sub;
        Matcher reference = SUB_REFERENCE.matcher(text);
        while (reference.find()) {
          needs.add(reference.group(1));
        }
        if (sub instanceof List<?> list && list.size() > 1) {
          collect(list.get(1), needs);
        }
      } else {
        map.values().forEach(nested -> collect(nested, needs));
      }
    } else if (value instanceof List<?> list) {
      list.forEach(nested -> collect(nested, needs));
    }
  }

  private static Set<String> reachable(final String from, final Map<String, Set<String>> graph) {
    Set<String> seen = new TreeSet<>();
    List<String> next = new ArrayList<>(graph.get(from));
    while (!next.isEmpty()) {
      String resource = next.remove(next.size() - 1);
      if (seen.add(resource)) {
        next.addAll(graph.get(resource));
      }
    }
    return seen;
  }
}
