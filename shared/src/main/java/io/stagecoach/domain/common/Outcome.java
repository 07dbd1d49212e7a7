package io.stagecoach.domain.common;

import java.util.function.Function;

/** The result of a use case: the value it produced, or the business rejection that stopped it. */
public sealed interface Outcome<T> {

  record Accepted<T>(T value) implements Outcome<T> {}

  record Rejected<T>(Rejection rejection) implements Outcome<T> {}

  static <T> Outcome<T> accepted(T value) {
    return new Accepted<>(value);
  }

  static <T> Outcome<T> rejected(Rejection rejection) {
    return new Rejected<>(rejection);
  }

  default <R> Outcome<R> map(Function<T, R> f) {
    return switch (this) {
      case Accepted<T> a -> new Accepted<>(f.apply(a.value()));
      case Rejected<T> r -> new Rejected<>(r.rejection());
    };
  }

  default <R> Outcome<R> flatMap(Function<T, Outcome<R>> f) {
    return switch (this) {
      case Accepted<T> a -> f.apply(a.value());
      case Rejected<T> r -> new Rejected<>(r.rejection());
    };
  }
}
