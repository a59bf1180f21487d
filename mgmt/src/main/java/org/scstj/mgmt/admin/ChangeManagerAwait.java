package org.scstj.mgmt.admin;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a live operation with the admin API's bound, turning its failure into the client's error. */
final class ChangeManagerAwait {
    static final long SECONDS = 60;

    private ChangeManagerAwait() {
    }

    static <T> T await(String what, CompletionStage<T> stage) throws ApiException {
        try {
            return stage.toCompletableFuture().get(SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new ApiException(409, what + ": " + (c.getMessage() == null ? c.toString() : c.getMessage()));
        } catch (TimeoutException e) {
            throw new ApiException(504, what + ": no answer within " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, what + ": interrupted");
        }
    }
}
