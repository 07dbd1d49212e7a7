package io.stagecoach.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ASL intrinsic functions ({@code States.Format('{}', $.x)} and friends), parsed from the string
 * value of a {@code .$} field and evaluated against the state's input and the context object.
 * Failures are {@code States.IntrinsicFailure}, as on AWS.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
public final class Intrinsics {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Intrinsics() {}

  /** An argument: a literal, a path, or a nested call. */
  sealed interface Arg {}

  record Literal(JsonNode value) implements Arg {}

  record PathArg(String path) implements Arg {}

  record Call(String name, List<Arg> args) implements Arg {}

  public static boolean looksLikeCall(String expression) {
    return expression.startsWith("States.");
  }

  /** Parses a call; syntax errors are IllegalArgumentExceptions (an invalid definition). */
  public static Call parse(String expression) {
    Parser p = new Parser(expression);
    Arg a = p.arg();
    p.skipSpace();
    if (!(a instanceof Call call) || p.pos != expression.length()) {
      throw new IllegalArgumentException("invalid intrinsic function call: " + expression);
    }
    return call;
  }

  public static JsonNode evaluate(String expression, JsonNode input, JsonNode context) {
    Call call;
    try {
      call = parse(expression);
    } catch (IllegalArgumentException e) {
      throw new StatesError(StatesError.INTRINSIC_FAILURE, e.getMessage());
    }
    return eval(call, input, context);
  }

  private static JsonNode eval(Arg arg, JsonNode input, JsonNode context) {
    return switch (arg) {
      case Literal l -> l.value();
      case PathArg p -> {
        boolean ctx = p.path().startsWith("$$");
        JsonPath path = JsonPath.parse(ctx ? p.path().substring(1) : p.path());
        try {
          yield path.select(ctx ? context : input);
        } catch (JsonPath.NoMatch e) {
          throw new StatesError(
              StatesError.RUNTIME,
              "The JSONPath '"
                  + p.path()
                  + "' could not be found in the input '"
                  + Json.write(input)
                  + "'");
        }
      }
      case Call c -> {
        List<JsonNode> values = new ArrayList<>();
        for (Arg a : c.args()) {
          values.add(eval(a, input, context));
        }
        yield apply(c.name(), values);
      }
    };
  }

  private static JsonNode apply(String name, List<JsonNode> a) {
    try {
      return switch (name) {
        case "States.Format" -> format(a);
        case "States.StringToJson" -> {
          arity(name, a, 1);
          yield Json.parse(text(name, a.get(0)));
        }
        case "States.JsonToString" -> {
          arity(name, a, 1);
          yield NODES.textNode(Json.write(a.get(0)));
        }
        case "States.Array" -> {
          ArrayNode out = NODES.arrayNode();
          a.forEach(out::add);
          yield out;
        }
        case "States.ArrayPartition" -> {
          arity(name, a, 2);
          ArrayNode array = array(name, a.get(0));
          int size = integer(name, a.get(1));
          if (size <= 0) {
            throw fail(name + ": the chunk size must be greater than 0");
          }
          ArrayNode out = NODES.arrayNode();
          ArrayNode chunk = null;
          for (int i = 0; i < array.size(); i++) {
            if (i % size == 0) {
              chunk = out.addArray();
            }
            chunk.add(array.get(i));
          }
          yield out;
        }
        case "States.ArrayContains" -> {
          arity(name, a, 2);
          ArrayNode array = array(name, a.get(0));
          boolean found = false;
          for (JsonNode item : array) {
            found |= item.equals(a.get(1));
          }
          yield NODES.booleanNode(found);
        }
        case "States.ArrayRange" -> {
          arity(name, a, 3);
          int start = integer(name, a.get(0));
          int end = integer(name, a.get(1));
          int step = integer(name, a.get(2));
          if (step == 0) {
            throw fail(name + ": the step must not be 0");
          }
          ArrayNode out = NODES.arrayNode();
          for (int i = start; step > 0 ? i <= end : i >= end; i += step) {
            out.add(i);
            if (out.size() > 1000) {
              throw fail(name + ": the range has more than 1000 items");
            }
          }
          yield out;
        }
        case "States.ArrayGetItem" -> {
          arity(name, a, 2);
          ArrayNode array = array(name, a.get(0));
          int index = integer(name, a.get(1));
          if (index < 0 || index >= array.size()) {
            throw fail(name + ": index " + index + " is out of bounds");
          }
          yield array.get(index);
        }
        case "States.ArrayLength" -> {
          arity(name, a, 1);
          yield NODES.numberNode(array(name, a.get(0)).size());
        }
        case "States.ArrayUnique" -> {
          arity(name, a, 1);
          Set<JsonNode> seen = new LinkedHashSet<>();
          array(name, a.get(0)).forEach(seen::add);
          ArrayNode out = NODES.arrayNode();
          seen.forEach(out::add);
          yield out;
        }
        case "States.Base64Encode" -> {
          arity(name, a, 1);
          yield NODES.textNode(
              Base64.getEncoder()
                  .encodeToString(text(name, a.get(0)).getBytes(StandardCharsets.UTF_8)));
        }
        case "States.Base64Decode" -> {
          arity(name, a, 1);
          try {
            yield NODES.textNode(
                new String(
                    Base64.getDecoder().decode(text(name, a.get(0))), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            throw fail(name + ": the input is not valid Base64");
          }
        }
        case "States.Hash" -> {
          arity(name, a, 2);
          String algorithm = text(name, a.get(1));
          if (!List.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512").contains(algorithm)) {
            throw fail(name + ": unsupported algorithm " + algorithm);
          }
          MessageDigest digest = MessageDigest.getInstance(algorithm);
          JsonNode data = a.get(0);
          String value = data.isTextual() ? data.textValue() : Json.write(data);
          yield NODES.textNode(
              HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8))));
        }
        case "States.JsonMerge" -> {
          arity(name, a, 3);
          if (!a.get(0).isObject() || !a.get(1).isObject()) {
            throw fail(name + ": both arguments must be JSON objects");
          }
          if (!a.get(2).isBoolean() || a.get(2).booleanValue()) {
            // AWS supports only the shallow merge (the third argument must be false).
            throw fail(name + ": only a shallow merge (false) is supported");
          }
          ObjectNode out = a.get(0).deepCopy();
          out.setAll((ObjectNode) a.get(1).deepCopy());
          yield out;
        }
        case "States.MathRandom" -> {
          if (a.size() < 2 || a.size() > 3) {
            throw fail(name + " takes 2 or 3 arguments");
          }
          int start = integer(name, a.get(0));
          int end = integer(name, a.get(1));
          ThreadLocalRandom random = ThreadLocalRandom.current();
          yield NODES.numberNode(end <= start ? start : random.nextInt(start, end));
        }
        case "States.MathAdd" -> {
          arity(name, a, 2);
          yield NODES.numberNode(integer(name, a.get(0)) + integer(name, a.get(1)));
        }
        case "States.StringSplit" -> {
          arity(name, a, 2);
          String value = text(name, a.get(0));
          String delimiters = text(name, a.get(1));
          ArrayNode out = NODES.arrayNode();
          StringBuilder token = new StringBuilder();
          // Every character of the second argument is a delimiter; empty tokens are dropped.
          for (char c : value.toCharArray()) {
            if (delimiters.indexOf(c) >= 0) {
              if (!token.isEmpty()) {
                out.add(token.toString());
              }
              token.setLength(0);
            } else {
              token.append(c);
            }
          }
          if (!token.isEmpty()) {
            out.add(token.toString());
          }
          yield out;
        }
        case "States.UUID" -> {
          arity(name, a, 0);
          yield NODES.textNode(UUID.randomUUID().toString());
        }
        default -> throw fail("unknown intrinsic function " + name);
      };
    } catch (StatesError e) {
      throw e;
    } catch (NoSuchAlgorithmException e) {
      throw fail(name + ": " + e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw fail(name + ": " + e.getOriginalMessage());
    }
  }

  private static JsonNode format(List<JsonNode> a) {
    if (a.isEmpty()) {
      throw fail("States.Format needs a template");
    }
    String template = text("States.Format", a.get(0));
    StringBuilder out = new StringBuilder();
    int next = 1;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        if (next >= a.size()) {
          throw fail("States.Format: more placeholders than arguments");
        }
        out.append(formatted(a.get(next++)));
        i++;
      } else {
        out.append(c);
      }
    }
    if (next != a.size()) {
      throw fail("States.Format: more arguments than placeholders");
    }
    return NODES.textNode(out.toString());
  }

  /**
   * How States.Format renders an argument: strings raw, objects and arrays the way AWS's Java
   * runtime prints maps and lists (recorded: {@code {Arg1=1, Arg2=[]}}).
   */
  private static String formatted(JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isObject()) {
      StringBuilder b = new StringBuilder("{");
      var it = v.properties().iterator();
      while (it.hasNext()) {
        var e = it.next();
        b.append(e.getKey()).append('=').append(formatted(e.getValue()));
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      return b.append('}').toString();
    }
    if (v.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < v.size(); i++) {
        b.append(i > 0 ? ", " : "").append(formatted(v.get(i)));
      }
      return b.append(']').toString();
    }
    return Json.write(v);
  }

  private static void arity(String name, List<JsonNode> a, int n) {
    if (a.size() != n) {
      throw fail(name + " takes " + n + " argument(s), got " + a.size());
    }
  }

  private static String text(String name, JsonNode v) {
    if (!v.isTextual()) {
      throw fail(name + ": expected a string, got " + Json.write(v));
    }
    return v.textValue();
  }

  private static ArrayNode array(String name, JsonNode v) {
    if (!v.isArray()) {
      throw fail(name + ": expected an array, got " + Json.write(v));
    }
    return (ArrayNode) v;
  }

  private static int integer(String name, JsonNode v) {
    if (!v.isNumber()) {
      throw fail(name + ": expected a number, got " + Json.write(v));
    }
    BigDecimal d = v.decimalValue();
    // AWS rounds a fractional argument half up towards positive infinity, like Java's Math.round
    // (recorded: 1.5 -> 2, -1.5 -> -1, -2.5 -> -2).
    return d.add(new BigDecimal("0.5")).setScale(0, java.math.RoundingMode.FLOOR).intValueExact();
  }

  private static StatesError fail(String message) {
    return new StatesError(StatesError.INTRINSIC_FAILURE, message);
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    Arg arg() {
      skipSpace();
      if (pos >= s.length()) {
        throw new IllegalArgumentException("missing argument in " + s);
      }
      char c = s.charAt(pos);
      if (c == '\'') {
        return new Literal(NODES.textNode(string()));
      }
      if (c == '$') {
        int start = pos;
        int depth = 0;
        boolean quoted = false;
        while (pos < s.length()) {
          char d = s.charAt(pos);
          if (d == '\'') {
            quoted = !quoted;
          } else if (!quoted && d == '[') {
            depth++;
          } else if (!quoted && d == ']') {
            depth--;
          } else if (!quoted && depth == 0 && (d == ',' || d == ')' || Character.isWhitespace(d))) {
            break;
          }
          pos++;
        }
        return new PathArg(s.substring(start, pos));
      }
      if (s.startsWith("States.", pos)) {
        int open = s.indexOf('(', pos);
        if (open < 0) {
          throw new IllegalArgumentException("expected '(' in " + s);
        }
        String name = s.substring(pos, open).trim();
        pos = open + 1;
        List<Arg> args = new ArrayList<>();
        skipSpace();
        if (pos < s.length() && s.charAt(pos) == ')') {
          pos++;
          return new Call(name, args);
        }
        while (true) {
          args.add(arg());
          skipSpace();
          if (pos >= s.length()) {
            throw new IllegalArgumentException("unclosed call in " + s);
          }
          char d = s.charAt(pos++);
          if (d == ')') {
            return new Call(name, args);
          }
          if (d != ',') {
            throw new IllegalArgumentException("expected ',' or ')' at " + (pos - 1) + " in " + s);
          }
        }
      }
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != ')') {
        pos++;
      }
      String token = s.substring(start, pos).trim();
      try {
        JsonNode literal = Json.parse(token);
        if (literal == null || literal.isContainerNode()) {
          throw new IllegalArgumentException("invalid argument '" + token + "' in " + s);
        }
        return new Literal(literal);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("invalid argument '" + token + "' in " + s, e);
      }
    }

    private String string() {
      pos++;
      StringBuilder b = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\\' && pos + 1 < s.length()) {
          // \' \{ \} \\ are the escapes ASL defines inside intrinsic string literals.
          char n = s.charAt(pos + 1);
          if (n == '\'' || n == '{' || n == '}' || n == '\\') {
            b.append(n);
            pos += 2;
            continue;
          }
          b.append(c);
          pos++;
          continue;
        }
        if (c == '\'') {
          pos++;
          return b.toString();
        }
        b.append(c);
        pos++;
      }
      throw new IllegalArgumentException("unterminated string literal in " + s);
    }
  }
}
