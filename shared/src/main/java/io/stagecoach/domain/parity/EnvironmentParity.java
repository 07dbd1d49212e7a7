package io.stagecoach.domain.parity;

import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.template.StackResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rule of a parity compare, in one place: what is compared, what counts as expected, and how
 * the verdict reads. Pure: the caller reads the environments and their templates.
 */
public final class EnvironmentParity {

  /** A secret's or an output's side: it exists there; its value is never shown. */
  static final String SET = "set";

  private EnvironmentParity() {}

  /**
   * One side: the environment, and the resources of the template revision it runs ({@code
   * template}; empty when it runs none, or when its template is not JSON).
   */
  public record Side(Environment environment, Optional<Map<String, ResourceShape>> template) {}

  public static ParityReport compare(App app, Side left, Side right) {
    List<ParityRow> rows = new ArrayList<>();
    Optional<DeployedRelease> l = left.environment().deployed();
    Optional<DeployedRelease> r = right.environment().deployed();
    rows.add(
        ParityRow.of(
            ParitySection.RELEASE,
            "version",
            l.map(DeployedRelease::version),
            r.map(DeployedRelease::version)));
    rows.add(
        ParityRow.of(
            ParitySection.RELEASE,
            "digest",
            l.map(DeployedRelease::digest),
            r.map(DeployedRelease::digest)));
    rows.add(
        ParityRow.of(
            ParitySection.TEMPLATE,
            "revision",
            l.flatMap(DeployedRelease::templateRevision).map(n -> "r" + n),
            r.flatMap(DeployedRelease::templateRevision).map(n -> "r" + n)));
    resources(rows, left, right);
    Environment le = left.environment();
    Environment re = right.environment();
    for (String key : union(le.config().keySet(), re.config().keySet())) {
      rows.add(
          new ParityRow(
              ParitySection.CONFIG,
              key,
              Optional.ofNullable(le.config().get(key)),
              Optional.ofNullable(re.config().get(key)),
              app.perEnvironmentConfig().contains(key)));
    }
    for (String key : union(le.secrets().keySet(), re.secrets().keySet())) {
      rows.add(
          ParityRow.of(
              ParitySection.SECRET,
              key,
              Optional.of(SET).filter(s -> le.secrets().containsKey(key)),
              Optional.of(SET).filter(s -> re.secrets().containsKey(key))));
    }
    Map<String, String> lo = l.map(DeployedRelease::outputs).orElse(Map.of());
    Map<String, String> ro = r.map(DeployedRelease::outputs).orElse(Map.of());
    for (String key : union(lo.keySet(), ro.keySet())) {
      rows.add(
          ParityRow.of(
              ParitySection.OUTPUT,
              key,
              Optional.of(SET).filter(s -> lo.containsKey(key)),
              Optional.of(SET).filter(s -> ro.containsKey(key))));
    }
    rows.add(
        ParityRow.of(
            ParitySection.DNS,
            "hostname",
            le.dns().map(d -> d.hostname()),
            re.dns().map(d -> d.hostname())));
    rows.add(
        ParityRow.of(
            ParitySection.PROTECTION,
            "protected",
            Optional.of(le.isProtected() ? "yes" : "no"),
            Optional.of(re.isProtected() ? "yes" : "no")));
    rows.add(
        ParityRow.of(
            ParitySection.FREEZE,
            "frozen",
            Optional.of(le.freeze().map(f -> "frozen by " + f.by()).orElse("no")),
            Optional.of(re.freeze().map(f -> "frozen by " + f.by()).orElse("no"))));
    rows.add(
        ParityRow.of(
            ParitySection.DRIFT,
            "status",
            Optional.of(le.drift().status().wireName()),
            Optional.of(re.drift().status().wireName())));
    ParityReport.Parity parity =
        rows.stream().anyMatch(ParityRow::unexpected)
            ? ParityReport.Parity.DIFFERS
            : rows.stream().allMatch(ParityRow::same)
                ? ParityReport.Parity.SAME
                : ParityReport.Parity.EXPECTED;
    return new ParityReport(
        app.name(),
        le.name(),
        re.name(),
        rows,
        parity,
        verdict(rows, l.isPresent(), r.isPresent()));
  }

  /**
   * Resources by logical id (the type on each side), and for one on both sides with the same type,
   * each template property that differs. Taken from the templates the environments run; from what
   * an environment recorded when its template is not readable here.
   */
  private static void resources(List<ParityRow> rows, Side left, Side right) {
    Map<String, ResourceShape> l = shapes(left);
    Map<String, ResourceShape> r = shapes(right);
    for (String id : union(l.keySet(), r.keySet())) {
      Optional<ResourceShape> ls = Optional.ofNullable(l.get(id));
      Optional<ResourceShape> rs = Optional.ofNullable(r.get(id));
      rows.add(
          ParityRow.of(
              ParitySection.RESOURCE,
              id,
              ls.map(ResourceShape::type),
              rs.map(ResourceShape::type)));
      if (ls.isEmpty() || rs.isEmpty() || !ls.get().type().equals(rs.get().type())) {
        continue;
      }
      Map<String, String> lp = ls.get().properties();
      Map<String, String> rp = rs.get().properties();
      for (String path : union(lp.keySet(), rp.keySet())) {
        Optional<String> lv = Optional.ofNullable(lp.get(path));
        Optional<String> rv = Optional.ofNullable(rp.get(path));
        if (!lv.equals(rv)) {
          rows.add(ParityRow.of(ParitySection.PROPERTY, id + "." + path, lv, rv));
        }
      }
    }
  }

  private static Map<String, ResourceShape> shapes(Side side) {
    Optional<DeployedRelease> deployed = side.environment().deployed();
    if (deployed.isEmpty()) {
      return Map.of();
    }
    if (side.template().isPresent()) {
      return side.template().get();
    }
    Map<String, ResourceShape> recorded = new TreeMap<>();
    for (StackResource resource : deployed.get().resources()) {
      recorded.put(resource.logicalId(), new ResourceShape(resource.type(), Map.of()));
    }
    return recorded;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * The sentence: what runs on each side (same release and template, or how they differ), then a
   * count of every other kind of difference, or that nothing else differs.
   */
  static String verdict(List<ParityRow> rows, boolean leftDeployed, boolean rightDeployed) {
    List<String> head = new ArrayList<>();
    if (!leftDeployed && !rightDeployed) {
      head.add("neither runs a release");
    } else if (!leftDeployed || !rightDeployed) {
      head.add((leftDeployed ? "only the left" : "only the right") + " runs a release");
    } else {
      boolean sameRelease = section(rows, ParitySection.RELEASE).stream().allMatch(ParityRow::same);
      boolean sameTemplate =
          section(rows, ParitySection.TEMPLATE).stream().allMatch(ParityRow::same);
      ParityRow version = section(rows, ParitySection.RELEASE).get(0);
      ParityRow revision = section(rows, ParitySection.TEMPLATE).get(0);
      if (sameRelease && sameTemplate) {
        head.add("same release and template");
      } else {
        head.add(
            sameRelease
                ? "same release"
                : version.same()
                    ? "same version with another digest"
                    : "release " + text(version.left()) + " vs " + text(version.right()));
        head.add(
            sameTemplate
                ? "same template"
                : "template " + text(revision.left()) + " vs " + text(revision.right()));
      }
    }
    List<String> tail = new ArrayList<>();
    List<ParityRow> config = differing(rows, ParitySection.CONFIG);
    if (!config.isEmpty()) {
      long declared = config.stream().filter(ParityRow::expected).count();
      tail.add(
          count(config.size(), "config value differs", "config values differ")
              + ", "
              + declared(declared, config.size()));
    }
    addCount(tail, differing(rows, ParitySection.RESOURCE), "resource differs", "resources differ");
    addCount(
        tail,
        differing(rows, ParitySection.PROPERTY),
        "resource property differs",
        "resource properties differ");
    addCount(
        tail,
        differing(rows, ParitySection.SECRET),
        "secret reference is on one side only",
        "secret references are on one side only");
    addCount(
        tail,
        differing(rows, ParitySection.OUTPUT),
        "output key is on one side only",
        "output keys are on one side only");
    for (ParitySection section :
        List.of(
            ParitySection.DNS,
            ParitySection.PROTECTION,
            ParitySection.FREEZE,
            ParitySection.DRIFT)) {
      if (!differing(rows, section).isEmpty()) {
        tail.add((section == ParitySection.DNS ? "DNS" : section.wireName()) + " differs");
      }
    }
    String first = String.join(", ", head);
    return tail.isEmpty()
        ? first + "; nothing else differs"
        : first + "; " + String.join("; ", tail);
  }

  /** How many of {@code of} differing config values the app declares per environment. */
  private static String declared(long declared, int of) {
    if (declared == 0) {
      return "none declared per-env";
    }
    if (declared < of) {
      return declared + " declared per-env";
    }
    return switch (of) {
      case 1 -> "declared per-env";
      case 2 -> "both declared per-env";
      default -> "all declared per-env";
    };
  }

  private static void addCount(List<String> tail, List<ParityRow> rows, String one, String many) {
    if (!rows.isEmpty()) {
      tail.add(count(rows.size(), one, many));
    }
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String text(Optional<String> value) {
    return value.orElse("none");
  }

  private static List<ParityRow> section(List<ParityRow> rows, ParitySection section) {
    return rows.stream().filter(r -> r.section() == section).toList();
  }

  private static List<ParityRow> differing(List<ParityRow> rows, ParitySection section) {
    return rows.stream().filter(r -> r.section() == section && !r.same()).toList();
  }
}
