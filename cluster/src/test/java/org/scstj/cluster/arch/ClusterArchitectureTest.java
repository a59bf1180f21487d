package org.scstj.cluster.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlPlane;
import org.scstj.engine.exec.ControlReplica;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.exec.LuControlPort;

/**
 * The cluster layer sits on the engine's SPI (the fence the transports check, the driver it fences),
 * on the engine's control-state port and values (the reservations' pure state machine) and on Pekko
 * Cluster; it knows no transport, no handler, no management code, and no other engine internal.
 */
@AnalyzeClasses(packages = "org.scstj.cluster", importOptions = ImportOption.DoNotIncludeTests.class)
class ClusterArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheEnginesSpiAndControlState = noClasses().that().resideInAPackage("org.scstj.cluster..")
            .should().dependOnClassesThat(resideInAPackage("org.scstj.engine..")
                    .and(DescribedPredicate.not(resideInAnyPackage("org.scstj.engine.spi..", "org.scstj.engine.pr..",
                            "org.scstj.engine.sense..")))
                    .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(ControlPlane.class, ControlReplica.class,
                            LuControlPort.class, ControlOp.class, ControlResult.class,
                            org.scstj.engine.lu.ModeParameters.Data.class, org.scstj.engine.lu.ModeParameters.Values.class,
                            org.scstj.engine.state.StateFile.class, org.scstj.engine.state.StateFile.CorruptStateException.class))))
            .because("the cluster layer uses the engine's SPI and its control state's values and port only"
                    + " (docs/design/cluster.md 3.4, 4.2): the reservations' state machine, its sense reasons, the mode"
                    + " parameters' values,"
                    + " and the crash-safe state file its durable store writes (8 risk 2)");

    @ArchTest
    static final ArchRule noTransportHandlerOrMgmt = noClasses().that().resideInAPackage("org.scstj.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.transports..", "org.scstj.handlers..",
                    "org.scstj.mgmt..", "io.netty..")
            .because("the daemon (mgmt) wires the cluster to the target driver, not the cluster itself");
}
