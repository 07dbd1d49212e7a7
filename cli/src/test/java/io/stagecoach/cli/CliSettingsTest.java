package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.cli.settings.ConnectionSettings;
import io.stagecoach.cli.settings.InvalidSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the endpoint and the token come from: flag, then environment variable, then config file,
 * then default.
 */
class CliSettingsTest {

  @TempDir Path dir;
  Path work;
  Path home;
  Map<String, String> variables = new HashMap<>();

  @BeforeEach
  void directories() throws Exception {
    work = Files.createDirectories(dir.resolve("work"));
    home = Files.createDirectories(dir.resolve("home"));
  }

  ConnectionSettings resolve(String endpointFlag, String tokenFlag) {
    return ConnectionSettings.resolve(
        Optional.ofNullable(endpointFlag),
        Optional.ofNullable(tokenFlag),
        new CliEnvironment(variables, work, home, "tester"));
  }

  void everySourceHasAValue() throws Exception {
    Files.createDirectories(work.resolve(".stagecoach"));
    Files.writeString(work.resolve(".stagecoach/admin-token"), "from-admin-token-file\n");
    Files.createDirectories(home.resolve(".config/stagecoach"));
    Files.writeString(
        home.resolve(".config/stagecoach/config.json"),
        "{\"endpoint\": \"http://file.example:1\", \"token\": \"from-file\"}");
    variables.put("STAGECOACH_ENDPOINT", "http://env.example:2");
    variables.put("STAGECOACH_TOKEN", "from-env");
  }

  @Test
  void flag_winsOverEverything() throws Exception {
    everySourceHasAValue();
    ConnectionSettings s = resolve("http://flag.example:3", "from-flag");
    assertEquals(URI.create("http://flag.example:3"), s.endpoint());
    assertEquals(Optional.of("from-flag"), s.token());
    assertEquals("--endpoint", s.endpointSource());
    assertEquals("--token", s.tokenSource());
  }

  @Test
  void environmentVariable_winsOverTheConfigFileAndTheDefault() throws Exception {
    everySourceHasAValue();
    ConnectionSettings s = resolve(null, null);
    assertEquals(URI.create("http://env.example:2"), s.endpoint());
    assertEquals(Optional.of("from-env"), s.token());
    assertEquals("STAGECOACH_ENDPOINT", s.endpointSource());
  }

  @Test
  void configFile_winsOverTheDefaults() throws Exception {
    everySourceHasAValue();
    variables.clear();
    ConnectionSettings s = resolve(null, null);
    assertEquals(URI.create("http://file.example:1"), s.endpoint());
    assertEquals(Optional.of("from-file"), s.token());
    assertEquals(home.resolve(".config/stagecoach/config.json").toString(), s.tokenSource());
  }

  @Test
  void defaults_areTheLocalCloud_andTheAdminTokenServeKeepsInTheWorkingDirectory()
      throws Exception {
    everySourceHasAValue();
    variables.clear();
    Files.delete(home.resolve(".config/stagecoach/config.json"));
    ConnectionSettings s = resolve(null, null);
    assertEquals(URI.create("http://127.0.0.1:4566"), s.endpoint());
    assertEquals(Optional.of("from-admin-token-file"), s.token(), "trimmed");
    assertEquals("default", s.endpointSource());

    Files.delete(work.resolve(".stagecoach/admin-token"));
    assertEquals(Optional.empty(), resolve(null, null).token());
    assertEquals("none", resolve(null, null).tokenSource());
  }

  @Test
  void eachSettingIsResolvedOnItsOwn() throws Exception {
    Files.createDirectories(home.resolve(".config/stagecoach"));
    Files.writeString(home.resolve(".config/stagecoach/config.json"), "{\"token\": \"from-file\"}");
    variables.put("STAGECOACH_ENDPOINT", "http://env.example:2");
    ConnectionSettings s = resolve(null, null);
    assertEquals(URI.create("http://env.example:2"), s.endpoint());
    assertEquals(Optional.of("from-file"), s.token());
  }

  @Test
  void stagecoachConfig_namesTheFile_andXdgConfigHomeMovesTheDefaultOne() throws Exception {
    Path named =
        Files.writeString(dir.resolve("team.json"), "{\"endpoint\": \"https://api.example/live\"}");
    variables.put("STAGECOACH_CONFIG", named.toString());
    assertEquals(URI.create("https://api.example/live"), resolve(null, null).endpoint());

    variables.clear();
    Path xdg = Files.createDirectories(dir.resolve("xdg/stagecoach"));
    Files.writeString(xdg.resolve("config.json"), "{\"endpoint\": \"http://xdg.example:4\"}");
    variables.put("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
    assertEquals(URI.create("http://xdg.example:4"), resolve(null, null).endpoint());
  }

  @Test
  void emptyVariables_countAsUnset() {
    variables.put("STAGECOACH_ENDPOINT", "");
    variables.put("STAGECOACH_TOKEN", "  ");
    ConnectionSettings s = resolve(null, null);
    assertEquals("default", s.endpointSource());
    assertEquals("none", s.tokenSource());
  }

  @Test
  void settingsThatCannotBeUsed_areRefusedWithWhereTheyCameFrom() throws Exception {
    assertTrue(
        assertThrows(InvalidSettings.class, () -> resolve("127.0.0.1:4566", null))
            .getMessage()
            .startsWith("--endpoint: "));
    variables.put("STAGECOACH_ENDPOINT", "http://host:1/?x=1");
    assertTrue(
        assertThrows(InvalidSettings.class, () -> resolve(null, null))
            .getMessage()
            .startsWith("STAGECOACH_ENDPOINT: "));
    variables.clear();

    variables.put("STAGECOACH_CONFIG", dir.resolve("missing.json").toString());
    assertTrue(
        assertThrows(InvalidSettings.class, () -> resolve(null, null))
            .getMessage()
            .contains("no file"));

    Path typo = Files.writeString(dir.resolve("typo.json"), "{\"endpont\": \"http://x\"}");
    variables.put("STAGECOACH_CONFIG", typo.toString());
    assertTrue(
        assertThrows(InvalidSettings.class, () -> resolve(null, null))
            .getMessage()
            .contains("unknown setting 'endpont'"));

    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"endpoint\": ");
    variables.put("STAGECOACH_CONFIG", broken.toString());
    assertTrue(
        assertThrows(InvalidSettings.class, () -> resolve(null, null))
            .getMessage()
            .contains("not well-formed JSON"));
  }

  @Test
  void settingsNeverShowTheToken() {
    assertFalse(resolve(null, "s3cr3t-token").toString().contains("s3cr3t"));
  }

  @Test
  void throughTheCli_aBadConfigFileIsExit2_withOneLine() throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.json"), "[]");
    variables.put("STAGECOACH_CONFIG", typo.toString());
    CliRun run = CliRun.run(new CliEnvironment(variables, work, home, "tester"), "apps", "list");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertEquals(1, run.err().lines().count(), run.printed());
    assertTrue(
        run.err().startsWith("stagecoach: " + typo + ": must be a JSON object"), run.printed());
  }
}
