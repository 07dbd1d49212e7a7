package io.stagecoach.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSONPath subset ASL accepts: dot and bracket fields ({@code $.a}, {@code $['a b']}), indexes,
 * {@code [*]}/{@code .*}, slices {@code [1:5]}, deep scan {@code ..name} and simple filters {@code
 * [?(@.status == 0)]}. A path with a wildcard, slice, scan or filter is indefinite: it yields an
 * array of matches (empty when nothing matches), as Step Functions does; a definite path yields one
 * node or fails with the message AWS's runtime (Jayway) prints.
 *
 * <p>Our own code rather than Jayway json-path: ASL needs the distinction between paths and
 * reference paths (ResultPath may only name fields and indexes, and writes create parents), AWS's
 * own wording of "No results"/"Missing property" errors in States.Runtime causes, and empty arrays
 * for indefinite paths on missing input; all three would be wrappers around Jayway's configuration
 * flags, for a grammar this small. See
 * https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */
public final class JsonPath {

  sealed interface Segment {}

  record Field(String name) implements Segment {}

  record Index(int index) implements Segment {}

  record Wildcard() implements Segment {}

  record Slice(Integer start, Integer end, int step) implements Segment {}

  record Scan(String name) implements Segment {}

  record Filter(List<Segment> left, String op, JsonNode right) implements Segment {}

  private final String text;
  private final List<Segment> segments;

  private JsonPath(String text, List<Segment> segments) {
    this.text = text;
    this.segments = segments;
  }

  /** Thrown when a definite path has no match; the message is AWS's. */
  public static final class NoMatch extends Exception {
    private static final long serialVersionUID = 1L;

    NoMatch(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses a path starting with {@code $}; a context path ({@code $$...}) is parsed without one
   * dollar.
   */
  public static JsonPath parse(String path) {
    if (path == null || !path.startsWith("$")) {
      throw new IllegalArgumentException("a JSONPath must start with '$': " + path);
    }
    return new JsonPath(path, new Parser(path, 1).segments());
  }

  public String text() {
    return text;
  }

  /** True for a reference path: only fields and indexes, so it names exactly one place. */
  public boolean isReferencePath() {
    return segments.stream().allMatch(s -> s instanceof Field || s instanceof Index);
  }

  public boolean isDefinite() {
    return isReferencePath();
  }

  /** The node(s) at this path; indefinite paths give an array of matches. */
  public JsonNode select(JsonNode root) throws NoMatch {
    if (!isDefinite()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      List<JsonNode> current = List.of(root);
      for (Segment s : segments) {
        current = step(current, s);
      }
      current.forEach(out::add);
      return out;
    }
    JsonNode node = root;
    StringBuilder canonical = new StringBuilder("$");
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      canonical.append(
          s instanceof Field f ? "['" + f.name() + "']" : "[" + ((Index) s).index() + "]");
      JsonNode next = null;
      if (s instanceof Field f && node != null && node.isObject()) {
        next = node.get(f.name());
      } else if (s instanceof Index ix && node != null && node.isArray()) {
        int at = ix.index() < 0 ? node.size() + ix.index() : ix.index();
        next = node.get(at);
      }
      if (next == null) {
        if (i == segments.size() - 1) {
          throw new NoMatch("No results for path: " + canonical);
        }
        throw new NoMatch("Missing property in path " + canonical);
      }
      node = next;
    }
    return node;
  }

  /** Like {@link #select} but empty instead of failing. */
  public Optional<JsonNode> find(JsonNode root) {
    try {
      return Optional.of(select(root));
    } catch (NoMatch e) {
      return Optional.empty();
    }
  }

  /**
   * Writes {@code value} at this reference path inside {@code root} (a copy when root is not an
   * object to extend), creating missing objects on the way, and returns the new root.
   */
  public JsonNode write(JsonNode root, JsonNode value) throws NoMatch {
    if (segments.isEmpty()) {
      return value;
    }
    if (!isReferencePath()) {
      throw new NoMatch("Invalid reference path: " + text);
    }
    JsonNode result =
        root == null || !root.isContainerNode()
            ? JsonNodeFactory.instance.objectNode()
            : root.deepCopy();
    JsonNode node = result;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (s instanceof Field f) {
        if (!node.isObject()) {
          throw new NoMatch(
              "Unable to write to path " + text + ": '" + f.name() + "' is not an object field");
        }
        ObjectNode obj = (ObjectNode) node;
        if (last) {
          obj.set(f.name(), value);
        } else {
          JsonNode child = obj.get(f.name());
          if (child == null || !child.isContainerNode()) {
            child = obj.putObject(f.name());
          }
          node = child;
        }
      } else {
        int index = ((Index) s).index();
        if (!node.isArray() || index >= node.size() || index < 0) {
          throw new NoMatch(
              "Unable to write to path " + text + ": index " + index + " out of range");
        }
        if (last) {
          ((ArrayNode) node).set(index, value);
        } else {
          node = node.get(index);
        }
      }
    }
    return result;
  }

  private static List<JsonNode> step(List<JsonNode> nodes, Segment s) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : nodes) {
      switch (s) {
        case Field f -> {
          if (n.isObject() && n.has(f.name())) {
            out.add(n.get(f.name()));
          }
        }
        case Index ix -> {
          if (n.isArray()) {
            int at = ix.index() < 0 ? n.size() + ix.index() : ix.index();
            if (at >= 0 && at < n.size()) {
              out.add(n.get(at));
            }
          }
        }
        case Wildcard w -> {
          if (n.isArray() || n.isObject()) {
            n.forEach(out::add);
          }
        }
        case Slice sl -> {
          if (n.isArray()) {
            int size = n.size();
            int start = clamp(sl.start() == null ? 0 : sl.start(), size);
            int end = clamp(sl.end() == null ? size : sl.end(), size);
            for (int i = start; i < end; i += sl.step()) {
              out.add(n.get(i));
            }
          }
        }
        case Scan sc -> scan(n, sc.name(), out);
        case Filter f -> {
          if (n.isArray() || n.isObject()) {
            for (JsonNode item : n) {
              if (matches(item, f)) {
                out.add(item);
              }
            }
          }
        }
      }
    }
    return out;
  }

  private static int clamp(int i, int size) {
    int v = i < 0 ? size + i : i;
    return Math.max(0, Math.min(size, v));
  }

  private static void scan(JsonNode n, String name, List<JsonNode> out) {
    if (n.isObject()) {
      if ("*".equals(name)) {
        n.forEach(out::add);
      } else if (n.has(name)) {
        out.add(n.get(name));
      }
    }
    if (n.isContainerNode()) {
      for (JsonNode child : n) {
        scan(child, name, out);
      }
    }
  }

  private static boolean matches(JsonNode item, Filter f) {
    List<JsonNode> found = List.of(item);
    for (Segment s : f.left()) {
      found = step(found, s);
    }
    if (found.isEmpty()) {
      return false;
    }
    JsonNode left = found.get(0);
    if (f.op() == null) {
      return true;
    }
    JsonNode right = f.right();
    int cmp;
    if (left.isNumber() && right.isNumber()) {
      cmp = left.decimalValue().compareTo(right.decimalValue());
    } else if (left.isTextual() && right.isTextual()) {
      cmp = left.textValue().compareTo(right.textValue());
    } else {
      boolean eq = left.equals(right);
      return switch (f.op()) {
        case "==" -> eq;
        case "!=" -> !eq;
        default -> false;
      };
    }
    return switch (f.op()) {
      case "==" -> cmp == 0;
      case "!=" -> cmp != 0;
      case "<" -> cmp < 0;
      case "<=" -> cmp <= 0;
      case ">" -> cmp > 0;
      case ">=" -> cmp >= 0;
      default -> throw new IllegalArgumentException("unsupported filter operator " + f.op());
    };
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s, int pos) {
      this.s = s;
      this.pos = pos;
    }

    List<Segment> segments() {
      List<Segment> out = new ArrayList<>();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.') {
          if (s.startsWith("..", pos)) {
            pos += 2;
            out.add(new Scan(name()));
          } else {
            pos++;
            String name = name();
            out.add("*".equals(name) ? new Wildcard() : new Field(name));
          }
        } else if (c == '[') {
          out.add(bracket());
        } else {
          throw new IllegalArgumentException(
              "unexpected '" + c + "' at " + pos + " in JSONPath " + s);
        }
      }
      return out;
    }

    private String name() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != '.' && s.charAt(pos) != '[') {
        pos++;
      }
      if (start == pos) {
        throw new IllegalArgumentException("empty field name at " + start + " in JSONPath " + s);
      }
      return s.substring(start, pos);
    }

    private Segment bracket() {
      pos++;
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unclosed '[' in JSONPath " + s);
      }
      char c = s.charAt(pos);
      Segment seg;
      if (c == '\'' || c == '"') {
        seg = new Field(quoted(c));
      } else if (c == '*') {
        pos++;
        seg = new Wildcard();
      } else if (c == '?') {
        seg = filter();
      } else {
        int end = s.indexOf(']', pos);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed '[' in JSONPath " + s);
        }
        String inner = s.substring(pos, end).trim();
        pos = end;
        try {
          if (inner.contains(":")) {
            String[] parts = inner.split(":", -1);
            seg =
                new Slice(
                    parts[0].isBlank() ? null : Integer.valueOf(parts[0].trim()),
                    parts[1].isBlank() ? null : Integer.valueOf(parts[1].trim()),
                    parts.length > 2 && !parts[2].isBlank()
                        ? Integer.parseInt(parts[2].trim())
                        : 1);
          } else {
            seg = new Index(Integer.parseInt(inner));
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid index '" + inner + "' in JSONPath " + s, e);
        }
      }
      if (pos >= s.length() || s.charAt(pos) != ']') {
        throw new IllegalArgumentException("expected ']' at " + pos + " in JSONPath " + s);
      }
      pos++;
      return seg;
    }

    private String quoted(char quote) {
      pos++;
      StringBuilder b = new StringBuilder();
      while (pos < s.length() && s.charAt(pos) != quote) {
        char c = s.charAt(pos);
        if (c == '\\'
            && pos + 1 < s.length()
            && (s.charAt(pos + 1) == quote || s.charAt(pos + 1) == '\\')) {
          // Only the quote and the backslash are escapes; AWS keeps any other backslash (recorded).
          b.append(s.charAt(pos + 1));
          pos += 2;
        } else {
          b.append(c);
          pos++;
        }
      }
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unterminated quoted name in JSONPath " + s);
      }
      pos++;
      return b.toString();
    }

    private Segment filter() {
      // [?(@.field op literal)]
      if (!s.startsWith("?(", pos)) {
        throw new IllegalArgumentException("expected '?(' in JSONPath " + s);
      }
      int close = s.indexOf(")]", pos);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed filter in JSONPath " + s);
      }
      String expr = s.substring(pos + 2, close).trim();
      pos = close + 1;
      String[] ops = {"==", "!=", "<=", ">=", "<", ">"};
      for (String op : ops) {
        int at = expr.indexOf(op);
        if (at > 0) {
          List<Segment> left = leftOf(expr.substring(0, at).trim());
          String lit = expr.substring(at + op.length()).trim();
          if (lit.startsWith("'") && lit.endsWith("'") && lit.length() >= 2) {
            lit = '"' + lit.substring(1, lit.length() - 1).replace("\"", "\\\"") + '"';
          }
          try {
            return new Filter(left, op, Json.MAPPER.readTree(lit));
          } catch (Exception e) {
            throw new IllegalArgumentException(
                "invalid filter literal '" + lit + "' in JSONPath " + s, e);
          }
        }
      }
      return new Filter(leftOf(expr), null, null);
    }

    private List<Segment> leftOf(String expr) {
      if (!expr.startsWith("@")) {
        throw new IllegalArgumentException("a filter must test '@' in JSONPath " + s);
      }
      return new Parser(expr, 1).segments();
    }
  }
}
