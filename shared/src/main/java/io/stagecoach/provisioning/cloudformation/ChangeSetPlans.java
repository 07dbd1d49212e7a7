package io.stagecoach.provisioning.cloudformation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeAction;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Replacement;
import software.amazon.awssdk.services.cloudformation.model.RequiresRecreation;
import software.amazon.awssdk.services.cloudformation.model.ResourceAttribute;
import software.amazon.awssdk.services.cloudformation.model.ResourceChangeDetail;
import software.amazon.awssdk.services.cloudformation.model.ResourceTargetDefinition;

/**
 * A plan read from a change set described with property values ({@code DescribeChangeSet} with
 * {@code IncludePropertyValues},
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html):
 *
 * <ul>
 *   <li>each resource change's action; a {@code Modify} whose {@code Replacement} is {@code True}
 *       or {@code Conditional} is a replacement;
 *   <li>its details' targets as property changes: the property path, {@code BeforeValue} and {@code
 *       AfterValue}, and {@code RequiresRecreation} ({@code Always}, {@code Conditionally}, {@code
 *       Never}), which also say why a replacement happens;
 *   <li>the parameters whose values change, from the stack's current parameters and the change
 *       set's;
 *   <li>the resources before and after, for the cost estimate: {@code BeforeContext} and {@code
 *       AfterContext} of the changed ones, the template's properties for the others.
 * </ul>
 *
 * Values are as CloudFormation reports them: a dynamic reference to a secret stays a reference, and
 * a {@code NoEcho} parameter is masked.
 */
final class ChangeSetPlans {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChangeSetPlans() {}

  /**
   * @param changes every change of the change set, from all its pages
   * @param before the stack's parameters now (none for a stack not made yet)
   * @param after the change set's parameters
   */
  static Plan plan(
      List<Change> changes,
      List<Parameter> before,
      List<Parameter> after,
      ProvisioningRequest request) {
    List<ResourceChange> plan = new ArrayList<>();
    Map<String, software.amazon.awssdk.services.cloudformation.model.ResourceChange> byId =
        new LinkedHashMap<>();
    for (Change change : changes) {
      var resource = change.resourceChange();
      if (resource != null) {
        plan.add(resourceChange(resource));
        byId.put(resource.logicalResourceId(), resource);
      }
    }
    Map<String, TemplateResource> template = templateResources(request);
    List<PricedResource> resourcesBefore = new ArrayList<>();
    List<PricedResource> resourcesAfter = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>(template.keySet());
    ids.addAll(byId.keySet());
    for (String id : ids) {
      var change = byId.get(id);
      TemplateResource declared = template.get(id);
      if (change == null) {
        // Unchanged: as the template has it, before and after.
        resourcesBefore.add(
            ResourceProperties.resource(id, declared.type(), declared.properties()));
        resourcesAfter.add(ResourceProperties.resource(id, declared.type(), declared.properties()));
        continue;
      }
      String type = change.resourceType();
      Optional<JsonNode> was = context(change.beforeContext());
      Optional<JsonNode> will =
          context(change.afterContext())
              .or(() -> Optional.ofNullable(declared).map(TemplateResource::properties));
      boolean adds = change.action() == ChangeAction.ADD;
      boolean removes = change.action() == ChangeAction.REMOVE;
      // A resource read on one side only would look added or removed: leave it out of both, and
      // the estimate lists it as not read.
      if ((!adds && was.isEmpty()) || (!removes && will.isEmpty())) {
        continue;
      }
      was.ifPresent(p -> resourcesBefore.add(ResourceProperties.resource(id, type, p)));
      will.ifPresent(p -> resourcesAfter.add(ResourceProperties.resource(id, type, p)));
    }
    return new Plan(
        plan, parameterChanges(before, after, request), resourcesBefore, resourcesAfter);
  }

  /** A change set that changes nothing: the template's resources, the same before and after. */
  static Plan unchanged(ProvisioningRequest request) {
    List<PricedResource> resources = new ArrayList<>();
    templateResources(request)
        .forEach(
            (id, r) -> resources.add(ResourceProperties.resource(id, r.type(), r.properties())));
    return new Plan(List.of(), List.of(), resources, resources);
  }

  static ResourceChange resourceChange(
      software.amazon.awssdk.services.cloudformation.model.ResourceChange resource) {
    boolean replaced =
        resource.replacement() == Replacement.TRUE
            || resource.replacement() == Replacement.CONDITIONAL;
    ResourceChange.Action action =
        switch (resource.action() == null
            ? ChangeAction.UNKNOWN_TO_SDK_VERSION
            : resource.action()) {
          case ADD -> ResourceChange.Action.ADD;
          case REMOVE -> ResourceChange.Action.REMOVE;
          // Imports and dynamic changes (what CloudFormation can only know while executing) are
          // shown as modifications.
          default -> replaced ? ResourceChange.Action.REPLACE : ResourceChange.Action.MODIFY;
        };
    List<PropertyChange> properties = properties(resource.details());
    Optional<String> reason = Optional.empty();
    if (action == ResourceChange.Action.REPLACE) {
      String why =
          ReplacementRules.reason(properties)
              .orElse("CloudFormation reports Replacement " + resource.replacementAsString());
      reason =
          Optional.of(
              resource.replacement() == Replacement.CONDITIONAL ? "may be replaced: " + why : why);
    }
    return new ResourceChange(
        resource.logicalResourceId(), resource.resourceType(), action, true, properties, reason);
  }

  /**
   * The details' targets, one per property path: CloudFormation may report a property twice (a
   * direct change and a parameter it references); the values of the first are kept and the
   * strongest recreation of all.
   */
  static List<PropertyChange> properties(List<ResourceChangeDetail> details) {
    Map<String, PropertyChange> byPath = new LinkedHashMap<>();
    for (ResourceChangeDetail detail : details) {
      ResourceTargetDefinition target = detail.target();
      if (target == null) {
        continue;
      }
      String path = path(target);
      PropertyChange.Recreation recreation = recreation(target.requiresRecreation());
      PropertyChange seen = byPath.get(path);
      if (seen == null) {
        byPath.put(
            path,
            new PropertyChange(
                path,
                Optional.ofNullable(target.beforeValue()),
                Optional.ofNullable(target.afterValue()),
                recreation));
      } else {
        byPath.put(
            path,
            new PropertyChange(
                path,
                seen.before().or(() -> Optional.ofNullable(target.beforeValue())),
                seen.after().or(() -> Optional.ofNullable(target.afterValue())),
                seen.recreation().or(recreation)));
      }
    }
    return List.copyOf(byPath.values());
  }

  /**
   * {@code /Properties/Tags/0/Value} as {@code Tags.0.Value}; a target without a path by its
   * property name, or by its attribute ({@code Tags}, {@code Metadata}, {@code UpdatePolicy}).
   */
  static String path(ResourceTargetDefinition target) {
    String path = target.path();
    if (path != null && !path.isBlank()) {
      String p = path.startsWith("/Properties/") ? path.substring("/Properties/".length()) : path;
      p = p.startsWith("/") ? p.substring(1) : p;
      return p.replace('/', '.');
    }
    if (target.attribute() == ResourceAttribute.PROPERTIES && target.name() != null) {
      return target.name();
    }
    return target.attributeAsString() == null ? "?" : target.attributeAsString();
  }

  private static PropertyChange.Recreation recreation(RequiresRecreation value) {
    if (value == RequiresRecreation.ALWAYS) {
      return PropertyChange.Recreation.ALWAYS;
    }
    if (value == RequiresRecreation.CONDITIONALLY) {
      return PropertyChange.Recreation.CONDITIONALLY;
    }
    return PropertyChange.Recreation.NEVER;
  }

  static List<ParameterChange> parameterChanges(
      List<Parameter> before, List<Parameter> after, ProvisioningRequest request) {
    Map<String, String> was = values(before);
    Map<String, String> will = values(after);
    TreeSet<String> names = new TreeSet<>(was.keySet());
    names.addAll(will.keySet());
    List<ParameterChange> changes = new ArrayList<>();
    for (String name : names) {
      Optional<String> b = Optional.ofNullable(was.get(name));
      Optional<String> a = Optional.ofNullable(will.get(name));
      if (!b.equals(a)) {
        changes.add(new ParameterChange(name, b, a, StackParameters.sourceOf(request, name)));
      }
    }
    return changes;
  }

  private static Map<String, String> values(List<Parameter> parameters) {
    Map<String, String> values = new TreeMap<>();
    for (Parameter p : parameters) {
      if (p.parameterKey() != null && p.parameterValue() != null) {
        values.put(p.parameterKey(), p.parameterValue());
      }
    }
    return values;
  }

  /**
   * A resource's properties from its context: the context object's {@code Properties} when it has
   * them, else the object itself; nothing when the context is absent or not a JSON object.
   */
  static Optional<JsonNode> context(String context) {
    if (context == null || context.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(context);
      if (!node.isObject()) {
        return Optional.empty();
      }
      return Optional.of(node.has("Properties") ? node.get("Properties") : node);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private record TemplateResource(String type, JsonNode properties) {}

  /** The resources of the request's template body; none for a template read from a URL. */
  private static Map<String, TemplateResource> templateResources(ProvisioningRequest request) {
    Map<String, TemplateResource> resources = new TreeMap<>();
    if (request.template().body().isEmpty()) {
      return resources;
    }
    try {
      JsonNode template = JSON.readTree(request.template().body().get());
      template
          .path("Resources")
          .properties()
          .forEach(
              e ->
                  resources.put(
                      e.getKey(),
                      new TemplateResource(
                          e.getValue().path("Type").asText(""),
                          e.getValue().path("Properties").isObject()
                              ? e.getValue().path("Properties")
                              : JSON.createObjectNode())));
    } catch (JsonProcessingException e) {
      // A template CloudFormation took is JSON or YAML; a YAML one is not priced from here.
    }
    return resources;
  }
}
