package org.scstj.mgmt.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The management module's layers, checked on every build: the command-line clients ({@code cli},
 * {@code imports}) know the daemon only through its HTTP API and the configuration format, never
 * its engine or driver; the configuration reader knows nothing of the admin plane above it; the
 * admin plane reaches the engine through its public API and SPI, not its actors.
 */
@AnalyzeClasses(packages = "org.scstj.mgmt", importOptions = ImportOption.DoNotIncludeTests.class)
class MgmtArchitectureTest {

    @ArchTest
    static final ArchRule clientsTalkHttpOnly = noClasses().that()
            .resideInAnyPackage("org.scstj.mgmt.cli..", "org.scstj.mgmt.imports..")
            .should().dependOnClassesThat(resideInAnyPackage("org.scstj.engine..", "org.scstj.transports..",
                    "org.scstj.mgmt.admin..", "org.apache.pekko.."))
            .because("scstj admin and scstj import run beside the daemon, not in it (docs/admin.md)");

    @ArchTest
    static final ArchRule configKnowsNoAdmin = noClasses().that().resideInAPackage("org.scstj.mgmt.config..")
            .should().dependOnClassesThat(resideInAnyPackage("org.scstj.mgmt.admin..", "org.scstj.mgmt.cli..",
                    "org.scstj.mgmt.imports.."))
            .because("the configuration reader is below the admin plane");

    @ArchTest
    static final ArchRule adminUsesTheEnginesApi = noClasses().that().resideInAPackage("org.scstj.mgmt.admin..")
            .should().dependOnClassesThat(resideInAnyPackage("org.scstj.engine.lun..", "org.scstj.engine.session..",
                    "org.scstj.engine.tmf..", "org.scstj.engine.lu..", "org.scstj.transports.iscsi.conn.."))
            .because("changes go through ScsiEngine and the TargetDriver SPI, which own the actors");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("org.scstj.mgmt.(**)").should().beFreeOfCycles();
}
