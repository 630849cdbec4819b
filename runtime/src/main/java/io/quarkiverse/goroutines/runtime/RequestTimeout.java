package io.quarkiverse.goroutines.runtime;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.temporal.ChronoUnit;

/**
 * The deadline of a blocking Quarkus REST method (or of every method of a resource class), overriding
 * {@code quarkus.goroutines.request.timeout}. At the deadline the request's G and the groups it made are cancelled
 * and the client gets 503 with the reason in the body. {@code @RequestTimeout(0)} turns the deadline off for the
 * method. Allowed 0 and 1 ms..1 h; any other value fails the build.
 *
 * <pre>{@code
 * &#64;GET
 * &#64;Path("/quote")
 * &#64;RequestTimeout(800) // milliseconds
 * public List<Quote> quote() { ... }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface RequestTimeout {
    /** The deadline in {@link #unit()}s; 0 for none. */
    long value();

    /** The unit of {@link #value()}. */
    ChronoUnit unit() default ChronoUnit.MILLIS;
}
