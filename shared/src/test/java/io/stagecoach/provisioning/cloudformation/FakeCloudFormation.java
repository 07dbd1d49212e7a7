package io.stagecoach.provisioning.cloudformation;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeAction;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.ChangeType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DeleteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackDriftDetectionStatusRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackDriftDetectionStatusResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackResourceDriftsRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackResourceDriftsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.DetectStackDriftRequest;
import software.amazon.awssdk.services.cloudformation.model.DetectStackDriftResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecutionStatus;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateSummaryRequest;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateSummaryResponse;
import software.amazon.awssdk.services.cloudformation.model.InvalidChangeSetStatusException;
import software.amazon.awssdk.services.cloudformation.model.ListStackResourcesRequest;
import software.amazon.awssdk.services.cloudformation.model.ListStackResourcesResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ParameterDeclaration;
import software.amazon.awssdk.services.cloudformation.model.Replacement;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackDriftDetectionStatus;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResourceDrift;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionRequest;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionResponse;

/**
 * CloudFormation in memory, for the calls {@link CloudFormationProvisioner} makes. Stacks and
 * change sets move through their statuses one step per Describe call, the way a poller sees them.
 * Tests script what the next change set contains and how the next operation ends, and read back
 * every request made.
 */
final class FakeCloudFormation implements CloudFormationClient {

  static final String NO_CHANGES =
      "The submitted information didn't contain changes. Submit different information to create a change set.";
  private static final String STACK_TYPE = "AWS::CloudFormation::Stack";

  /** A status an operation reaches on a later poll, and what becomes true when it does. */
  private record Step(String status, Runnable reached) {}

  /** How an operation scripted by a test ends badly: which resource fails, and why. */
  record ResourceFailure(String logicalId, String type, String reason) {}

  private static final class FakeChangeSet {
    final String name;
    final String id;
    final ChangeSetType type;
    final CreateChangeSetRequest request;
    final List<Change> changes;
    final Instant createdAt;
    ChangeSetStatus status = ChangeSetStatus.CREATE_PENDING;
    ExecutionStatus execution = ExecutionStatus.UNAVAILABLE;
    String reason;
    final Deque<Step> upcoming = new ArrayDeque<>();

    FakeChangeSet(
        String name,
        String id,
        ChangeSetType type,
        CreateChangeSetRequest request,
        List<Change> changes,
        Instant createdAt) {
      this.name = name;
      this.id = id;
      this.type = type;
      this.request = request;
      this.changes = changes;
      this.createdAt = createdAt;
    }
  }

  private static final class FakeStack {
    final String name;
    final String id;
    String status;
    String reason;
    boolean terminationProtection;
    final Map<String, String> resources = new LinkedHashMap<>();
    final Map<String, String> outputs = new TreeMap<>();
    List<Parameter> parameters = List.of();
    List<Tag> tags = List.of();
    final List<StackEvent> events = new ArrayList<>();
    final Map<String, FakeChangeSet> changeSets = new LinkedHashMap<>();
    final Deque<Step> upcoming = new ArrayDeque<>();

    FakeStack(String name, String id, String status) {
      this.name = name;
      this.id = id;
      this.status = status;
    }
  }

  private final Map<String, FakeStack> stacks = new LinkedHashMap<>();
  private final List<CloudFormationRequest> calls = new ArrayList<>();
  private Instant now = Instant.parse("2026-11-22T10:00:00Z");
  private int ids;

  // What tests script.
  private Set<String> declaredParameters = Set.of();
  private Optional<String> templateRejection = Optional.empty();
  private List<Change> proposedChanges = List.of();
  private Map<String, String> outputsAfterDeployment = Map.of();
  private Optional<ResourceFailure> deploymentFailure = Optional.empty();
  private Optional<ResourceFailure> deletionFailure = Optional.empty();
  private int pollsPerOperation = 2;
  private List<StackResourceDrift> drifts = List.of();
  private int detectionPolls = 2;
  private final Map<String, Integer> detectionsLeft = new LinkedHashMap<>();

  // ------------------------------------------------------------ scripting

  FakeCloudFormation declares(String... parameters) {
    declaredParameters = Set.of(parameters);
    return this;
  }

  FakeCloudFormation rejectsTemplates(String message) {
    templateRejection = Optional.of(message);
    return this;
  }

  /**
   * What the next drift detections find, resource by resource (in sync ones included: the
   * provisioner must ask for the others only); a detection takes {@code polls} status reads.
   */
  FakeCloudFormation drifts(int polls, StackResourceDrift... resources) {
    drifts = List.of(resources);
    detectionPolls = polls;
    return this;
  }

  @Override
  public DetectStackDriftResponse detectStackDrift(DetectStackDriftRequest request) {
    calls.add(request);
    find(request.stackName());
    String id = "detection-" + (++ids);
    detectionsLeft.put(id, detectionPolls);
    return DetectStackDriftResponse.builder().stackDriftDetectionId(id).build();
  }

  @Override
  public DescribeStackDriftDetectionStatusResponse describeStackDriftDetectionStatus(
      DescribeStackDriftDetectionStatusRequest request) {
    calls.add(request);
    Integer left = detectionsLeft.get(request.stackDriftDetectionId());
    if (left == null) {
      throw validationError("no drift detection " + request.stackDriftDetectionId());
    }
    detectionsLeft.put(request.stackDriftDetectionId(), left - 1);
    return DescribeStackDriftDetectionStatusResponse.builder()
        .stackDriftDetectionId(request.stackDriftDetectionId())
        .detectionStatus(
            left > 1
                ? StackDriftDetectionStatus.DETECTION_IN_PROGRESS
                : StackDriftDetectionStatus.DETECTION_COMPLETE)
        .build();
  }

  /** One resource per page, so that the provisioner is seen to read every page. */
  @Override
  public DescribeStackResourceDriftsResponse describeStackResourceDrifts(
      DescribeStackResourceDriftsRequest request) {
    calls.add(request);
    find(request.stackName());
    List<StackResourceDrift> matching =
        drifts.stream()
            .filter(
                d ->
                    !request.hasStackResourceDriftStatusFilters()
                        || request
                            .stackResourceDriftStatusFilters()
                            .contains(d.stackResourceDriftStatus()))
            .toList();
    int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
    return DescribeStackResourceDriftsResponse.builder()
        .stackResourceDrifts(matching.subList(from, Math.min(from + 1, matching.size())))
        .nextToken(from + 1 < matching.size() ? Integer.toString(from + 1) : null)
        .build();
  }

  /**
   * The changes every change set made from now on contains; none makes CloudFormation refuse the
   * change set.
   */
  FakeCloudFormation proposes(Change... changes) {
    proposedChanges = List.of(changes);
    return this;
  }

  FakeCloudFormation outputsAfterDeployment(Map<String, String> outputs) {
    outputsAfterDeployment = Map.copyOf(outputs);
    return this;
  }

  FakeCloudFormation failsDeploying(ResourceFailure failure) {
    deploymentFailure = Optional.of(failure);
    return this;
  }

  FakeCloudFormation failsDeleting(ResourceFailure failure) {
    deletionFailure = Optional.of(failure);
    return this;
  }

  /**
   * How many Describe polls a stack operation (and a change set being made) shows as in progress.
   */
  FakeCloudFormation pollsPerOperation(int polls) {
    pollsPerOperation = polls;
    return this;
  }

  /**
   * A stack deployed earlier, with its resources and outputs, and a failure event from an older
   * operation.
   */
  FakeCloudFormation hasStack(
      String name, String status, Map<String, String> resources, Map<String, String> outputs) {
    FakeStack stack = new FakeStack(name, stackId(name), status);
    stack.resources.putAll(resources);
    stack.outputs.putAll(outputs);
    event(stack, name, STACK_TYPE, "CREATE_IN_PROGRESS", "User Initiated");
    event(stack, "OldQueue", "AWS::SQS::Queue", "CREATE_FAILED", "an older operation failed here");
    event(stack, name, STACK_TYPE, status, null);
    stacks.put(name, stack);
    return this;
  }

  FakeCloudFormation protects(String stack) {
    stacks.get(stack).terminationProtection = true;
    return this;
  }

  static Change change(
      ChangeAction action, String logicalId, String type, Replacement replacement) {
    return Change.builder()
        .type(ChangeType.RESOURCE)
        .resourceChange(
            ResourceChange.builder()
                .action(action)
                .logicalResourceId(logicalId)
                .resourceType(type)
                .replacement(replacement)
                .build())
        .build();
  }

  static Change add(String logicalId, String type) {
    return change(ChangeAction.ADD, logicalId, type, null);
  }

  // ------------------------------------------------------------ what tests read

  List<CloudFormationRequest> calls() {
    return List.copyOf(calls);
  }

  <T extends CloudFormationRequest> List<T> calls(Class<T> type) {
    return calls.stream().filter(type::isInstance).map(type::cast).toList();
  }

  Set<String> stackNames() {
    return Set.copyOf(stacks.keySet());
  }

  Optional<String> statusOf(String stack) {
    return Optional.ofNullable(stacks.get(stack)).map(s -> s.status);
  }

  boolean isTerminationProtected(String stack) {
    return stacks.get(stack).terminationProtection;
  }

  Set<String> changeSetsOf(String stack) {
    return Set.copyOf(stacks.get(stack).changeSets.keySet());
  }

  Map<String, String> resourcesOf(String stack) {
    return Map.copyOf(stacks.get(stack).resources);
  }

  List<Tag> tagsOf(String stack) {
    return stacks.get(stack).tags;
  }

  // ------------------------------------------------------------ CloudFormation

  @Override
  public GetTemplateSummaryResponse getTemplateSummary(GetTemplateSummaryRequest request) {
    calls.add(request);
    if (templateRejection.isPresent()) {
      throw validationError(templateRejection.get());
    }
    return GetTemplateSummaryResponse.builder()
        .parameters(
            declaredParameters.stream()
                .map(
                    p ->
                        ParameterDeclaration.builder()
                            .parameterKey(p)
                            .parameterType("String")
                            .build())
                .toList())
        .build();
  }

  @Override
  public DescribeStacksResponse describeStacks(DescribeStacksRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    Stack seen =
        Stack.builder()
            .stackName(stack.name)
            .stackId(stack.id)
            .stackStatus(stack.status)
            .stackStatusReason(stack.reason)
            .enableTerminationProtection(stack.terminationProtection)
            .outputs(
                stack.outputs.entrySet().stream()
                    .map(
                        o ->
                            Output.builder()
                                .outputKey(o.getKey())
                                .outputValue(o.getValue())
                                .build())
                    .toList())
            .parameters(stack.parameters)
            .tags(stack.tags)
            .build();
    advance(stack.upcoming, s -> stack.status = s);
    return DescribeStacksResponse.builder().stacks(seen).build();
  }

  @Override
  public CreateChangeSetResponse createChangeSet(CreateChangeSetRequest request) {
    calls.add(request);
    FakeStack stack = stacks.get(request.stackName());
    boolean reviewing = stack != null && "REVIEW_IN_PROGRESS".equals(stack.status);
    if (request.changeSetType() == ChangeSetType.CREATE && stack != null && !reviewing) {
      throw validationError(
          "Stack ["
              + request.stackName()
              + "] already exists and cannot be created again with the"
              + " changeSet ["
              + request.changeSetName()
              + "].");
    }
    if (request.changeSetType() != ChangeSetType.CREATE && (stack == null || reviewing)) {
      throw validationError("Stack [" + request.stackName() + "] does not exist");
    }
    if (stack == null) {
      stack =
          new FakeStack(request.stackName(), stackId(request.stackName()), "REVIEW_IN_PROGRESS");
      event(stack, stack.name, STACK_TYPE, "REVIEW_IN_PROGRESS", "User Initiated");
      stacks.put(stack.name, stack);
    }
    if (stack.changeSets.containsKey(request.changeSetName())) {
      throw AlreadyExistsException.builder()
          .message("ChangeSet " + request.changeSetName() + " already exists")
          .build();
    }
    String id =
        "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/"
            + request.changeSetName()
            + "/"
            + ++ids;
    FakeChangeSet changeSet =
        new FakeChangeSet(
            request.changeSetName(), id, request.changeSetType(), request, proposedChanges, tick());
    for (int i = 1; i < pollsPerOperation; i++) {
      changeSet.upcoming.add(new Step("CREATE_IN_PROGRESS", () -> {}));
    }
    if (proposedChanges.isEmpty()) {
      changeSet.upcoming.add(new Step("FAILED", () -> changeSet.reason = NO_CHANGES));
    } else {
      changeSet.upcoming.add(
          new Step("CREATE_COMPLETE", () -> changeSet.execution = ExecutionStatus.AVAILABLE));
    }
    stack.changeSets.put(changeSet.name, changeSet);
    return CreateChangeSetResponse.builder().id(id).stackId(stack.id).build();
  }

  @Override
  public DescribeChangeSetResponse describeChangeSet(DescribeChangeSetRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    FakeChangeSet changeSet = stack.changeSets.get(request.changeSetName());
    if (changeSet == null) {
      throw ChangeSetNotFoundException.builder()
          .message("ChangeSet [" + request.changeSetName() + "] does not exist")
          .build();
    }
    DescribeChangeSetResponse seen =
        DescribeChangeSetResponse.builder()
            .changeSetName(changeSet.name)
            .changeSetId(changeSet.id)
            .stackName(stack.name)
            .stackId(stack.id)
            .status(changeSet.status)
            .statusReason(changeSet.reason)
            .executionStatus(changeSet.execution)
            .creationTime(changeSet.createdAt)
            .changes(
                changeSet.status == ChangeSetStatus.CREATE_COMPLETE ? changeSet.changes : List.of())
            .parameters(changeSet.request.parameters())
            .tags(changeSet.request.tags())
            .capabilities(changeSet.request.capabilities())
            .build();
    advance(changeSet.upcoming, s -> changeSet.status = ChangeSetStatus.fromValue(s));
    return seen;
  }

  @Override
  public ExecuteChangeSetResponse executeChangeSet(ExecuteChangeSetRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    FakeChangeSet changeSet = stack.changeSets.get(request.changeSetName());
    if (changeSet == null) {
      throw ChangeSetNotFoundException.builder().message("ChangeSet does not exist").build();
    }
    if (changeSet.status != ChangeSetStatus.CREATE_COMPLETE
        || changeSet.execution != ExecutionStatus.AVAILABLE) {
      throw InvalidChangeSetStatusException.builder()
          .message(
              "ChangeSet ["
                  + changeSet.id
                  + "] cannot be executed in its current status of ["
                  + changeSet.status
                  + "]")
          .build();
    }
    // Executing a change set makes the stack's other change sets obsolete; CloudFormation deletes
    // them.
    stack.changeSets.keySet().removeIf(name -> !name.equals(changeSet.name));
    boolean creating = changeSet.type == ChangeSetType.CREATE;
    String verb = creating ? "CREATE" : "UPDATE";
    changeSet.execution = ExecutionStatus.EXECUTE_IN_PROGRESS;
    stack.status = verb + "_IN_PROGRESS";
    stack.parameters = changeSet.request.parameters();
    stack.tags = changeSet.request.tags();
    event(stack, stack.name, STACK_TYPE, stack.status, "User Initiated");
    for (int i = 1; i < pollsPerOperation; i++) {
      stack.upcoming.add(new Step(stack.status, () -> {}));
    }
    Optional<ResourceFailure> failure = deploymentFailure;
    deploymentFailure = Optional.empty();
    if (failure.isPresent()) {
      ResourceFailure f = failure.get();
      String rollback = creating ? "ROLLBACK" : "UPDATE_ROLLBACK";
      stack.upcoming.add(
          new Step(
              rollback + "_IN_PROGRESS",
              () -> {
                event(stack, f.logicalId(), f.type(), verb + "_FAILED", f.reason());
                event(
                    stack,
                    "Neighbour",
                    "AWS::SQS::Queue",
                    verb + "_FAILED",
                    "Resource creation cancelled");
                event(
                    stack,
                    stack.name,
                    STACK_TYPE,
                    rollback + "_IN_PROGRESS",
                    "The following resource(s) failed to "
                        + verb.toLowerCase(Locale.ROOT)
                        + ": ["
                        + f.logicalId()
                        + "]. ");
              }));
      stack.upcoming.add(
          new Step(
              rollback + "_COMPLETE",
              () -> {
                changeSet.execution = ExecutionStatus.EXECUTE_FAILED;
                event(stack, stack.name, STACK_TYPE, rollback + "_COMPLETE", null);
              }));
    } else {
      Map<String, String> outputs = outputsAfterDeployment;
      stack.upcoming.add(
          new Step(
              verb + "_COMPLETE",
              () -> {
                for (Change change : changeSet.changes) {
                  ResourceChange r = change.resourceChange();
                  if (r.action() == ChangeAction.REMOVE) {
                    stack.resources.remove(r.logicalResourceId());
                  } else {
                    stack.resources.put(r.logicalResourceId(), r.resourceType());
                  }
                  event(stack, r.logicalResourceId(), r.resourceType(), verb + "_COMPLETE", null);
                }
                stack.outputs.clear();
                stack.outputs.putAll(outputs);
                changeSet.execution = ExecutionStatus.EXECUTE_COMPLETE;
                event(stack, stack.name, STACK_TYPE, verb + "_COMPLETE", null);
              }));
    }
    return ExecuteChangeSetResponse.builder().build();
  }

  @Override
  public DeleteChangeSetResponse deleteChangeSet(DeleteChangeSetRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    if (stack.changeSets.remove(request.changeSetName()) == null) {
      throw ChangeSetNotFoundException.builder().message("ChangeSet does not exist").build();
    }
    return DeleteChangeSetResponse.builder().build();
  }

  @Override
  public UpdateTerminationProtectionResponse updateTerminationProtection(
      UpdateTerminationProtectionRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    stack.terminationProtection = request.enableTerminationProtection();
    return UpdateTerminationProtectionResponse.builder().stackId(stack.id).build();
  }

  @Override
  public DeleteStackResponse deleteStack(DeleteStackRequest request) {
    calls.add(request);
    FakeStack stack = stacks.get(request.stackName());
    if (stack == null) {
      // CloudFormation answers the deletion of a stack that does not exist with success.
      return DeleteStackResponse.builder().build();
    }
    if (stack.terminationProtection) {
      throw validationError(
          "Stack [" + stack.name + "] cannot be deleted while TerminationProtection is enabled");
    }
    if ("REVIEW_IN_PROGRESS".equals(stack.status)) {
      stacks.remove(stack.name);
      return DeleteStackResponse.builder().build();
    }
    stack.status = "DELETE_IN_PROGRESS";
    stack.upcoming.clear();
    event(stack, stack.name, STACK_TYPE, "DELETE_IN_PROGRESS", "User Initiated");
    for (int i = 1; i < pollsPerOperation; i++) {
      stack.upcoming.add(new Step("DELETE_IN_PROGRESS", () -> {}));
    }
    Optional<ResourceFailure> failure = deletionFailure;
    deletionFailure = Optional.empty();
    if (failure.isPresent()) {
      ResourceFailure f = failure.get();
      stack.upcoming.add(
          new Step(
              "DELETE_FAILED",
              () -> {
                event(stack, f.logicalId(), f.type(), "DELETE_FAILED", f.reason());
                event(
                    stack,
                    stack.name,
                    STACK_TYPE,
                    "DELETE_FAILED",
                    "The following resource(s) failed to delete: [" + f.logicalId() + "]. ");
              }));
    } else {
      // A deleted stack is no longer found by its name.
      stack.upcoming.add(new Step("DELETE_COMPLETE", () -> stacks.remove(stack.name)));
    }
    return DeleteStackResponse.builder().build();
  }

  @Override
  public ListStackResourcesResponse listStackResources(ListStackResourcesRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    return ListStackResourcesResponse.builder()
        .stackResourceSummaries(
            stack.resources.entrySet().stream()
                .map(
                    r ->
                        StackResourceSummary.builder()
                            .logicalResourceId(r.getKey())
                            .resourceType(r.getValue())
                            .physicalResourceId(
                                stack.name + "-" + r.getKey().toLowerCase(Locale.ROOT))
                            .resourceStatus("CREATE_COMPLETE")
                            .build())
                .toList())
        .build();
  }

  @Override
  public DescribeStackEventsResponse describeStackEvents(DescribeStackEventsRequest request) {
    calls.add(request);
    FakeStack stack = find(request.stackName());
    List<StackEvent> newestFirst = new ArrayList<>(stack.events);
    Collections.reverse(newestFirst);
    return DescribeStackEventsResponse.builder().stackEvents(newestFirst).build();
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public void close() {}

  // ------------------------------------------------------------ inside

  /** A stack by name or by id, as CloudFormation finds it; a missing one is a ValidationError. */
  private FakeStack find(String nameOrId) {
    for (FakeStack stack : stacks.values()) {
      if (stack.name.equals(nameOrId) || stack.id.equals(nameOrId)) {
        return stack;
      }
    }
    throw validationError("Stack with id " + nameOrId + " does not exist");
  }

  private static void advance(Deque<Step> upcoming, Consumer<String> setStatus) {
    Step next = upcoming.poll();
    if (next != null) {
      setStatus.accept(next.status());
      next.reached().run();
    }
  }

  private void event(FakeStack stack, String logicalId, String type, String status, String reason) {
    stack.events.add(
        StackEvent.builder()
            .eventId("event-" + ++ids)
            .stackId(stack.id)
            .stackName(stack.name)
            .logicalResourceId(logicalId)
            .resourceType(type)
            .resourceStatus(status)
            .resourceStatusReason(reason)
            .timestamp(tick())
            .build());
  }

  private Instant tick() {
    now = now.plusSeconds(1);
    return now;
  }

  private String stackId(String name) {
    return "arn:aws:cloudformation:eu-west-1:123456789012:stack/" + name + "/" + ++ids;
  }

  private static CloudFormationException validationError(String message) {
    return (CloudFormationException)
        CloudFormationException.builder()
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationError")
                    .errorMessage(message)
                    .serviceName("CloudFormation")
                    .build())
            .message(message)
            .build();
  }
}
