package org.scstj.mgmt.admin;

import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web dashboard's static files, served from the jar ({@code org/scstj/mgmt/ui/}) at
 * {@code /ui/}; {@code /} and {@code /ui} redirect there. They need no token: they hold no data,
 * every call they make to {@code /api/v1} carries the token the page asks for. Each answer may be
 * cached but is revalidated ({@code no-cache} with an {@code ETag}: a new daemon's files are seen at
 * once), and forbids framing, inline scripts and other origins (the pages can change the target).
 */
final class Dashboard {
    static final String PREFIX = "/ui/";
    private static final String ROOT = "org/scstj/mgmt/ui/";
    /** A file name, possibly in folders: letters, digits, '-' and '_', one extension. No "..". */
    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+\\.([a-z]{2,4})");
    private static final Map<String, ContentType> TYPES = Map.of(
            "html", ContentTypes.TEXT_HTML_UTF8,
            "js", ContentTypes.parse("text/javascript; charset=UTF-8"),
            "css", ContentTypes.parse("text/css; charset=UTF-8"),
            "svg", ContentTypes.parse("image/svg+xml"),
            "png", ContentTypes.parse("image/png"),
            "json", ContentTypes.APPLICATION_JSON);
    static final String CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record File(byte[] bytes, String etag, ContentType type) {
    }

    private final Map<String, Optional<File>> files = new ConcurrentHashMap<>();

    /** Whether the dashboard answers this path (it is {@code /}, {@code /ui} or under {@code /ui/}). */
    static boolean serves(String path) {
        return path.equals("/") || path.equals("/ui") || path.startsWith(PREFIX);
    }

    /** The answer to a request for one of {@link #serves} paths. */
    HttpResponse serve(String method, String path, Optional<String> ifNoneMatch) {
        if (path.equals("/") || path.equals("/ui")) {
            return HttpResponse.create().withStatus(StatusCodes.FOUND).addHeader(RawHeader.create("Location", PREFIX));
        }
        if (!method.equals("GET")) {
            return plain(405, "the dashboard's files are read with GET");
        }
        String name = path.substring(PREFIX.length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        var m = FILE.matcher(name);
        Optional<File> file = Optional.empty();
        if (m.matches() && TYPES.containsKey(m.group(2))) {
            file = files.get(name);
            if (file == null) { // only files found are kept: a stranger's guesses take no memory
                file = load(name, TYPES.get(m.group(2)));
                file.ifPresent(f -> files.put(m.group(), Optional.of(f)));
            }
        }
        if (file.isEmpty()) {
            return plain(404, "no such file: " + path);
        }
        File f = file.get();
        HttpResponse r = HttpResponse.create()
                .addHeader(RawHeader.create("ETag", f.etag()))
                .addHeader(RawHeader.create("Cache-Control", "no-cache"))
                .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"))
                .addHeader(RawHeader.create("X-Frame-Options", "DENY"))
                .addHeader(RawHeader.create("Referrer-Policy", "no-referrer"))
                .addHeader(RawHeader.create("Content-Security-Policy", CSP));
        if (ifNoneMatch.isPresent() && ifNoneMatch.get().contains(f.etag())) {
            return r.withStatus(StatusCodes.NOT_MODIFIED);
        }
        return r.withEntity(HttpEntities.create(f.type(), f.bytes()));
    }

    private static Optional<File> load(String name, ContentType type) {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Optional.of(new File(bytes, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"", type));
        } catch (IOException | NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    private static HttpResponse plain(int status, String text) {
        return HttpResponse.create().withStatus(StatusCodes.get(status))
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, text));
    }
}
