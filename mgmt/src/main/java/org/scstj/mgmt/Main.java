package org.scstj.mgmt;

import com.typesafe.config.ConfigValueFactory;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.ScstjConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Supplier;

/** {@code scstj}: the command line (see {@link CommandLine#help(String)} for every command). */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err, ConfigLoader::installedHandlers);
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command line; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err, Supplier<List<DeviceHandlerFactory>> handlers) {
        Command command;
        try {
            command = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("scstj: " + e.getMessage());
            err.print(CommandLine.usage(e.topic()));
            err.println("Run 'scstj help" + (e.topic() == null ? "" : " " + e.topic()) + "' for more.");
            return USAGE;
        }
        try {
            return switch (command) {
                case Command.Help h -> {
                    out.print(CommandLine.help(h.topic()));
                    yield OK;
                }
                case Command.Admin a -> org.scstj.mgmt.cli.AdminCli.run(a.args(), out, err);
                case Command.Import i -> org.scstj.mgmt.imports.ImportCommand.run(i.args(), out, err);
                case Command.Check c -> {
                    new ConfigLoader(handlers.get()).load(c.config());
                    out.println(c.config() + ": OK");
                    yield OK;
                }
                case Command.Serve s -> {
                    if (s.verbose()) {
                        Logging.verbose();
                    }
                    List<DeviceHandlerFactory> installed = handlers.get();
                    ScstjConfig config = new ConfigLoader(installed).load(s.config());
                    yield new Daemon(verbose(config, s.verbose()), installed, ConfigLoader.document(s.config()),
                            s.config()).run(() -> { });
                }
                case Command.Demo d -> {
                    if (d.verbose()) {
                        Logging.verbose();
                    }
                    Files.createDirectories(d.stateDir());
                    List<DeviceHandlerFactory> installed = handlers.get();
                    ScstjConfig config = Demo.config(d, installed);
                    yield new Daemon(verbose(config, d.verbose()), installed, Demo.document(d), null)
                            .run(() -> Demo.printUrls(config, out));
                }
            };
        } catch (InvalidConfigException e) {
            err.println(e.getMessage());
            return FAILED;
        } catch (IOException e) {
            err.println("scstj: " + e);
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    private static ScstjConfig verbose(ScstjConfig c, boolean verbose) {
        if (!verbose) {
            return c;
        }
        return new ScstjConfig(c.source(), c.config().withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("DEBUG")),
                c.engine(), c.iscsi(), c.portals(), c.cluster());
    }
}
