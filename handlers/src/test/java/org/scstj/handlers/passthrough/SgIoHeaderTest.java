package org.scstj.handlers.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The FFM layout of {@code struct sg_io_hdr} against {@code <scsi/sg.h>}. */
class SgIoHeaderTest {
    private static final List<String> FIELDS = List.of("interface_id", "dxfer_direction", "cmd_len", "mx_sb_len",
            "iovec_count", "dxfer_len", "dxferp", "cmdp", "sbp", "timeout", "flags", "pack_id", "usr_ptr", "status",
            "masked_status", "msg_status", "sb_len_wr", "host_status", "driver_status", "resid", "duration", "info");

    /** The offsets of x86-64 and arm64 Linux (LP64), as the C compiler lays the header out. */
    @Test
    void layout_matchesTheLp64OffsetsOfTheKernelHeader() {
        long[] expected = {0, 4, 8, 9, 10, 12, 16, 24, 32, 40, 44, 48, 56, 64, 65, 66, 67, 68, 70, 72, 76, 80};
        for (int i = 0; i < FIELDS.size(); i++) {
            assertEquals(expected[i], SgIoHeader.offset(FIELDS.get(i)), FIELDS.get(i));
        }
        assertEquals(88, SgIoHeader.LAYOUT.byteSize(), "sizeof(struct sg_io_hdr)");
    }

    /** Where a C compiler and the header are installed, the offsets it computes from the header itself. */
    @Test
    void layout_matchesWhatTheCCompilerMakesOfTheInstalledHeader(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/scsi/sg.h")), "no <scsi/sg.h>");
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <scsi/sg.h>\nint main(void){\n");
        for (String f : FIELDS) {
            c.append("printf(\"").append(f).append(" %zu\\n\", offsetof(struct sg_io_hdr, ").append(f).append("));\n");
        }
        c.append("printf(\"sizeof %zu\\n\", sizeof(struct sg_io_hdr));\nreturn 0;}\n");
        Path source = dir.resolve("sg.c");
        Files.writeString(source, c);
        Path binary = dir.resolve("sg");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-o", binary.toString(), source.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no C compiler");
            return;
        }
        assumeTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "the C compiler failed");
        Process run = new ProcessBuilder(binary.toString()).start();
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (String line : new String(run.getInputStream().readAllBytes()).split("\n")) {
            String[] kv = line.split(" ");
            offsets.put(kv[0], Long.parseLong(kv[1]));
        }
        for (String f : FIELDS) {
            assertEquals(offsets.get(f), SgIoHeader.offset(f), f);
        }
        assertEquals(offsets.get("sizeof"), SgIoHeader.LAYOUT.byteSize(), "sizeof");
    }
}
