package org.scstj.mgmt.admin;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.scstj.engine.latency.CommandStageEvent;
import org.scstj.engine.latency.TaskManagementEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's JDK Flight Recorder routes (docs/latency.md): one in-process recording, started
 * with the JDK's {@code default} or {@code profile} settings plus scstj's command-stage and
 * task-management events, dumped to a file on the daemon's host and stopped. Recordings started
 * with {@code jcmd PID JFR.start} are the JDK's own and are not touched here.
 */
final class JfrControl {
    private Recording recording;

    /** {@code GET /api/v1/jfr}: the admin recording's state. */
    synchronized Api.Reply status(Api.Call c) {
        return Api.Reply.ok(state());
    }

    private Map<String, Object> state() {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean running = recording != null && recording.getState() == RecordingState.RUNNING;
        out.put("recording", running);
        if (recording != null) {
            out.put("name", recording.getName());
            out.put("started", String.valueOf(recording.getStartTime()));
            out.put("events", java.util.List.of(CommandStageEvent.NAME, TaskManagementEvent.NAME));
        }
        return out;
    }

    /** {@code POST /api/v1/jfr/start} {"settings": "default"|"profile", "max-age": "10m"}. */
    synchronized Api.Reply start(Api.Call c) throws ApiException {
        Map<String, Object> body = Api.body(c, Set.of("settings", "max-age"));
        Object settings = body.getOrDefault("settings", "default");
        if (!(settings instanceof String name) || !(name.equals("default") || name.equals("profile"))) {
            throw ApiException.field(422, "settings", "default or profile");
        }
        Duration maxAge = null;
        if (body.get("max-age") != null) {
            try {
                maxAge = com.typesafe.config.ConfigFactory.parseString("d = \"" + body.get("max-age").toString()
                        .replace("\"", "") + "\"").getDuration("d");
            } catch (com.typesafe.config.ConfigException e) {
                throw ApiException.field(422, "max-age", "not a duration: " + body.get("max-age"));
            }
        }
        if (recording != null && recording.getState() == RecordingState.RUNNING) {
            throw new ApiException(409, "a recording is running: stop it first");
        }
        if (c.flag("dry-run")) {
            return Api.Reply.ok(state());
        }
        Recording r;
        try {
            r = new Recording(Configuration.getConfiguration(name));
        } catch (IOException | ParseException e) {
            throw new ApiException(500, "the JDK's " + name + " settings: " + e.getMessage());
        }
        r.setName("scstj-admin");
        r.enable(CommandStageEvent.NAME);
        r.enable(TaskManagementEvent.NAME);
        r.setToDisk(true);
        if (maxAge != null) {
            r.setMaxAge(maxAge);
        }
        r.start();
        if (recording != null) {
            recording.close();
        }
        recording = r;
        return Api.Reply.ok(state());
    }

    /** {@code POST /api/v1/jfr/dump} {"file": ABSOLUTE PATH}: writes what was recorded so far. */
    synchronized Api.Reply dump(Api.Call c) throws ApiException {
        Path file = file(c, true);
        if (recording == null) {
            throw new ApiException(409, "no recording: start one first");
        }
        if (file != null && !c.flag("dry-run")) {
            write(file);
        }
        Map<String, Object> out = state();
        out.put("file", String.valueOf(file));
        return Api.Reply.ok(out);
    }

    /** {@code POST /api/v1/jfr/stop} [{"file": ABSOLUTE PATH}]: stops (and writes) the recording. */
    synchronized Api.Reply stop(Api.Call c) throws ApiException {
        Path file = file(c, false);
        if (recording == null || recording.getState() != RecordingState.RUNNING) {
            throw new ApiException(409, "no recording is running");
        }
        if (c.flag("dry-run")) {
            return Api.Reply.ok(state());
        }
        recording.stop();
        if (file != null) {
            write(file);
        }
        Map<String, Object> out = state();
        out.put("file", file == null ? null : file.toString());
        recording.close();
        recording = null;
        return Api.Reply.ok(out);
    }

    private void write(Path file) throws ApiException {
        try {
            recording.dump(file);
        } catch (IOException e) {
            throw ApiException.field(409, "file", "cannot write " + file + ": " + e.getMessage());
        }
    }

    private static Path file(Api.Call c, boolean required) throws ApiException {
        Map<String, Object> body = Api.body(c, Set.of("file"));
        Object f = body.get("file");
        if (f == null) {
            if (required && !c.flag("dry-run")) {
                throw ApiException.field(422, "file", "required: an absolute path on the daemon's host");
            }
            return null;
        }
        if (!(f instanceof String s) || !Path.of(s).isAbsolute()) {
            throw ApiException.field(422, "file", "expected an absolute path on the daemon's host, not " + f);
        }
        return Path.of(s);
    }
}
