package org.scstj.transports.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The target-driver contract, checked on every build: a transport reaches the engine only through
 * its SPI ({@code org.scstj.engine.spi}) and the sense vocabulary the SPI exports
 * ({@code org.scstj.engine.sense}); no other engine package. Inside, the iSCSI packages are layered
 * without cycles: the driver over the connection, the connection over the login, the login over
 * the configuration, and everything over the PDUs and their codec.
 */
@AnalyzeClasses(packages = "org.scstj.transports", importOptions = ImportOption.DoNotIncludeTests.class)
class TransportsArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheEnginesSpi = noClasses().that().resideInAPackage("org.scstj.transports..")
            .should().dependOnClassesThat(resideInAPackage("org.scstj.engine..")
                    .and(DescribedPredicate.not(resideInAnyPackage("org.scstj.engine.spi..", "org.scstj.engine.sense.."))))
            .because("a target driver uses the engine's SPI only (docs/architecture.md, the two contracts)");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.scstj.transports.(**)").should().beFreeOfCycles()
            .because("a package that needs what needs it cannot be understood, tested or replaced alone");

    @ArchTest
    static final ArchRule pdusKnowNoConnection = noClasses()
            .that().resideInAnyPackage("org.scstj.transports.iscsi.pdu..", "org.scstj.transports.iscsi.codec..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.transports.iscsi.conn..",
                    "org.scstj.transports.iscsi.login..", "org.scstj.transports.iscsi.config..",
                    "org.scstj.transports.iscsi")
            .because("decoding a PDU depends on nothing a connection negotiated but what it is handed");

    @ArchTest
    static final ArchRule loginKnowsNoConnection = noClasses().that().resideInAPackage("org.scstj.transports.iscsi.login..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.transports.iscsi.conn..",
                    "org.scstj.transports.iscsi")
            .because("the login is a state machine over text keys, tested without a channel");

    @ArchTest
    static final ArchRule theInitiatorSharesOnlyThePdus = noClasses()
            .that().resideInAPackage("org.scstj.transports.iscsi.initiator..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.transports.iscsi.conn..",
                    "org.scstj.transports.iscsi.login..", "org.scstj.transports.iscsi.config..",
                    "org.scstj.transports.iscsi", "org.scstj.engine..")
            .because("the initiator the tests use must not share the target's logic, or it would hide the target's bugs");
}
