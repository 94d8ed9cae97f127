package dev.cordon.isolation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The method's non-negative result is a length inside the buffer passed as
 * parameter {@code value} (0-based). The gate checks it before returning and
 * throws {@link InvalidDomainResultException} if it is larger. Negative results
 * are passed through as error codes.
 *
 * <pre>
 * &#64;ReturnsLengthOf(1)
 * int inflate(byte[] input, byte[] output);
 * </pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReturnsLengthOf {
    int value();
}
