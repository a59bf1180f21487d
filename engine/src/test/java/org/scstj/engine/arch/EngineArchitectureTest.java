package org.scstj.engine.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The engine's layering, checked on every build: no cycle between its packages (a cycle is how a
 * parse package ends up dispatching execution), the SPI at the bottom, the command sets above the
 * commands they list, and no Netty in the engine.
 */
@AnalyzeClasses(packages = "org.scstj.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("org.scstj.engine.(*)..")
            .should().beFreeOfCycles();

    /** The two contracts depend on nothing else of the engine (a handler's configuration is HOCON). */
    @ArchTest
    static final ArchRule theSpiStandsAlone = classes().that().resideInAPackage("org.scstj.engine.spi..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("org.scstj.engine.spi..", "java..", "com.typesafe.config..");

    /** CDB decoding is pure parsing: it neither executes nor looks commands up. */
    @ArchTest
    static final ArchRule decodingKnowsNoExecution = noClasses().that().resideInAPackage("org.scstj.engine.cdb..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.engine.exec..", "org.scstj.engine.commands..",
                    "org.scstj.engine.spc..", "org.scstj.engine.sbc..", "org.scstj.engine.xcopy..",
                    "org.scstj.engine.lun..");

    /** Only the actors and the engine's entry point use the command tables; commands never see them. */
    @ArchTest
    static final ArchRule commandsDoNotKnowTheTables = noClasses().that().resideInAnyPackage("org.scstj.engine.spc..",
                    "org.scstj.engine.sbc..", "org.scstj.engine.xcopy..", "org.scstj.engine.exec..")
            .should().dependOnClassesThat().resideInAPackage("org.scstj.engine.commands..");

    /** The LU's state is the LUN actor's: the executors never reach the actors. */
    @ArchTest
    static final ArchRule commandsDoNotKnowTheActors = noClasses().that().resideInAnyPackage("org.scstj.engine.spc..",
                    "org.scstj.engine.sbc..", "org.scstj.engine.xcopy..", "org.scstj.engine.exec..",
                    "org.scstj.engine.lu..", "org.scstj.engine.pr..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.engine.lun..", "org.scstj.engine.session..",
                    "org.scstj.engine.tmf..", "org.scstj.engine.scsitarget..", "org.apache.pekko..");

    @ArchTest
    static final ArchRule noNetty = noClasses().should().dependOnClassesThat().resideInAPackage("io.netty..");
}
