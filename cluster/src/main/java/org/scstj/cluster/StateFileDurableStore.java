package org.scstj.cluster;

import com.typesafe.config.Config;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.cluster.ddata.DurableStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.scstj.engine.state.StateFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable store of this node's Distributed Data replicator (docs/design/cluster.md 4.3, 8 risk
 * 2): every durable key ({@code pekko.cluster.distributed-data.durable.keys}, the LU control
 * records {@code lu-ctl-*}) is one {@link StateFile} in {@code durable.state-file.dir}, written
 * crash-safely (temporary file, fsync, rename, directory fsync, CRC32C) before the replicator
 * acknowledges a write: a {@code WriteMajority} of a durable key is on a majority's disks. No LMDB,
 * no native code; there are few keys and rare writes.
 *
 * <p>The replicator's protocol ({@link DurableStore}): {@code LoadAll} at its start, answered by
 * {@code LoadData} (every key read) and {@code LoadAllCompleted}; then {@code Store(key, envelope,
 * reply)}, answered with the reply's success message once the file is on disk, its failure message
 * otherwise. A file that is torn or damaged is refused: loading fails with
 * {@link DurableStore.LoadFailed} naming the file (the replicator then stops, and this node takes
 * no part in reads or writes) rather than starting from a silently smaller state. Envelopes are
 * kept in the replicator's own serialized form (base64 in the text file, with its serializer's
 * manifest). Runs on the replicator's pinned dispatcher ({@code durable.use-dispatcher}): the
 * blocking writes happen there.
 */
public final class StateFileDurableStore extends AbstractActor {
    private static final Logger log = LoggerFactory.getLogger(StateFileDurableStore.class);

    /** The file name suffix of a key's file. */
    static final String SUFFIX = ".ddata";

    private final Path dir;
    private final SerializerWithStringManifest serializer;

    /** Made by the replicator with the {@code pekko.cluster.distributed-data.durable} section. */
    public StateFileDurableStore(Config durable) throws NotSerializableException {
        this.dir = Paths.get(durable.getString("state-file.dir"));
        Serialization serialization = SerializationExtension.get(getContext().getSystem());
        this.serializer = (SerializerWithStringManifest) serialization.serializerFor(DurableStore.DurableDataEnvelope.class);
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .matchEquals(DurableStore.LoadAll$.MODULE$, m -> onLoadAll())
                .build();
    }

    private void onLoadAll() {
        Map<String, DurableStore.DurableDataEnvelope> loaded = load(dir, serializer);
        log.info("durable distributed data: {} key(s) loaded from {}", loaded.size(), dir);
        if (!loaded.isEmpty()) {
            getSender().tell(new DurableStore.LoadData(scala.collection.immutable.Map$.MODULE$.from(
                    scala.jdk.javaapi.CollectionConverters.asScala(loaded))), getSelf());
        }
        getSender().tell(DurableStore.LoadAllCompleted$.MODULE$, getSelf());
        getContext().become(receiveBuilder().match(DurableStore.Store.class, this::onStore).build());
    }

    private void onStore(DurableStore.Store msg) {
        Object answer;
        try {
            new StateFile(fileOf(dir, msg.key())).write(body(msg.key(), msg.data()));
            answer = msg.reply().isDefined() ? msg.reply().get().successMsg() : null;
        } catch (IOException | RuntimeException e) {
            log.error("durable distributed data: key {} not stored in {}: {}", msg.key(), dir, e.toString());
            answer = msg.reply().isDefined() ? msg.reply().get().failureMsg() : null;
        }
        if (answer != null) {
            msg.reply().get().replyTo().tell(answer, getSelf());
        }
    }

    private String body(String key, DurableStore.DurableDataEnvelope envelope) {
        return "key=" + key + "\n"
                + "manifest=" + serializer.manifest(envelope) + "\n"
                + "data=" + Base64.getEncoder().encodeToString(serializer.toBinary(envelope)) + "\n";
    }

    /**
     * Every key kept in {@code dir}, by key; {@link DurableStore.LoadFailed} naming the file when one
     * cannot be trusted (a torn or damaged file, an envelope that does not deserialize). Leftover
     * temporary files of an interrupted write are the old content's companions and are removed.
     */
    static Map<String, DurableStore.DurableDataEnvelope> load(Path dir, SerializerWithStringManifest serializer) {
        Map<String, DurableStore.DurableDataEnvelope> loaded = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return loaded;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX + ".tmp")) {
                    log.warn("durable distributed data: {} is an interrupted write; removed", f);
                    Files.deleteIfExists(f);
                    continue;
                }
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                Map<String, String> fields = fields(f);
                String key = fields.get("key");
                if (key == null || !fields.containsKey("manifest") || !fields.containsKey("data")
                        || !fileOf(dir, key).getFileName().toString().equals(name)) {
                    throw refused(f, "not a durable data file of this store", null);
                }
                Object envelope;
                try {
                    envelope = serializer.fromBinary(Base64.getDecoder().decode(fields.get("data")), fields.get("manifest"));
                } catch (NotSerializableException | RuntimeException e) {
                    throw refused(f, "its envelope does not deserialize", e);
                }
                if (!(envelope instanceof DurableStore.DurableDataEnvelope d)) {
                    throw refused(f, "not a durable data envelope", null);
                }
                loaded.put(key, d);
            }
        } catch (IOException e) {
            throw refused(dir, "cannot be read", e);
        }
        return loaded;
    }

    private static Map<String, String> fields(Path f) {
        String body;
        try {
            body = new StateFile(f).read().orElseThrow(() -> new IOException("vanished while loading"));
        } catch (StateFile.CorruptStateException e) {
            throw refused(f, "torn or damaged (its check line is missing or does not match)", e);
        } catch (IOException e) {
            throw refused(f, e.toString(), e);
        }
        Map<String, String> fields = new HashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return fields;
    }

    private static DurableStore.LoadFailed refused(Path f, String why, Throwable cause) {
        String message = "durable distributed data file " + f + " refused: " + why
                + " (this node's replicator does not start; move the file away to start this node without it)";
        log.error(message);
        return cause == null ? new DurableStore.LoadFailed(message) : new DurableStore.LoadFailed(message, cause);
    }

    /** The file of {@code key} in {@code dir}: the key, any character outside [A-Za-z0-9._-] as %XX of its UTF-8. */
    static Path fileOf(Path dir, String key) {
        StringBuilder name = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-') {
                name.append(c);
            } else {
                name.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return dir.resolve(name + SUFFIX);
    }
}
