package org.scstj.mgmt.imports;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code scstj import FILE [--from scst|lio] [-o OUT [--force]] [--state-dir DIR]}: reads SCST's
 * {@code scst.conf} or targetcli's {@code saveconfig.json} and writes the equivalent scstj HOCON
 * configuration (to OUT, or standard output), with one note per thing that has no equivalent on
 * standard error ({@code FILE:LINE: note}, {@code FILE:$.path: note}).
 *
 * <p>Exit status: 0 imported (notes or not); 1 the input cannot be read or imported (the message
 * names the line and column or JSON path), or OUT exists without {@code --force} or cannot be
 * written; 2 a usage error.
 */
@Command(name = "scstj import", sortOptions = false,
        description = "Convert SCST's scst.conf or targetcli's saveconfig.json into an scstj configuration.")
public final class ImportCommand {

    /** The source formats. */
    enum Format { scst, lio }

    @Parameters(index = "0", paramLabel = "FILE", description = "scst.conf or saveconfig.json")
    private Path file;

    @Option(names = "--from", paramLabel = "scst|lio",
            description = "the input's format (default: JSON is targetcli's saveconfig.json, anything else scst.conf)")
    private Format from;

    @Option(names = "-o", paramLabel = "OUT", description = "write the configuration here (default: standard output)")
    private Path output;

    @Option(names = "--force", description = "overwrite OUT if it exists")
    private boolean force;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/scstj",
            description = "the scstj.state-dir to write (default: ${DEFAULT-VALUE})")
    private String stateDir;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    private boolean help;

    private ImportCommand() {
    }

    /** Runs {@code scstj import} with {@code args} (those after "import"); returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        ImportCommand command = new ImportCommand();
        CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.println("scstj import: " + e.getMessage());
            cli.usage(err);
            return 2;
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(out);
            return 0;
        }
        if (command.force && command.output == null) {
            err.println("scstj import: --force needs -o OUT");
            cli.usage(err);
            return 2;
        }
        return command.execute(out, err);
    }

    private int execute(PrintStream out, PrintStream err) {
        String text;
        try {
            text = Files.readString(file);
        } catch (MalformedInputException e) {
            err.println(file + ": cannot read: not UTF-8 text");
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + describe(e));
            return 1;
        }
        Format format = from != null ? from : detect(text);
        ImportedConfig imported;
        try {
            imported = format == Format.lio ? LioJsonImporter.importText(text) : ScstConfImporter.importText(text);
        } catch (ImportException e) {
            err.println(file + ":" + e.location() + ": " + e.reason());
            return 1;
        }
        String hocon = HoconWriter.write(imported, stateDir, List.of(
                "scstj configuration imported by `scstj import` from " + file + " ("
                        + (format == Format.lio ? "targetcli saveconfig.json" : "SCST scst.conf") + ").",
                "Check it with `scstj check -c <this file>` before serving it."));
        if (output == null) {
            out.print(hocon);
        } else {
            try {
                if (force) {
                    Files.writeString(output, hocon);
                } else {
                    Files.writeString(output, hocon, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
            } catch (FileAlreadyExistsException e) {
                err.println(output + ": exists; give --force to overwrite it");
                return 1;
            } catch (IOException e) {
                err.println(output + ": cannot write: " + describe(e));
                return 1;
            }
        }
        for (ImportNote note : imported.notes()) {
            err.println(note.format(file.toString()));
        }
        return 0;
    }

    /** A saveconfig.json is a JSON object; scst.conf never starts with '{'. */
    static Format detect(String text) {
        String s = text.stripLeading();
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1).stripLeading();
        }
        return s.startsWith("{") ? Format.lio : Format.scst;
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }
}
