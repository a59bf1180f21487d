package org.scstj.mgmt.admin;

import java.util.List;

/**
 * A request the admin API refuses, with the HTTP status and what to tell the client: a message,
 * and the fields or configuration keys at fault with their problem. Nothing was changed.
 */
final class ApiException extends Exception {
    private final int status;
    private final List<Problem> problems;

    /** One field (a JSON member, a configuration key, a query parameter) and what is wrong with it. */
    record Problem(String field, String problem) {
    }

    ApiException(int status, String message) {
        this(status, message, List.of());
    }

    ApiException(int status, String message, List<Problem> problems) {
        super(message);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    static ApiException field(int status, String field, String problem) {
        return new ApiException(status, field + ": " + problem, List.of(new Problem(field, problem)));
    }

    int status() {
        return status;
    }

    List<Problem> problems() {
        return problems;
    }
}
