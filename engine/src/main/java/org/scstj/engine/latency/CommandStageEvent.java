package org.scstj.engine.latency;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One stage of one SCSI command, for the JDK Flight Recorder: off unless a recording enables it
 * ({@code jcmd PID JFR.start settings=scstj.jfc} or {@code scstj admin jfr start}); then each
 * measured command commits one event per stage it passed, on the LUN actor's thread when the
 * command completes. The stage's own duration is {@code elapsed}: the event's start time is that
 * of the commit, the stages having run before it, on other threads.
 */
@Name(CommandStageEvent.NAME)
@Label("SCSI Command Stage")
@Category({"scstj", "SCSI"})
@Description("The duration of one stage of one SCSI command (docs/latency.md)")
@Enabled(false)
@StackTrace(false)
public final class CommandStageEvent extends Event {
    public static final String NAME = "org.scstj.CommandStage";

    /** An instance only asked whether the event type is enabled: no allocation on the fast path. */
    private static final CommandStageEvent PROBE = new CommandStageEvent();

    @Label("Stage")
    @Description("receive, parse, checks, task-set, exec, xmit or total")
    public String stage;

    @Label("Device")
    public String device;

    @Label("LUN")
    public int lun;

    @Label("Operation")
    @Description("the command's name in the command table (READ(10), WRITE(16), ...)")
    public String command;

    @Label("Direction")
    @Description("read, write or other (by the command's data direction)")
    public String op;

    @Label("Initiator Task Tag")
    public long tag;

    @Label("Transfer Length")
    @DataAmount
    public long bytes;

    @Label("Elapsed")
    @Description("the stage's duration")
    @Timespan(Timespan.NANOSECONDS)
    public long elapsed;

    @Label("Status")
    @Description("the SCSI status the command ended with")
    public int status;

    /** True while a recording enables this event type (a cheap check, no allocation). */
    public static boolean enabled() {
        return PROBE.isEnabled();
    }
}
