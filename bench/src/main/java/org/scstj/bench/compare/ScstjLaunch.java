package org.scstj.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the scstj daemon is started: through the {@code ./scstj} launcher ({@code ./scstj serve -c
 * FILE}, which execs the JVM, so the launcher's process is the daemon's), or, without a launcher
 * (in the bench module's tests), as {@code java ... org.scstj.mgmt.Main serve -c FILE} with this
 * JVM's class path and the launcher's JVM options.
 *
 * @param prefix      the command line before the configuration file (it ends in {@code serve -c})
 * @param description how it was started, for the report
 */
public record ScstjLaunch(List<String> prefix, String description) {

    /** The JVM options the launcher gives the daemon. */
    static final List<String> LAUNCHER_JVM_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-XX:+UseParallelGC", "-Xms256m", "-Xmx1g",
            "-XX:MaxDirectMemorySize=1g", "-Xss1m", "-XX:+ExitOnOutOfMemoryError");

    /**
     * The daemon's admin API on any free port: the benchmark never uses it, and a fixed port would
     * collide with a demo or another daemon. A system property, so that it overrides the default
     * without a configuration key an older build (an A/B comparison's other side) would refuse.
     */
    static final String ADMIN_ANY_PORT = "-Dscstj.admin.listen=127.0.0.1:0";

    /** Through the launcher at {@code launcher} (with {@link #ADMIN_ANY_PORT} in SCSTJ_JAVA_OPTS; env execs it). */
    public static ScstjLaunch launcher(Path launcher) throws BenchFailure {
        if (!Files.isExecutable(launcher)) {
            throw new BenchFailure("the scstj launcher " + launcher + " is not an executable file");
        }
        String opts = System.getenv("SCSTJ_JAVA_OPTS");
        String javaOpts = (opts == null || opts.isBlank() ? "" : opts + " ") + ADMIN_ANY_PORT;
        return new ScstjLaunch(List.of("env", "SCSTJ_JAVA_OPTS=" + javaOpts, launcher.toString(), "serve", "-c"),
                launcher + " serve -c FILE");
    }

    /** As {@code org.scstj.mgmt.Main} from this JVM's class path. */
    public static ScstjLaunch classPath() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> prefix = new ArrayList<>();
        prefix.add(java);
        prefix.addAll(LAUNCHER_JVM_OPTIONS);
        prefix.add(ADMIN_ANY_PORT);
        prefix.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.scstj.mgmt.Main", "serve", "-c"));
        return new ScstjLaunch(List.copyOf(prefix), java + " <launcher options> -cp <class path> org.scstj.mgmt.Main serve -c FILE");
    }

    /** The command line serving {@code config}. */
    public List<String> command(Path config) {
        List<String> command = new ArrayList<>(prefix);
        command.add(config.toString());
        return command;
    }

    /** The command line that validates {@code config} without serving it: {@code check -c FILE} instead of {@code serve -c FILE}. */
    public List<String> check(Path config) {
        List<String> command = new ArrayList<>(prefix.subList(0, prefix.size() - 2));
        command.addAll(List.of("check", "-c", config.toString()));
        return command;
    }
}
