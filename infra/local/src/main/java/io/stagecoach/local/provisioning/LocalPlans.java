package io.stagecoach.local.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.cost.PricedResource;
import io.stagecoach.domain.deployment.ProvisioningRequest;
import io.stagecoach.domain.deployment.StackParameters;
import io.stagecoach.domain.plan.ParameterChange;
import io.stagecoach.domain.plan.Plan;
import io.stagecoach.domain.plan.PropertyChange;
import io.stagecoach.domain.plan.ReplacementRules;
import io.stagecoach.domain.plan.ResourceChange;
import io.stagecoach.json.ResourceProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The local provisioner's plan: the difference between the stack it recorded when it last made the
 * environment (resources with their resolved properties, and the parameters it used) and what the
 * template resolves to now. A resource whose type changes, or whose change touches a property of
 * {@link ReplacementRules}, is replaced; one whose properties differ otherwise is modified in
 * place, with each changed property listed.
 */
final class LocalPlans {

  private LocalPlans() {}

  static Plan plan(
      Map<String, LocalProvisioner.Desired> desired,
      Map<String, LocalProvisioner.Desired> current,
      Map<String, String> parametersBefore,
      Map<String, String> parametersAfter,
      Set<String> supported,
      ProvisioningRequest request) {
    List<ResourceChange> changes = new ArrayList<>();
    desired.forEach(
        (id, want) -> {
          boolean isSupported = supported.contains(want.type());
          LocalProvisioner.Desired have = current.get(id);
          if (have == null) {
            changes.add(
                new ResourceChange(id, want.type(), ResourceChange.Action.ADD, false, isSupported));
          } else if (!have.type().equals(want.type())) {
            changes.add(
                new ResourceChange(
                    id,
                    want.type(),
                    ResourceChange.Action.REPLACE,
                    isSupported,
                    List.of(),
                    Optional.of("its type changes from " + have.type() + " to " + want.type())));
          } else {
            List<PropertyChange> properties =
                ResourceProperties.changes(want.type(), have.properties(), want.properties());
            if (!properties.isEmpty()) {
              Optional<String> reason = ReplacementRules.reason(properties);
              changes.add(
                  new ResourceChange(
                      id,
                      want.type(),
                      reason.isPresent()
                          ? ResourceChange.Action.REPLACE
                          : ResourceChange.Action.MODIFY,
                      isSupported,
                      properties,
                      reason));
            }
          }
        });
    current.forEach(
        (id, have) -> {
          if (!desired.containsKey(id)) {
            changes.add(
                new ResourceChange(
                    id,
                    have.type(),
                    ResourceChange.Action.REMOVE,
                    false,
                    supported.contains(have.type())));
          }
        });
    return new Plan(
        changes,
        parameterChanges(parametersBefore, parametersAfter, request),
        inventory(current),
        inventory(desired));
  }

  static List<PricedResource> inventory(Map<String, LocalProvisioner.Desired> resources) {
    List<PricedResource> inventory = new ArrayList<>();
    resources.forEach(
        (id, r) -> inventory.add(ResourceProperties.resource(id, r.type(), properties(r))));
    return inventory;
  }

  private static JsonNode properties(LocalProvisioner.Desired r) {
    return r.properties();
  }

  /**
   * The parameters whose values change; a stack recorded before parameters were kept counts as
   * having none (every parameter is then listed as new).
   */
  static List<ParameterChange> parameterChanges(
      Map<String, String> before, Map<String, String> after, ProvisioningRequest request) {
    TreeSet<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    List<ParameterChange> changes = new ArrayList<>();
    for (String name : names) {
      Optional<String> was = Optional.ofNullable(before.get(name));
      Optional<String> will = Optional.ofNullable(after.get(name));
      if (!was.equals(will)) {
        changes.add(new ParameterChange(name, was, will, StackParameters.sourceOf(request, name)));
      }
    }
    return changes;
  }
}
