package org.scstj.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin API's client for {@code scstj admin}: finds the daemon ({@code --url}, else
 * {@code <state-dir>/admin/url}) and its token ({@code --token-file}, else
 * {@code <state-dir>/admin/admin.token}, else {@code readonly.token}), sends JSON, and turns an
 * error answer into an {@link AdminException} carrying the API's message and problems.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    AdminClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    static AdminClient locate(String url, Path tokenFile, Path stateDir) throws AdminException {
        Path dir = stateDir.resolve("admin");
        String base = url;
        try {
            if (base == null) {
                Path f = dir.resolve("url");
                if (!Files.isReadable(f)) {
                    throw new AdminException(1, "no running daemon found: " + f + " does not exist (give --state-dir DIR"
                            + " of the daemon, or --url)");
                }
                base = Files.readString(f).trim();
            }
            Path t = tokenFile;
            if (t == null) {
                t = Files.isReadable(dir.resolve("admin.token")) ? dir.resolve("admin.token") : dir.resolve("readonly.token");
            }
            if (!Files.isReadable(t)) {
                throw new AdminException(1, "cannot read a token: " + t + " (run as the daemon's user, or give --token-file)");
            }
            return new AdminClient(base, Files.readString(t).trim());
        } catch (IOException e) {
            throw new AdminException(1, "cannot read " + e.getMessage());
        }
    }

    String base() {
        return base;
    }

    JsonNode get(String path) throws AdminException {
        return json(send("GET", path, null, null));
    }

    String getText(String path) throws AdminException {
        return send("GET", path, null, null).body();
    }

    JsonNode send(String method, String path, Object body) throws AdminException {
        String text;
        try {
            text = body == null ? null : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new AdminException(1, e.getMessage());
        }
        return json(send(method, path, text, "application/json"));
    }

    JsonNode sendText(String method, String path, String text) throws AdminException {
        return json(send(method, path, text, "text/plain; charset=UTF-8"));
    }

    private HttpResponse<String> send(String method, String path, String body, String type) throws AdminException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (type != null) {
            b.header("Content-Type", type);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AdminException(1, "cannot reach the daemon at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(1, "interrupted");
        }
        if (r.statusCode() >= 400) {
            JsonNode n = null;
            try {
                n = JSON.readTree(r.body());
            } catch (IOException ignored) {
                // not JSON: the message is the body
            }
            throw new AdminException(1, r.statusCode(), n != null && n.has("error") ? n.get("error").asText() : r.body(), n);
        }
        return r;
    }

    private static JsonNode json(HttpResponse<String> r) throws AdminException {
        try {
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AdminException(1, "the daemon answered something that is not JSON: " + e.getMessage());
        }
    }

    /** A failed admin command: the exit status, the HTTP status (0: none) and the API's answer. */
    static final class AdminException extends Exception {
        final int exit;
        final int status;
        final JsonNode body;

        AdminException(int exit, String message) {
            this(exit, 0, message, null);
        }

        AdminException(int exit, int status, String message, JsonNode body) {
            super(message);
            this.exit = exit;
            this.status = status;
            this.body = body;
        }
    }
}
