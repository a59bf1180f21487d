package org.scstj.bench.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.scstj.bench.compare.BenchFailure;

/**
 * The daemon's admin API over one HTTP/1.1 client: each call sends one request, waits for the
 * whole answer and returns it with the time it took. A status outside 2xx is a failure naming the
 * request and the daemon's error body.
 */
final class AdminClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** An answer and how long it took, from sending the request to reading the last byte of the body. */
    record Answer(int status, String body, long nanos) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final URI base;
    private final String token;

    /** A client of the API at {@code base} (e.g. {@code http://127.0.0.1:44955}) with the admin token. */
    AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    Answer get(String path) throws BenchFailure {
        return send(request(path).GET().build());
    }

    Answer put(String path, String json) throws BenchFailure {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Answer delete(String path) throws BenchFailure {
        return send(request(path).DELETE().build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest request) throws BenchFailure {
        String what = request.method() + " " + request.uri().getRawPath();
        try {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - start;
            if (response.statusCode() / 100 != 2) {
                throw new BenchFailure(what + " answered " + response.statusCode() + ": " + response.body().strip());
            }
            return new Answer(response.statusCode(), response.body(), nanos);
        } catch (IOException e) {
            throw new BenchFailure(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted during " + what, e);
        }
    }
}
