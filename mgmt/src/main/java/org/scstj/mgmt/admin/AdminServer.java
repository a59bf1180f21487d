package org.scstj.mgmt.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.scstj.mgmt.config.Portal;
import org.scstj.mgmt.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves the admin API with Pekko HTTP on the daemon's actor system: authenticates each request
 * (bearer tokens, {@link Tokens}), matches it to a row of {@link Api}'s table and runs it on a small
 * pool of its own (a change may wait for devices and sessions; the actor system's threads never
 * block). Every error is a JSON body {@code {"status", "error", "problems": [{"field", "problem"}]}}.
 * Its address goes to {@code <state-dir>/admin/url} for {@code scstj admin}. The same listener
 * serves the web dashboard's static files at {@code /ui/} ({@link Dashboard}) and the Server-Sent
 * Events of routes that answer with a stream.
 */
public final class AdminServer {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final long BODY_MILLIS = 10_000;
    private static final Duration EVENT_INTERVAL = Duration.ofSeconds(1);

    private final ActorSystem<?> system;
    private final Api api;
    private final Tokens tokens;
    private final long maxBody;
    /** {@code GET /metrics} without a token ({@code scstj.admin.metrics-public}). */
    private final boolean metricsPublic;
    private final ExecutorService pool;
    private final Dashboard dashboard = new Dashboard();
    private ServerBinding binding;
    private String url;
    private Path urlFile;

    private AdminServer(ActorSystem<?> system, Api api, Tokens tokens, long maxBody, boolean metricsPublic) {
        this.system = system;
        this.api = api;
        this.tokens = tokens;
        this.maxBody = maxBody;
        this.metricsPublic = metricsPublic;
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "scstj-admin");
            t.setDaemon(true);
            return t;
        });
    }

    /** The settings under {@code scstj.admin}. */
    public record Settings(boolean enabled, Portal listen, Path keystore, Path keystorePasswordFile,
                           boolean allowInsecureRemote, int keepVersions, long maxBody, boolean metricsPublic,
                           boolean metricsPerInitiator) {
        public static Settings from(Config c) {
            Config a = c.getConfig("scstj.admin");
            String l = a.getString("listen");
            int colon = l.lastIndexOf(':');
            // port 0: any free port (its address goes to <state-dir>/admin/url)
            Portal listen = colon > 0 && l.substring(colon + 1).equals("0")
                    ? new Portal(l.substring(0, colon), 0)
                    : Portal.parse(l).orElseThrow(() -> new IllegalArgumentException(
                            "scstj.admin.listen: not HOST:PORT with a port 0..65535: " + l));
            String ks = a.getString("tls.keystore");
            String pw = a.getString("tls.keystore-password-file");
            return new Settings(a.getBoolean("enabled"), listen, ks.isBlank() ? null : Path.of(ks),
                    pw.isBlank() ? null : Path.of(pw), a.getBoolean("allow-insecure-remote"),
                    a.getInt("keep-versions"), a.getBytes("max-body"), a.getBoolean("metrics-public"),
                    a.getBoolean("metrics-per-initiator"));
        }
    }

    /**
     * Binds the API.
     *
     * @throws IOException naming what is wrong: a remote address without TLS or acknowledgement, an
     *                     unreadable key store, a port in use
     */
    public static AdminServer start(ActorSystem<?> system, ChangeManager changes, Settings settings, Path stateDir)
            throws IOException {
        return start(system, changes, null, settings, stateDir);
    }

    /** Binds the API, {@code GET /metrics} serving {@code metrics} (null: 404). */
    public static AdminServer start(ActorSystem<?> system, ChangeManager changes, Metrics metrics, Settings settings,
                                    Path stateDir) throws IOException {
        InetAddress address = InetAddress.getByName(settings.listen().host().replace("[", "").replace("]", ""));
        if (!address.isLoopbackAddress() && settings.keystore() == null && !settings.allowInsecureRemote()) {
            throw new IOException("scstj.admin.listen " + settings.listen() + " is not a loopback address: set"
                    + " scstj.admin.tls.keystore, or allow-insecure-remote = true to send tokens in clear text");
        }
        Tokens tokens = Tokens.loadOrCreate(stateDir);
        AdminServer server = new AdminServer(system, new Api(changes, metrics), tokens, settings.maxBody(),
                settings.metricsPublic());
        var builder = Http.get(system).newServerAt(settings.listen().host().replace("[", "").replace("]", ""),
                settings.listen().port());
        String scheme = "http";
        if (settings.keystore() != null) {
            builder = builder.enableHttps(https(settings));
            scheme = "https";
        }
        try {
            server.binding = builder.bind(server::handle).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.pool.shutdownNow();
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IOException("cannot listen on " + settings.listen() + ": " + c.getMessage(), c);
        }
        InetSocketAddress bound = server.binding.localAddress();
        String host = bound.getAddress() instanceof java.net.Inet6Address ? "[" + bound.getAddress().getHostAddress() + "]"
                : bound.getAddress().getHostAddress();
        server.url = scheme + "://" + host + ":" + bound.getPort();
        server.urlFile = Tokens.dir(stateDir).resolve("url");
        Path tmp = server.urlFile.resolveSibling("url.tmp");
        Files.writeString(tmp, server.url + "\n");
        Files.move(tmp, server.urlFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log.info("admin API on {} (tokens in {})", server.url, Tokens.dir(stateDir));
        return server;
    }

    private static HttpsConnectionContext https(Settings settings) throws IOException {
        try {
            char[] password = settings.keystorePasswordFile() == null ? new char[0]
                    : Files.readString(settings.keystorePasswordFile()).trim().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(settings.keystore())) {
                ks.load(in, password);
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, password);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new java.security.SecureRandom());
            return ConnectionContext.httpsServer(ctx);
        } catch (IOException e) {
            throw new IOException("scstj.admin.tls: " + e.getMessage(), e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("scstj.admin.tls: " + e.getMessage(), e);
        }
    }

    public String url() {
        return url;
    }

    /** Unbinds; the URL file goes too (scstj admin then says no daemon runs, instead of timing out). */
    public void stop() {
        try {
            if (urlFile != null) {
                Files.deleteIfExists(urlFile);
            }
        } catch (IOException e) {
            log.warn("admin API: cannot remove {}: {}", urlFile, e.toString());
        }
        try {
            if (binding != null) {
                binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("admin API: unbinding: {}", e.toString());
        }
        pool.shutdownNow();
    }

    private CompletionStage<HttpResponse> handle(HttpRequest request) {
        String method = request.method().value();
        if (Dashboard.serves(request.getUri().path())) {
            return request.discardEntityBytes(Materializer.matFromSystem(system)).completionStage()
                    .handle((done, e) -> dashboard.serve(method, request.getUri().path(),
                            request.getHeader("If-None-Match").map(HttpHeader::value)));
        }
        List<String> segments = new ArrayList<>();
        request.getUri().pathSegments().forEach(segments::add);
        Map<String, String> query = new LinkedHashMap<>(request.getUri().query().toMap());
        Tokens.Role presented = tokens.role(request.getHeader("Authorization").map(HttpHeader::value).orElse(null));
        // scstj.admin.metrics-public: Prometheus scrapes GET /metrics without a token
        Tokens.Role role = presented == null && metricsPublic && method.equals("GET")
                && segments.equals(List.of(Api.METRICS.substring(1))) ? Tokens.Role.READ_ONLY : presented;
        if (role == null) {
            return CompletableFuture.completedFuture(error(401, "a valid bearer token is required (Authorization:"
                    + " Bearer <token>; scstj admin reads <state-dir>/admin/admin.token)", List.of())
                    .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"scstj\"")));
        }
        Api.Match match;
        try {
            match = api.match(method, segments);
            if (match.route().change() && role != Tokens.Role.ADMIN) {
                throw new ApiException(403, "this token may only read (use the admin token to change anything)");
            }
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        Long ifMatch;
        try {
            ifMatch = ifMatch(request);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(error(e));
        }
        Api.Match m = match;
        String path = "/" + String.join("/", segments.stream().map(Paths::encode).toList());
        var declared = request.entity().getContentLengthOption();
        if (declared.isPresent() && declared.getAsLong() > maxBody) {
            // refused by its Content-Length; the body is read and dropped first, so that the client,
            // still sending, reads the answer instead of a reset connection
            return request.discardEntityBytes(Materializer.matFromSystem(system)).completionStage()
                    .handle((done, e) -> tooLarge());
        }
        return request.entity().withSizeLimit(maxBody)
                .toStrict(BODY_MILLIS, Materializer.matFromSystem(system))
                .thenComposeAsync(strict -> {
                    byte[] body = strict.getData().toArray();
                    Api.Call call = new Api.Call(method, path, m.route(), m.params(), query, body, ifMatch, role);
                    try {
                        return CompletableFuture.completedFuture(reply(m.route().handler().handle(call)));
                    } catch (ApiException e) {
                        return CompletableFuture.completedFuture(error(e));
                    } catch (RuntimeException e) {
                        log.error("admin API: {} {} failed", method, request.getUri().path(), e);
                        return CompletableFuture.completedFuture(error(500, "internal error: " + e, List.of()));
                    }
                }, pool)
                .exceptionally(e -> {
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (c instanceof EntityStreamSizeException) {
                        return tooLarge();
                    }
                    return error(400, "the request body could not be read: " + c.getMessage(), List.of());
                });
    }

    private HttpResponse tooLarge() {
        return error(413, "the request body is larger than scstj.admin.max-body (" + maxBody + " bytes)",
                List.of(new ApiException.Problem("body", "too large")));
    }

    private static Long ifMatch(HttpRequest request) throws ApiException {
        var h = request.getHeader("If-Match");
        if (h.isEmpty()) {
            return null;
        }
        String v = h.get().value().trim().replace("\"", "");
        if (!v.matches("\\d{1,18}")) {
            throw ApiException.field(400, "If-Match", "expected a generation number such as \"3\", not " + h.get().value());
        }
        return Long.parseLong(v);
    }

    /** Every event of the stream, one a second while the client reads; a failed sample ends it. */
    private static HttpResponse events(Api.EventSource events) {
        Source<ByteString, ?> data = Source.tick(Duration.ZERO, EVENT_INTERVAL, Boolean.TRUE)
                .mapAsync(1, tick -> events.next())
                .map(event -> ByteString.fromArray(("data: " + new String(Api.JSON.writeValueAsBytes(event),
                        StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8)));
        return HttpResponse.create().withStatus(200)
                .addHeader(RawHeader.create("Cache-Control", "no-store"))
                .withEntity(HttpEntities.createChunked(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), data));
    }

    private static HttpResponse reply(Api.Reply r) {
        if (r.events() != null) {
            return events(r.events());
        }
        HttpResponse response = HttpResponse.create().withStatus(r.status());
        String contentType = r.headers().get(Api.CONTENT_TYPE);
        if (r.text() != null && contentType != null) {
            response = response.withEntity(HttpEntities.create(ContentTypes.parse(contentType),
                    r.text().getBytes(StandardCharsets.UTF_8)));
        } else if (r.text() != null) {
            response = response.withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, r.text()));
        } else {
            response = response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json(r.json())));
        }
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            if (h.getKey().equals(Api.CONTENT_TYPE)) {
                continue; // the entity's, above
            }
            response = response.addHeader(RawHeader.create(h.getKey(), h.getValue()));
        }
        return response;
    }

    private static HttpResponse error(ApiException e) {
        return error(e.status(), e.getMessage(), e.problems());
    }

    private static HttpResponse error(int status, String message, List<ApiException.Problem> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        body.put("problems", problems.stream().map(p -> Map.of("field", p.field(), "problem", p.problem())).toList());
        return HttpResponse.create().withStatus(StatusCodes.get(status))
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json(body)));
    }

    private static byte[] json(Object value) {
        try {
            return Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            return ("{\"status\":500,\"error\":\"" + e.getOriginalMessage().replace("\"", "'") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
