package io.stagecoach.cli;

import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;

/** {@code stagecoach whoami}: who the token belongs to, and where the CLI is connected. */
@Command(
    name = "whoami",
    description = "Show the token's principal and roles, and where the settings came from.")
final class WhoamiCommand extends ApiCommand {

  @Override
  int run(Session s) {
    s.print(
        s.api().get(ApiPath.of("v1", "me")),
        me ->
            new Details()
                .add("principal", JsonText.text(me, "principal"))
                .add("roles", String.join(", ", JsonText.strings(me.path("roles"))))
                .add("groups", String.join(", ", JsonText.strings(me.path("groups"))))
                .add("personal env", JsonText.text(me, "personalEnvironment"))
                .add(
                    "endpoint",
                    s.settings().endpoint() + " (" + s.settings().endpointSource() + ")")
                .add("token", "from " + s.settings().tokenSource())
                .print(s.out()));
    return ExitCode.OK;
  }
}
