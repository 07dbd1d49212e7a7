package io.stagecoach.domain.parity;

/** What a row of a parity compare is about, in the order a compare lists them. */
public enum ParitySection {
  RELEASE("release"),
  TEMPLATE("template"),
  RESOURCE("resource"),
  PROPERTY("property"),
  CONFIG("config"),
  SECRET("secret"),
  OUTPUT("output"),
  DNS("dns"),
  PROTECTION("protection"),
  FREEZE("freeze"),
  DRIFT("drift");

  private final String wireName;

  ParitySection(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
