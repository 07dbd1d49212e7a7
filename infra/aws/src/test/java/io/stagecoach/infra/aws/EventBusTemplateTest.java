package io.stagecoach.infra.aws;

import static io.stagecoach.infra.aws.FunctionsTemplateTest.API_HANDLER;
import static io.stagecoach.infra.aws.FunctionsTemplateTest.roleId;
import static io.stagecoach.infra.aws.SynthesizedTemplate.actions;
import static io.stagecoach.infra.aws.SynthesizedTemplate.asJson;
import static io.stagecoach.infra.aws.SynthesizedTemplate.getAtt;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resources;
import static io.stagecoach.infra.aws.SynthesizedTemplate.resourcesOfType;
import static io.stagecoach.infra.aws.SynthesizedTemplate.statements;
import static io.stagecoach.infra.aws.SynthesizedTemplate.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;

class EventBusTemplateTest {

    private static final String BUS = "AWS::Events::EventBus";

    static String busId() {
        return template().getResourceId(BUS);
    }

    @Test
    void stagecoachBus_isTheOnlyBus_namedAfterTheStackInLowercase() {
        template().resourceCountIs(BUS, 1);
        template().hasResourceProperties(BUS, Map.of("Name", "stagecoach-events"));
        assertTrue(busId().startsWith("Bus"), busId());
    }

    @Test
    void stagecoachBus_hasNoResourcePolicy_soOnlyPrincipalsOfThisAccountMayPutEvents() {
        template().resourceCountIs("AWS::Events::EventBusPolicy", 0);
        template().hasResourceProperties(BUS, Match.objectEquals(Map.of(
                "Name", "stagecoach-events",
                "Description", "Stagecoach events (source stagecoach)")));
    }

    @Test
    void apiFunction_mayOnlyPutEvents_onTheStagecoachBus() {
        List<Map<String, Object>> events = statements(roleId(API_HANDLER)).stream()
                .filter(statement -> actions(statement).stream().anyMatch(a -> a.startsWith("events:")))
                .toList();

        assertEquals(1, events.size(), asJson(events));
        assertEquals(Set.of("events:PutEvents"), actions(events.get(0)));
        assertEquals(List.of(getAtt(busId(), "Arn")), resources(events.get(0)));
    }

    @Test
    void noOtherRole_mayPutEvents() {
        for (String roleId : resourcesOfType("AWS::IAM::Role").keySet()) {
            if (roleId.equals(roleId(API_HANDLER))) {
                continue;
            }
            for (Map<String, Object> statement : statements(roleId)) {
                assertTrue(actions(statement).stream().noneMatch(a -> a.startsWith("events:")),
                        roleId + ": " + asJson(statement));
            }
        }
    }
}
