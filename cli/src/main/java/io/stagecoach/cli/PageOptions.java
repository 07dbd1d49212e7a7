package io.stagecoach.cli;

import picocli.CommandLine.Option;

/** Paging for the list commands: one page at a time, or every page with {@code --all}. */
final class PageOptions {

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "at most N items per page (the API allows 1 to 100)")
  Integer limit;

  @Option(
      names = "--cursor",
      paramLabel = "CURSOR",
      description = "the page after the one that printed this cursor")
  String cursor;

  @Option(names = "--all", description = "fetch every page")
  boolean all;
}
