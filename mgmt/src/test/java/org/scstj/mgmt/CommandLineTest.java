package org.scstj.mgmt;

import org.junit.jupiter.api.Test;
import org.scstj.mgmt.config.Portal;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

    @Test
    void helpForms_allGiveHelp() throws Exception {
        assertEquals(new Command.Help(null), CommandLine.parse("--help"));
        assertEquals(new Command.Help(null), CommandLine.parse("-h"));
        assertEquals(new Command.Help(null), CommandLine.parse("help"));
        assertEquals(new Command.Help("serve"), CommandLine.parse("help", "serve"));
        assertEquals(new Command.Help("demo"), CommandLine.parse("demo", "--help"));
        assertEquals(new Command.Help("check"), CommandLine.parse("check", "-c", "x.conf", "-h"));
        assertEquals(new Command.Help("test"), CommandLine.parse("help", "test"));
    }

    @Test
    void everyCommand_hasHelpThatNamesItsOptions() {
        for (String c : CommandLine.COMMANDS) {
            assertTrue(CommandLine.help(null).contains("  " + c + " "), c);
            assertTrue(CommandLine.help(c).startsWith("Usage: "), c);
        }
        assertTrue(CommandLine.help("demo").contains("--listen HOST:PORT"));
        assertTrue(CommandLine.help("demo").contains("--state-dir DIR"));
        assertTrue(CommandLine.help("serve").contains("-c, --config FILE"));
        assertTrue(CommandLine.help("check").contains("-c, --config FILE"));
    }

    @Test
    void unknownCommand_isAUsageErrorWithoutTopic() {
        CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("srve"));
        assertEquals("unknown command 'srve'", e.getMessage());
        assertNull(e.topic());
        assertThrows(CommandLine.UsageException.class, CommandLine::parse);
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("help", "nope"));
    }

    @Test
    void serveAndCheck_needAConfigFile() throws Exception {
        assertEquals(new Command.Serve(Path.of("a.conf"), false), CommandLine.parse("serve", "-c", "a.conf"));
        assertEquals(new Command.Serve(Path.of("a.conf"), true), CommandLine.parse("serve", "--config=a.conf", "-v"));
        assertEquals(new Command.Check(Path.of("b.conf")), CommandLine.parse("check", "--config", "b.conf"));
        CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("serve"));
        assertEquals("serve", e.topic());
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("check", "-c"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("serve", "-c", "a.conf", "extra"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("serve", "-c", "a.conf", "--listen", "1.2.3.4:3260"));
    }

    @Test
    void adminAndImport_handTheRestToTheirOwnParsers() throws Exception {
        assertEquals(new Command.Admin(java.util.List.of("--state-dir", "s", "ls")), CommandLine.parse("admin", "--state-dir", "s", "ls"));
        assertEquals(new Command.Import(java.util.List.of("scst.conf", "-o", "x.conf")),
                CommandLine.parse("import", "scst.conf", "-o", "x.conf"));
        assertTrue(CommandLine.help(null).contains("admin") && CommandLine.help(null).contains("import"));
        assertTrue(CommandLine.help("admin").contains("admin.token"));
    }

    @Test
    void demo_defaultsTo127001AndStateInTheCurrentDirectory() throws Exception {
        assertEquals(new Command.Demo(new Portal("127.0.0.1", 3260), Path.of("state"), false), CommandLine.parse("demo"));
    }

    @Test
    void demoFlags_changePortalAndStateDir() throws Exception {
        assertEquals(new Command.Demo(new Portal("0.0.0.0", 3270), Path.of("/tmp/s"), true),
                CommandLine.parse("demo", "--listen", "0.0.0.0:3270", "--state-dir", "/tmp/s", "-v"));
        assertEquals(new Command.Demo(new Portal("::1", 3260), Path.of("st"), false),
                CommandLine.parse("demo", "--listen=[::1]:3260", "--state-dir=st"));
    }

    @Test
    void demoFlags_refuseBadPortalsAndUnknownOptions() {
        for (String bad : new String[]{"localhost", "1.2.3.4:0", "1.2.3.4:65536", ":3260", "::1:3260"}) {
            assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("demo", "--listen", bad), bad);
        }
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("demo", "--port", "3260"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("demo", "-c", "x.conf"));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("demo", "--listen"));
    }

    @Test
    void test_isTheLaunchers() {
        CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("test"));
        assertTrue(e.getMessage().contains("./scstj test"));
        CommandLine.UsageException b = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("bench"));
        assertTrue(b.getMessage().contains("./scstj bench"));
        assertTrue(CommandLine.help("bench").contains("compare"));
    }
}
