package org.scstj.engine.latency;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One task-management function (SAM-5 7), from the task-management actor's start to its service
 * response, for the JDK Flight Recorder; off unless a recording enables it. Its duration is the
 * event's own (begin at the request, end at the response).
 */
@Name(TaskManagementEvent.NAME)
@Label("SCSI Task Management")
@Category({"scstj", "SCSI"})
@Description("One task-management function and its service response (docs/latency.md)")
@Enabled(false)
@StackTrace(false)
public final class TaskManagementEvent extends Event {
    public static final String NAME = "org.scstj.TaskManagement";

    @Label("Function")
    @Description("ABORT_TASK, LOGICAL_UNIT_RESET, ...")
    public String function;

    @Label("Initiator")
    @Description("the initiator port name of the nexus that asked")
    public String initiator;

    @Label("Target")
    public String target;

    @Label("LUN")
    public long lun;

    @Label("Referenced Task Tag")
    public long referencedTag;

    @Label("Response")
    public String response;
}
