package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.properties;
import static io.stagecoach.infra.aws.SynthesizedTemplate.ref;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import software.amazon.awscdk.assertions.Match;

class FunctionsTemplateTest {

    static final String API_HANDLER = "io.stagecoach.functions.api.ApiHandler::handleRequest";
    static final String AUTHORIZER_HANDLER = "io.stagecoach.functions.auth.TokenAuthorizerHandler::handleRequest";
    static final String ARTIFACT_CHECK_HANDLER = "io.stagecoach.functions.intake.ArtifactCheckHandler::handleRequest";
    private static final List<String> HANDLERS = List.of(API_HANDLER, AUTHORIZER_HANDLER, ARTIFACT_CHECK_HANDLER);
    private static final String JIT_AT_C1 = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    private static final String FUNCTION = "AWS::Lambda::Function";

    /** The logical id of the function with that handler. */
    static String functionId(final String handler) {
        return template().getResourceId(FUNCTION, Map.of("Properties", Match.objectLike(Map.of("Handler", handler))));
    }

    /** The logical id of the alias {@code live} of the function with that handler. */
    static String liveAliasId(final String handler) {
        return template().getResourceId("AWS::Lambda::Alias", Map.of("Properties", Match.objectLike(Map.of(
                "FunctionName", ref(functionId(handler)),
                "Name", "live"))));
    }

    /** The logical id of the execution role of the function with that handler. */
    @SuppressWarnings("unchecked")
    static String roleId(final String handler) {
        Map<String, Object> role = (Map<String, Object>) properties(function(handler)).get("Role");
        return (String) ((List<Object>) role.get("Fn::GetAtt")).get(0);
    }

    static Map<String, Object> function(final String handler) {
        return resourcesOfType(FUNCTION).get(functionId(handler));
    }

    static String tableId() {
        return template().getResourceId("AWS::DynamoDB::Table");
    }

    @Test
    void theStackHasExactlyTheApiTheAuthorizerAndTheArtifactCheckFunctions() {
        Set<Object> handlers = new HashSet<>();
        resourcesOfType(FUNCTION).values().forEach(function -> handlers.add(properties(function).get("Handler")));

        assertEquals(Set.copyOf(HANDLERS), handlers);
        assertEquals(HANDLERS.size(), resourcesOfType(FUNCTION).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {API_HANDLER, AUTHORIZER_HANDLER, ARTIFACT_CHECK_HANDLER})
    void function_runsJava21OnArm64(final String handler) {
        template().hasResourceProperties(FUNCTION, Map.of(
                "Handler", handler,
                "Runtime", "java21",
                "Architectures", List.of("arm64")));
    }

    @ParameterizedTest
    @ValueSource(strings = {API_HANDLER, AUTHORIZER_HANDLER, ARTIFACT_CHECK_HANDLER})
    void function_snapshotsPublishedVersions(final String handler) {
        template().hasResourceProperties(FUNCTION, Map.of(
                "Handler", handler,
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
    }

    @ParameterizedTest
    @CsvSource({
        API_HANDLER + ", 1024, 15",
        AUTHORIZER_HANDLER + ", 512, 5",
        ARTIFACT_CHECK_HANDLER + ", 512, 10"})
    void function_hasItsMemoryAndTimeout(final String handler, final int memoryMb, final int timeoutSeconds) {
        template().hasResourceProperties(FUNCTION, Map.of(
                "Handler", handler,
                "MemorySize", memoryMb,
                "Timeout", timeoutSeconds));
    }

    @Test
    void apiFunction_findsTheRegistryTableAndTheEventBusByRef_andKeepsTheJitAtC1_andNothingElse() {
        assertEquals(Map.of(
                "REGISTRY_TABLE", ref(tableId()),
                "EVENT_BUS_NAME", ref(EventBusTemplateTest.busId()),
                "JAVA_TOOL_OPTIONS", JIT_AT_C1), environment(API_HANDLER));
    }

    @Test
    void authorizerFunction_findsTheRegistryTableByRef_andKeepsTheJitAtC1_andNothingElse() {
        assertEquals(Map.of(
                "REGISTRY_TABLE", ref(tableId()),
                "JAVA_TOOL_OPTIONS", JIT_AT_C1), environment(AUTHORIZER_HANDLER));
    }

    @Test
    void artifactCheckFunction_isToldNoTableAndNoBus_onlyTheJitSetting() {
        assertEquals(Map.of("JAVA_TOOL_OPTIONS", JIT_AT_C1), environment(ARTIFACT_CHECK_HANDLER));
    }

    @ParameterizedTest
    @ValueSource(strings = {API_HANDLER, AUTHORIZER_HANDLER, ARTIFACT_CHECK_HANDLER})
    void function_isInvokedThroughItsAliasLive_pointingAtAPublishedVersion(final String handler) {
        String functionId = functionId(handler);
        String versionId = template().getResourceId("AWS::Lambda::Version", Map.of(
                "Properties", Match.objectLike(Map.of("FunctionName", ref(functionId)))));

        template().hasResourceProperties("AWS::Lambda::Alias", Match.objectEquals(Map.of(
                "Name", "live",
                "FunctionName", ref(functionId),
                "FunctionVersion", getAtt(versionId, "Version"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {API_HANDLER, AUTHORIZER_HANDLER, ARTIFACT_CHECK_HANDLER})
    @SuppressWarnings("unchecked")
    void function_logsJsonToItsOwnLogGroup_keptOneMonth(final String handler) {
        Map<String, Object> logging = (Map<String, Object>) properties(function(handler)).get("LoggingConfig");
        assertEquals("JSON", logging.get("LogFormat"));
        String logGroupId = (String) ((Map<String, Object>) logging.get("LogGroup")).get("Ref");

        Map<String, Object> logGroup = resourcesOfType("AWS::Logs::LogGroup").get(logGroupId);
        assertEquals(30, properties(logGroup).get("RetentionInDays"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void functions_doNotShareALogGroup() {
        Set<Object> logGroups = new HashSet<>();
        HANDLERS.forEach(handler -> logGroups.add(
                ((Map<String, Object>) properties(function(handler)).get("LoggingConfig")).get("LogGroup")));

        assertEquals(HANDLERS.size(), logGroups.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {API_HANDLER, AUTHORIZER_HANDLER, ARTIFACT_CHECK_HANDLER})
    void function_hasARoleOfItsOwn_withoutManagedPolicies(final String handler) {
        Map<String, Object> role = resourcesOfType("AWS::IAM::Role").get(roleId(handler));

        assertNull(properties(role).get("ManagedPolicyArns"));
        assertEquals(1, HANDLERS.stream().filter(other -> roleId(other).equals(roleId(handler))).count());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(final String handler) {
        return (Map<String, Object>) ((Map<String, Object>) properties(function(handler)).get("Environment"))
                .get("Variables");
    }
}
