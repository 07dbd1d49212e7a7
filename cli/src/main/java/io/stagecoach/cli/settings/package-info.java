/**
 * Where the CLI connects and as whom: flags, then {@code STAGECOACH_*} variables, then the JSON
 * config file, then the local cloud's defaults. {@code CliEnvironment} is the one place that reads
 * the process environment. Depends on Jackson and the registry's naming rules, not on picocli or
 * the commands.
 */
package io.stagecoach.cli.settings;
