package io.stagecoach.local.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Log;
import io.stagecoach.local.faults.FaultInjector;
import io.stagecoach.local.faults.FaultPlan;
import io.stagecoach.local.http.RawRequest;
import io.stagecoach.local.http.RawResponse;
import io.stagecoach.local.lambda.Invocation;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge for the local cloud: the template's buses and rules, {@code PutEvents} over the AWS
 * JSON 1.1 protocol and in process, asynchronous at-least-once delivery to functions and state
 * machines with each target's retry policy and a dead-letter record, and schedule rules on a clock.
 * With a journal, deliveries accepted and not yet made survive the process being killed: {@link
 * #start} makes them.
 */
public final class LocalEventBridge implements AutoCloseable {

  private static final Log LOG = Log.of(LocalEventBridge.class);

  public static final String DEFAULT_BUS = "default";

  /** The dead-letter code of a delivery the local cloud's shutdown cut short. */
  public static final String STOPPED = "LocalCloudStopped";

  /**
   * PutEvents takes 1 to 10 entries of at most 256 KB together.
   * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
   */
  static final int MAX_ENTRIES = 10;

  static final int MAX_REQUEST_BYTES = 256 * 1024;

  /**
   * Rule limits EventBridge applies: 5 targets per rule; retry policy 0-185 attempts, 60 s to 24 h
   * of age.
   */
  static final int MAX_TARGETS = 5;

  static final int DEFAULT_RETRY_ATTEMPTS = 185;
  static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofHours(24);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final String JSON_1_1 = "application/x-amz-json-1.1";
  private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ISO_INSTANT;
  private static final Pattern FUNCTION_ARN =
      Pattern.compile("(arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:[^:]+)(:[^:]+)?");
  private static final Pattern STATE_MACHINE_ARN =
      Pattern.compile("arn:aws[a-z-]*:states:[^:]+:[^:]+:stateMachine:[^:]+");

  /** Detail keeps numbers as sent (300.0 stays 300.0), as EventBridge hands them on. */
  private static final ObjectMapper EXACT =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /**
   * How delivery behaves.
   *
   * @param retryBackoffBase the first retry's delay; each next one doubles (up to 5 minutes)
   * @param maxRetriesCap at most this many retries whatever a target's policy says (tests keep it
   *     small)
   * @param deadLetterFile where dead letters are appended as JSON lines, or null for memory only
   * @param duplicateAndShuffle test only: deliver every event twice, in random order, as
   *     EventBridge may
   * @param journalFile where deliveries not made yet are kept across a crash, or null for none
   */
  public record Options(
      Duration retryBackoffBase,
      int maxRetriesCap,
      Path deadLetterFile,
      boolean duplicateAndShuffle,
      Path journalFile) {

    public static Options defaults() {
      return new Options(Duration.ofSeconds(1), DEFAULT_RETRY_ATTEMPTS, null, false, null);
    }

    public Options withRetryBackoffBase(Duration base) {
      return new Options(base, maxRetriesCap, deadLetterFile, duplicateAndShuffle, journalFile);
    }

    public Options withMaxRetriesCap(int cap) {
      return new Options(retryBackoffBase, cap, deadLetterFile, duplicateAndShuffle, journalFile);
    }

    public Options withDeadLetterFile(Path file) {
      return new Options(retryBackoffBase, maxRetriesCap, file, duplicateAndShuffle, journalFile);
    }

    public Options withDuplicateAndShuffle(boolean on) {
      return new Options(retryBackoffBase, maxRetriesCap, deadLetterFile, on, journalFile);
    }

    public Options withJournalFile(Path file) {
      return new Options(
          retryBackoffBase, maxRetriesCap, deadLetterFile, duplicateAndShuffle, file);
    }
  }

  enum TargetKind {
    FUNCTION,
    STATE_MACHINE,
    UNSUPPORTED
  }

  record Target(
      String id,
      String arn,
      TargetKind kind,
      String deliverTo,
      TargetInput input,
      int maxRetries,
      Duration maxEventAge,
      String deadLetterQueueArn) {}

  record Rule(
      String name,
      String arn,
      String bus,
      EventPattern pattern,
      Schedule schedule,
      boolean enabled,
      List<Target> targets) {

    TargetInput.Rule identity() {
      return new TargetInput.Rule(name, arn);
    }
  }

  /** An event as targets see it, with when it entered the bus (for the maximum event age). */
  private record Envelope(String id, JsonNode json, String text, Instant ingested) {}

  private final String region;
  private final Targets targets;
  private final Clock clock;
  private final Options options;
  private final DeliveryJournal journal;
  private final Map<String, String> busArns = new LinkedHashMap<>();
  private final List<Rule> rules = new ArrayList<>();

  /**
   * One Event Ruler machine per bus holding every enabled rule's pattern, as EventBridge matches:
   * the cost of matching an event does not grow with the number of rules.
   */
  private final Map<String, Machine> machines = new LinkedHashMap<>();

  private final Map<String, Map<String, Rule>> rulesByBus = new LinkedHashMap<>();
  private final List<String> unsupportedTargets = new ArrayList<>();
  private final Map<String, Instant> nextFire = new ConcurrentHashMap<>();
  private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger pending = new AtomicInteger();
  private final EventFeed feed;
  private final ScheduledExecutorService deliveries =
      Executors.newScheduledThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "stagecoach-events-delivery");
            t.setDaemon(true);
            return t;
          });
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stagecoach-events-scheduler");
            t.setDaemon(true);
            return t;
          });

  public LocalEventBridge(CloudTemplate template, Targets targets, Clock clock, Options options) {
    this.region = template.region();
    this.targets = targets;
    this.clock = clock;
    this.options = options;
    this.feed = EventFeed.withDefaults(clock);
    this.journal =
        options.journalFile() == null ? null : DeliveryJournal.open(EXACT, options.journalFile());
    busArns.put(DEFAULT_BUS, busArn(DEFAULT_BUS));
    Map<String, String> busNamesById = new LinkedHashMap<>();
    for (CloudTemplate.Resource bus : template.ofType("AWS::Events::EventBus")) {
      String name = template.text(bus, "Name", bus.logicalId());
      busNamesById.put(bus.logicalId(), name);
      busArns.put(name, busArn(name));
    }
    Instant now = clock.instant();
    for (CloudTemplate.Resource r : template.ofType("AWS::Events::Rule")) {
      Rule rule = rule(template, r, busNamesById, now);
      if (rulesByBus
              .computeIfAbsent(rule.bus(), b -> new LinkedHashMap<>())
              .putIfAbsent(rule.name(), rule)
          != null) {
        throw new TemplateException(
            "rule "
                + rule.name()
                + " ("
                + r.logicalId()
                + "): another rule on bus "
                + rule.bus()
                + " has the same name");
      }
      rules.add(rule);
      if (rule.enabled() && rule.pattern() != null) {
        try {
          machines
              .computeIfAbsent(rule.bus(), b -> Machine.builder().build())
              .addRule(rule.name(), rule.pattern().text());
        } catch (IOException e) {
          throw new TemplateException(
              "rule " + rule.name() + " (" + r.logicalId() + "): " + e.getMessage());
        }
      }
      if (rule.schedule() != null) {
        Instant next = rule.schedule().nextAfter(now);
        if (next != null) {
          nextFire.put(rule.name(), next);
        }
      }
    }
  }

  // ------------------------------------------------------------ template

  private Rule rule(
      CloudTemplate template,
      CloudTemplate.Resource r,
      Map<String, String> busNamesById,
      Instant now) {
    String name = template.text(r, "Name", r.logicalId());
    String where = "rule " + name + " (" + r.logicalId() + ")";
    String bus = busOf(template, r, busNamesById, where);
    String arn =
        "arn:aws:events:"
            + region
            + ":"
            + CloudTemplate.LOCAL_ACCOUNT
            + ":rule/"
            + (bus.equals(DEFAULT_BUS) ? "" : bus + "/")
            + name;

    EventPattern pattern = null;
    JsonNode patternNode = template.property(r, "EventPattern");
    if (!patternNode.isMissingNode() && !patternNode.isNull()) {
      try {
        pattern =
            patternNode.isTextual()
                ? EventPattern.compile(patternNode.asText())
                : EventPattern.compile(patternNode);
      } catch (InvalidEventPatternException e) {
        throw new TemplateException(where + ": " + e.getMessage());
      }
    }
    Schedule schedule = null;
    JsonNode scheduleNode = template.property(r, "ScheduleExpression");
    if (!scheduleNode.isMissingNode() && !scheduleNode.isNull()) {
      try {
        schedule = Schedule.parse(scheduleNode.asText());
      } catch (IllegalArgumentException e) {
        throw new TemplateException(where + ": " + e.getMessage());
      }
      if (schedule instanceof Schedule.Rate rate) {
        schedule = rate.anchoredAt(now);
      }
      if (!bus.equals(DEFAULT_BUS)) {
        throw new TemplateException(
            where + ": ScheduleExpression is supported only on the default event bus");
      }
    }
    if (pattern == null && schedule == null) {
      throw new TemplateException(where + ": a rule needs an EventPattern or a ScheduleExpression");
    }
    String state = template.text(r, "State", "ENABLED");
    boolean enabled =
        switch (state) {
          case "ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" -> true;
          case "DISABLED" -> false;
          default ->
              throw new TemplateException(
                  where + ": State " + state + " is not ENABLED or DISABLED");
        };

    List<Target> list = new ArrayList<>();
    JsonNode rawTargets = r.properties().path("Targets");
    JsonNode resolvedTargets = template.property(r, "Targets");
    if (resolvedTargets.size() > MAX_TARGETS) {
      throw new TemplateException(
          where + ": " + resolvedTargets.size() + " targets; a rule has at most " + MAX_TARGETS);
    }
    for (int i = 0; i < resolvedTargets.size(); i++) {
      Target target = target(template, rawTargets.path(i), resolvedTargets.get(i), where);
      if (target.kind() == TargetKind.UNSUPPORTED) {
        unsupportedTargets.add(name + "/" + target.id() + " -> " + target.arn());
      }
      list.add(target);
    }
    return new Rule(name, arn, bus, pattern, schedule, enabled, List.copyOf(list));
  }

  private String busOf(
      CloudTemplate template,
      CloudTemplate.Resource r,
      Map<String, String> busNamesById,
      String where) {
    JsonNode raw = r.properties().path("EventBusName");
    if (raw.isMissingNode() || raw.isNull()) {
      return DEFAULT_BUS;
    }
    for (String id : CloudTemplate.referencedIds(raw)) {
      if (busNamesById.containsKey(id)) {
        return busNamesById.get(id);
      }
    }
    String bus = busName(template.property(r, "EventBusName").asText());
    if (!busArns.containsKey(bus)) {
      throw new TemplateException(where + ": event bus " + bus + " is not defined in the template");
    }
    return bus;
  }

  private Target target(CloudTemplate template, JsonNode raw, JsonNode t, String where) {
    String id = t.path("Id").asText("");
    if (id.isEmpty()) {
      throw new TemplateException(where + ": a target has no Id");
    }
    String targetWhere = where + " target " + id;
    String arn = t.path("Arn").asText("");
    TargetKind kind = TargetKind.UNSUPPORTED;
    String deliverTo = arn;
    Optional<String> function = template.functionReferencedBy(raw.path("Arn"));
    Optional<CloudTemplate.Resource> stateMachine =
        CloudTemplate.referencedIds(raw.path("Arn")).stream()
            .map(template::resource)
            .flatMap(Optional::stream)
            .filter(res -> res.type().equals("AWS::StepFunctions::StateMachine"))
            .findFirst();
    Matcher functionArn = FUNCTION_ARN.matcher(arn);
    if (function.isPresent()) {
      kind = TargetKind.FUNCTION;
      deliverTo = template.functionArn(function.get());
    } else if (stateMachine.isPresent()) {
      kind = TargetKind.STATE_MACHINE;
      deliverTo = template.stateMachineArn(stateMachine.get());
    } else if (functionArn.matches()) {
      // An alias or version ARN runs the function itself locally: drop the qualifier.
      kind = TargetKind.FUNCTION;
      deliverTo = functionArn.group(1);
    } else if (STATE_MACHINE_ARN.matcher(arn).matches()) {
      kind = TargetKind.STATE_MACHINE;
    }

    int inputs =
        (t.has("Input") ? 1 : 0)
            + (t.has("InputPath") ? 1 : 0)
            + (t.has("InputTransformer") ? 1 : 0);
    if (inputs > 1) {
      throw new TemplateException(
          targetWhere + ": only one of Input, InputPath and InputTransformer may be set");
    }
    TargetInput input;
    try {
      if (t.has("Input")) {
        String json =
            t.get("Input").isTextual() ? t.get("Input").asText() : t.get("Input").toString();
        EXACT.readTree(json);
        input = new TargetInput.Constant(json);
      } else if (t.has("InputPath")) {
        input = new TargetInput.Path(JsonPath.parse(t.get("InputPath").asText()));
      } else if (t.has("InputTransformer")) {
        JsonNode transformer = t.get("InputTransformer");
        Map<String, JsonPath> paths = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : transformer.path("InputPathsMap").properties()) {
          paths.put(e.getKey(), JsonPath.parse(e.getValue().asText()));
        }
        if (!transformer.path("InputTemplate").isTextual()) {
          throw new IllegalArgumentException("InputTransformer needs an InputTemplate");
        }
        input = new TargetInput.Transformer(paths, transformer.get("InputTemplate").asText());
      } else {
        input = new TargetInput.WholeEvent();
      }
    } catch (JsonProcessingException e) {
      throw new TemplateException(
          targetWhere + ": Input is not valid JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new TemplateException(targetWhere + ": " + e.getMessage());
    }

    JsonNode retry = t.path("RetryPolicy");
    int attempts = retry.path("MaximumRetryAttempts").asInt(DEFAULT_RETRY_ATTEMPTS);
    long age = retry.path("MaximumEventAgeInSeconds").asLong(DEFAULT_MAX_EVENT_AGE.toSeconds());
    if (attempts < 0 || attempts > DEFAULT_RETRY_ATTEMPTS) {
      throw new TemplateException(
          targetWhere + ": MaximumRetryAttempts must be 0-185, not " + attempts);
    }
    if (age < 60 || age > DEFAULT_MAX_EVENT_AGE.toSeconds()) {
      throw new TemplateException(
          targetWhere + ": MaximumEventAgeInSeconds must be 60-86400, not " + age);
    }
    String dlq = t.path("DeadLetterConfig").path("Arn").asText("");
    return new Target(id, arn, kind, deliverTo, input, attempts, Duration.ofSeconds(age), dlq);
  }

  private String busArn(String name) {
    return "arn:aws:events:" + region + ":" + CloudTemplate.LOCAL_ACCOUNT + ":event-bus/" + name;
  }

  /** A bus named by name or by ARN. */
  private static String busName(String nameOrArn) {
    if (nameOrArn == null || nameOrArn.isEmpty()) {
      return DEFAULT_BUS;
    }
    int slash = nameOrArn.indexOf(":event-bus/");
    return nameOrArn.startsWith("arn:") && slash >= 0
        ? nameOrArn.substring(slash + ":event-bus/".length())
        : nameOrArn;
  }

  // ------------------------------------------------------------ PutEvents

  /**
   * {@code PutEvents} for other local services (Step Functions' {@code events:putEvents}). Entries
   * that fail validation get an error in their slot; the others are put.
   *
   * @throws PutEventsRejectedException when the request as a whole is invalid (no entries, more
   *     than 10, over 256 KB): the API's ValidationException
   */
  public PutEventsResult putEvents(List<PutEventsEntry> entries) {
    if (entries == null || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
      throw new PutEventsRejectedException(
          "1 validation error detected: Value at 'entries' failed to satisfy"
              + " constraint: Member must have length between 1 and "
              + MAX_ENTRIES);
    }
    long size = 0;
    for (PutEventsEntry e : entries) {
      size += entrySize(e);
    }
    if (size > MAX_REQUEST_BYTES) {
      throw new PutEventsRejectedException(
          "Total size of the entries in the request is over the limit ("
              + size
              + " bytes; at most "
              + MAX_REQUEST_BYTES
              + ")");
    }
    List<PutEventsResult.Entry> results = new ArrayList<>();
    int failed = 0;
    for (PutEventsEntry e : entries) {
      PutEventsResult.Entry result = put(e);
      if (result.failed()) {
        failed++;
      }
      results.add(result);
    }
    return new PutEventsResult(failed, results);
  }

  /**
   * How EventBridge counts an entry's size.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
   */
  private static long entrySize(PutEventsEntry e) {
    long size = e.time() != null ? 14 : 0;
    size += utf8(e.source()) + utf8(e.detailType()) + utf8(e.detail());
    for (String resource : e.resources()) {
      size += utf8(resource);
    }
    return size;
  }

  private static long utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private PutEventsResult.Entry put(PutEventsEntry e) {
    if (e.source() == null || e.source().isEmpty()) {
      return rejected(
          "InvalidArgument",
          "Parameter Source is not valid. Reason: Source is a required argument.");
    }
    if (e.detailType() == null || e.detailType().isEmpty()) {
      return rejected(
          "InvalidArgument",
          "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
    }
    if (e.detail() == null || e.detail().isEmpty()) {
      return rejected(
          "InvalidArgument",
          "Parameter Detail is not valid. Reason: Detail is a required argument.");
    }
    JsonNode detail;
    try {
      detail = EXACT.readTree(e.detail());
    } catch (JsonProcessingException ex) {
      detail = null;
    }
    if (detail == null || !detail.isObject()) {
      return rejected("MalformedDetail", "Detail is malformed.");
    }
    String bus = busName(e.eventBusName());
    if (!busArns.containsKey(bus)) {
      // EventBridge has been seen to accept events for a bus that does not exist and drop them
      // (https://github.com/aws/aws-sdk/issues/186); locally a misnamed bus is a per-entry error,
      // with
      // InvalidArgument from the documented per-entry codes, so the mistake shows in tests.
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
      return rejected("InvalidArgument", "Event bus " + bus + " does not exist.");
    }
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    ObjectNode event =
        envelope(
            id,
            e.detailType(),
            e.source(),
            e.time() == null ? now : e.time(),
            e.resources(),
            detail);
    publish(bus, new Envelope(id, event, event.toString(), now));
    return new PutEventsResult.Entry(id, null, null);
  }

  private static PutEventsResult.Entry rejected(String code, String message) {
    return new PutEventsResult.Entry(null, code, message);
  }

  private ObjectNode envelope(
      String id,
      String detailType,
      String source,
      Instant time,
      List<String> resources,
      JsonNode detail) {
    ObjectNode event = EXACT.createObjectNode();
    event.put("version", "0");
    event.put("id", id);
    event.put("detail-type", detailType);
    event.put("source", source);
    event.put("account", CloudTemplate.LOCAL_ACCOUNT);
    // EventBridge's event time has whole seconds.
    event.put("time", EVENT_TIME.format(time.truncatedTo(ChronoUnit.SECONDS)));
    event.put("region", region);
    ArrayNode res = event.putArray("resources");
    resources.forEach(res::add);
    event.set("detail", detail);
    return event;
  }

  private void publish(String bus, Envelope event) {
    feed.add(bus, event.text());
    Machine machine = machines.get(bus);
    if (machine == null) {
      return;
    }
    List<String> matched;
    try {
      matched = machine.rulesForJSONEvent(event.text());
    } catch (Exception e) {
      // The envelope is built here from a validated detail object: Event Ruler cannot refuse it.
      throw new IllegalStateException(
          "Event Ruler refused an event the bus built: " + e.getMessage(), e);
    }
    for (String name : matched) {
      dispatch(rulesByBus.get(bus).get(name), event);
    }
  }

  // ------------------------------------------------------------ the wire protocol

  /**
   * {@code AWSEvents.PutEvents} over the AWS JSON 1.1 protocol, as the SDK's EventBridgeClient
   * sends it.
   */
  public RawResponse handle(RawRequest request) {
    String target = request.header("X-Amz-Target");
    if (!"POST".equals(request.method())) {
      return error(400, "UnknownOperationException", "EventBridge takes POST requests");
    }
    if (target == null || !target.startsWith("AWSEvents.")) {
      return error(
          400,
          "UnknownOperationException",
          "No X-Amz-Target header naming an EventBridge operation");
    }
    if (!target.equals("AWSEvents.PutEvents")) {
      return error(
          400,
          "UnknownOperationException",
          "Operation "
              + target.substring("AWSEvents.".length())
              + " is not supported by the local cloud");
    }
    JsonNode body;
    try {
      body = EXACT.readTree(request.body());
    } catch (IOException e) {
      return error(400, "ValidationException", "The request body is not JSON");
    }
    if (body == null || !body.isObject()) {
      return error(400, "ValidationException", "The request body must be a JSON object");
    }
    JsonNode entries = body.path("Entries");
    if (!entries.isArray()) {
      return error(
          400,
          "ValidationException",
          "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
    }
    List<PutEventsEntry> list = new ArrayList<>();
    for (JsonNode e : entries) {
      if (!e.isObject()) {
        return error(400, "ValidationException", "Each of Entries must be an object");
      }
      List<String> resources = new ArrayList<>();
      e.path("Resources").forEach(r -> resources.add(r.asText()));
      Instant time;
      try {
        time = time(e.path("Time"));
      } catch (RuntimeException ex) {
        return error(400, "ValidationException", "Time is not a timestamp: " + e.path("Time"));
      }
      list.add(
          new PutEventsEntry(
              text(e, "Source"),
              text(e, "DetailType"),
              text(e, "Detail"),
              text(e, "EventBusName"),
              resources,
              time));
    }
    PutEventsResult result;
    try {
      result = putEvents(list);
    } catch (PutEventsRejectedException ex) {
      return error(400, ex.errorCode(), ex.getMessage());
    }
    ObjectNode out = EXACT.createObjectNode();
    out.put("FailedEntryCount", result.failedEntryCount());
    ArrayNode answers = out.putArray("Entries");
    for (PutEventsResult.Entry r : result.entries()) {
      ObjectNode a = answers.addObject();
      if (r.failed()) {
        a.put("ErrorCode", r.errorCode());
        a.put("ErrorMessage", r.errorMessage());
      } else {
        a.put("EventId", r.eventId());
      }
    }
    return json(200, out.toString(), null);
  }

  private static String text(JsonNode entry, String field) {
    JsonNode v = entry.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }

  /** JSON 1.1 timestamps are epoch seconds (a number); an ISO string is taken too. */
  private static Instant time(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return Instant.ofEpochMilli(v.decimalValue().movePointRight(3).longValue());
    }
    return Instant.parse(v.asText());
  }

  private static RawResponse error(int status, String type, String message) {
    ObjectNode body = EXACT.createObjectNode();
    body.put("__type", type);
    body.put("message", message);
    return json(status, body.toString(), type);
  }

  private static RawResponse json(int status, String body, String errorType) {
    return RawResponse.awsJson(status, JSON_1_1, body, errorType);
  }

  // ------------------------------------------------------------ schedules

  /**
   * Makes the deliveries that the journal says the last run accepted and never made, then starts
   * firing schedule rules on the clock (checked every second).
   */
  public void start() {
    if (journal != null) {
      redeliver(journal.leftByLastRun());
    }
    scheduler.scheduleAtFixedRate(this::fireDueSchedules, 0, 1, TimeUnit.SECONDS);
  }

  /**
   * Each delivery starts over with its first attempt; its event keeps the time it entered the bus,
   * so the target's maximum event age still counts from then.
   */
  private void redeliver(List<ObjectNode> left) {
    for (ObjectNode entry : left) {
      String delivery = entry.path("delivery").asText();
      Rule rule =
          rulesByBus
              .getOrDefault(entry.path("bus").asText(), Map.of())
              .get(entry.path("rule").asText());
      Optional<Target> target =
          rule == null
              ? Optional.empty()
              : rule.targets().stream()
                  .filter(t -> t.id().equals(entry.path("target").asText()))
                  .findFirst();
      if (target.isEmpty()) {
        LOG.error(
            "a delivery left by the last run names a rule or target the template no longer has",
            "rule",
            entry.path("rule").asText(),
            "targetId",
            entry.path("target").asText());
        journal.settled(delivery);
        continue;
      }
      JsonNode event = entry.path("event");
      schedule(
          rule,
          target.get(),
          new Envelope(
              event.path("id").asText(),
              event,
              event.toString(),
              Instant.parse(entry.path("ingested").asText())),
          delivery,
          1,
          Duration.ZERO);
    }
    if (!left.isEmpty()) {
      LOG.info(
          "delivering what the last run accepted and never delivered",
          "deliveries",
          String.valueOf(left.size()));
    }
  }

  /**
   * The clock was moved: the schedules that came due fire now rather than at the next second's
   * check. A rule whose schedule passed several times fires once, as one late check would.
   */
  public void clockMoved() {
    try {
      scheduler.execute(this::fireDueSchedules);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: no more schedules fire.
    }
  }

  void fireDueSchedules() {
    Instant now = clock.instant();
    for (Rule rule : rules) {
      Instant due = nextFire.get(rule.name());
      if (rule.enabled() && due != null && !now.isBefore(due)) {
        Instant next = rule.schedule().nextAfter(now);
        if (next == null) {
          nextFire.remove(rule.name());
        } else {
          nextFire.put(rule.name(), next);
        }
        fire(rule);
      }
    }
  }

  /** When a schedule rule fires next, if it is an enabled one that will. */
  public Optional<Instant> nextFireTime(String ruleName) {
    boolean enabled = rules.stream().anyMatch(r -> r.name().equals(ruleName) && r.enabled());
    return enabled ? Optional.ofNullable(nextFire.get(ruleName)) : Optional.empty();
  }

  /**
   * Fires a rule now, as its schedule would: a {@code Scheduled Event} to each of its targets. Any
   * rule can be fired this way (an operator's explicit request), enabled or not, scheduled or not.
   *
   * @return the event's id
   * @throws IllegalArgumentException if there is no such rule
   */
  public String fireNow(String ruleName) {
    return fire(
        rules.stream()
            .filter(r -> r.name().equals(ruleName) || (r.bus() + "/" + r.name()).equals(ruleName))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("Rule " + ruleName + " does not exist.")));
  }

  private String fire(Rule rule) {
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    ObjectNode event =
        envelope(
            id,
            "Scheduled Event",
            "aws.events",
            now,
            List.of(rule.arn()),
            EXACT.createObjectNode());
    String text = event.toString();
    feed.add(rule.bus(), text);
    dispatch(rule, new Envelope(id, event, text, now));
    return id;
  }

  /** The events the buses received lately (scheduled ones included), to follow them live. */
  public EventFeed feed() {
    return feed;
  }

  public List<String> ruleNames() {
    return rules.stream().map(Rule::name).toList();
  }

  public List<String> busNames() {
    return List.copyOf(busArns.keySet());
  }

  /**
   * Targets the local cloud cannot deliver to (neither a function nor a state machine): rule/target
   * -> ARN.
   */
  public List<String> unsupportedTargets() {
    return List.copyOf(unsupportedTargets);
  }

  // ------------------------------------------------------------ delivery

  private void dispatch(Rule rule, Envelope event) {
    for (Target target : rule.targets()) {
      if (target.kind() == TargetKind.UNSUPPORTED) {
        continue;
      }
      if (options.duplicateAndShuffle()) {
        // At least once and out of order: two copies, each after a random short delay.
        schedule(
            rule,
            target,
            event,
            accept(rule, target, event),
            1,
            Duration.ofMillis(ThreadLocalRandom.current().nextInt(50)));
        schedule(
            rule,
            target,
            event,
            accept(rule, target, event),
            1,
            Duration.ofMillis(ThreadLocalRandom.current().nextInt(50)));
      } else if (faults != null) {
        // Injected faults: a second copy, and delays that let later events overtake this one.
        int copies = faults.hits(FaultPlan.Kind.EVENT_DUPLICATE) ? 2 : 1;
        for (int i = 0; i < copies; i++) {
          schedule(
              rule,
              target,
              event,
              accept(rule, target, event),
              1,
              faults.delay(FaultPlan.Kind.EVENT_DELAY));
        }
      } else {
        schedule(rule, target, event, accept(rule, target, event), 1, Duration.ZERO);
      }
    }
  }

  private volatile FaultInjector faults;

  /** Delivers with the injector's event faults (duplicates, delays) from now on. */
  public void injectFaults(FaultInjector injector) {
    this.faults = injector;
  }

  /** A new delivery's key, written to the journal (if any) before {@code PutEvents} answers. */
  private String accept(Rule rule, Target target, Envelope event) {
    String delivery = UUID.randomUUID().toString();
    if (journal != null && !closing) {
      ObjectNode entry = EXACT.createObjectNode();
      entry.put("delivery", delivery);
      entry.put("bus", rule.bus());
      entry.put("rule", rule.name());
      entry.put("target", target.id());
      entry.put("ingested", event.ingested().toString());
      entry.set("event", event.json());
      journal.accepted(entry);
    }
    return delivery;
  }

  private void settle(String delivery) {
    if (journal != null) {
      journal.settled(delivery);
    }
  }

  /**
   * A delivery waiting for its turn (or its retry); what close() records if the local cloud stops
   * first.
   */
  private record Scheduled(
      Rule rule, Target target, Envelope event, String delivery, int attempt) {}

  private final Set<Scheduled> scheduled = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  private void schedule(
      Rule rule, Target target, Envelope event, String delivery, int attempt, Duration delay) {
    if (closing) {
      deadLetter(
          rule,
          target,
          event,
          delivery,
          attempt - 1,
          STOPPED,
          "the local cloud stopped before this delivery");
      return;
    }
    pending.incrementAndGet();
    Scheduled entry = new Scheduled(rule, target, event, delivery, attempt);
    scheduled.add(entry);
    try {
      deliveries.schedule(
          () -> {
            scheduled.remove(entry);
            attempt(rule, target, event, delivery, attempt);
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      scheduled.remove(entry);
      pending.decrementAndGet();
      throw e;
    }
  }

  private void attempt(Rule rule, Target target, Envelope event, String delivery, int attempt) {
    try {
      String input = target.input().render(event.json(), event.text(), rule.identity());
      String[] failure = deliver(target, input);
      if (failure == null) {
        settle(delivery);
        return;
      }
      int retries = Math.min(target.maxRetries(), options.maxRetriesCap());
      Duration age = Duration.between(event.ingested(), clock.instant());
      Duration backoff = backoff(attempt);
      if (closing) {
        deadLetter(
            rule,
            target,
            event,
            delivery,
            attempt,
            STOPPED,
            "the local cloud stopped during delivery: " + failure[1]);
      } else if (attempt - 1 >= retries || age.plus(backoff).compareTo(target.maxEventAge()) > 0) {
        deadLetter(rule, target, event, delivery, attempt, failure[0], failure[1]);
      } else {
        schedule(rule, target, event, delivery, attempt + 1, backoff);
      }
    } catch (RuntimeException e) {
      deadLetter(
          rule,
          target,
          event,
          delivery,
          attempt,
          e.getClass().getSimpleName(),
          String.valueOf(e.getMessage()));
    } finally {
      pending.decrementAndGet();
    }
  }

  /** Delivers once: null on success, else {error code, message}. */
  private String[] deliver(Target target, String input) {
    try {
      if (target.kind() == TargetKind.FUNCTION) {
        Invocation result =
            targets.invokeFunction(target.deliverTo(), input.getBytes(StandardCharsets.UTF_8));
        return result.functionError()
            ? new String[] {result.errorType(), result.errorMessage()}
            : null;
      }
      targets.startExecution(target.deliverTo(), input);
      return null;
    } catch (RuntimeException e) {
      return new String[] {e.getClass().getSimpleName(), String.valueOf(e.getMessage())};
    }
  }

  private Duration backoff(int attempt) {
    Duration base = options.retryBackoffBase();
    Duration delay = base.multipliedBy(1L << Math.min(attempt - 1, 20));
    Duration cap = base.compareTo(MAX_BACKOFF) > 0 ? base : MAX_BACKOFF;
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  /** Gives up on a delivery: recorded as a dead letter, and settled in the journal. */
  private void deadLetter(
      Rule rule,
      Target target,
      Envelope event,
      String delivery,
      int attempts,
      String code,
      String message) {
    settle(delivery);
    DeadLetter letter =
        new DeadLetter(
            clock.instant(),
            event.id(),
            rule.name(),
            rule.arn(),
            target.id(),
            target.arn(),
            target.deadLetterQueueArn(),
            attempts,
            code,
            message,
            event.text());
    deadLetters.add(letter);
    LOG.error(
        "EventBridge gave up on an event",
        "eventId",
        event.id(),
        "rule",
        rule.name(),
        "targetId",
        target.id(),
        "attempts",
        String.valueOf(attempts),
        "errorCode",
        code,
        "error",
        message);
    if (options.deadLetterFile() != null) {
      appendLine(options.deadLetterFile(), letter);
    }
  }

  private static synchronized void appendLine(Path file, DeadLetter letter) {
    ObjectNode line = EXACT.createObjectNode();
    line.put("time", letter.time().toString());
    line.put("eventId", letter.eventId());
    line.put("rule", letter.ruleName());
    line.put("ruleArn", letter.ruleArn());
    line.put("targetId", letter.targetId());
    line.put("targetArn", letter.targetArn());
    line.put("deadLetterQueueArn", letter.deadLetterQueueArn());
    line.put("attempts", letter.attempts());
    line.put("errorCode", letter.errorCode());
    line.put("errorMessage", letter.errorMessage());
    try {
      line.set("event", EXACT.readTree(letter.event()));
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.error(e, "cannot append to the dead-letter file", "file", file.toString());
    }
  }

  /** The events given up on so far, oldest first. */
  public List<DeadLetter> deadLetters() {
    synchronized (deadLetters) {
      return List.copyOf(deadLetters);
    }
  }

  /**
   * Waits until no delivery is pending or under way (retries included).
   *
   * @return false if some still were when the timeout passed
   */
  public boolean awaitDeliveries(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /**
   * Stops: deliveries under way may finish (a few seconds at most), and every delivery that has not
   * happened is recorded as a dead letter ({@code LocalCloudStopped}) rather than dropped silently.
   */
  @Override
  public void close() {
    closing = true;
    feed.close();
    scheduler.shutdownNow();
    if (deliveries instanceof java.util.concurrent.ScheduledThreadPoolExecutor pool) {
      pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }
    deliveries.shutdown();
    try {
      deliveries.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deliveries.shutdownNow();
    for (Scheduled left : scheduled) {
      deadLetter(
          left.rule(),
          left.target(),
          left.event(),
          left.delivery(),
          left.attempt() - 1,
          STOPPED,
          "the local cloud stopped before this delivery");
    }
    scheduled.clear();
    if (journal != null) {
      journal.close();
    }
  }
}
