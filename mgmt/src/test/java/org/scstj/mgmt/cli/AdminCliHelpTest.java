package org.scstj.mgmt.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/admin.md: {@code scstj admin COMMAND --help} works for every command, nested ones too; no daemon needed. */
class AdminCliHelpTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The commands the help of {@code prefix} lists under "Commands:". */
    private static List<String> commandsOf(List<String> prefix) {
        List<String> args = new ArrayList<>(prefix);
        args.add("--help");
        Run r = run(args);
        assertEquals(0, r.exit(), r.err());
        List<String> names = new ArrayList<>();
        boolean in = false;
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("Commands:")) {
                in = true;
            } else if (in && line.matches("^  [a-z][a-z-]*\\b.*")) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    @Test
    void everyCommandAndSubcommand_answersHelp() {
        List<String> top = commandsOf(List.of());
        assertTrue(top.containsAll(List.of("ls", "device", "session", "latency", "actors", "alua", "cluster")),
                top.toString());
        int checked = 0;
        for (String c : top) {
            Run r = run(List.of(c, "--help"));
            assertEquals(0, r.exit(), c + ": " + r.err());
            assertTrue(r.out().contains("Usage:") && r.out().contains(c), c + ":\n" + r.out());
            assertFalse(r.err().contains("Unknown option"), r.err());
            for (String sub : commandsOf(List.of(c))) {
                Run s = run(List.of(c, sub, "--help"));
                assertEquals(0, s.exit(), c + " " + sub + ": " + s.err());
                assertTrue(s.out().contains("Usage:"), c + " " + sub + ":\n" + s.out());
                checked++;
            }
            checked++;
        }
        assertTrue(checked > top.size(), "nested commands were checked too");
        assertTrue(commandsOf(List.of("cluster")).containsAll(List.of("ls", "lus", "leave", "down")),
                commandsOf(List.of("cluster")).toString());
    }
}
