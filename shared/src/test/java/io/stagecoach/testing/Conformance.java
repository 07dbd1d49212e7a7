package io.stagecoach.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The recorded conformance data in {@code shared/conformance}, found through the system property
 * {@code stagecoach.conformance} that the modules' surefire configuration sets. A test that needs a
 * folder which is not there is skipped, not failed: the data lives beside the repository, not in
 * it.
 */
public final class Conformance {

  public static final String PROPERTY = "stagecoach.conformance";

  private Conformance() {}

  /**
   * The folder {@code name} of the conformance data; the calling test is skipped when it is absent.
   */
  public static Path folder(String name) {
    String root = System.getProperty(PROPERTY);
    assumeTrue(root != null, PROPERTY + " is not set");
    Path folder = Path.of(root, name);
    assumeTrue(Files.isDirectory(folder), "no conformance data at " + folder);
    return folder;
  }
}
