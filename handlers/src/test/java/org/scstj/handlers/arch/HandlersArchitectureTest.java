package org.scstj.handlers.arch;

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
 * The device-handler contract, checked on every build: a handler reaches the engine only through
 * its SPI ({@code org.scstj.engine.spi}) and the sense vocabulary it exports; no other engine
 * package; each handler its own package, none depending on another's.
 */
@AnalyzeClasses(packages = "org.scstj.handlers", importOptions = ImportOption.DoNotIncludeTests.class)
class HandlersArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheEnginesSpi = noClasses().that().resideInAPackage("org.scstj.handlers..")
            .should().dependOnClassesThat(resideInAPackage("org.scstj.engine..")
                    .and(DescribedPredicate.not(resideInAnyPackage("org.scstj.engine.spi..", "org.scstj.engine.sense.."))))
            .because("a device handler uses the engine's SPI only (docs/architecture.md, the two contracts)");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("org.scstj.handlers.(**)")
            .should().beFreeOfCycles();
}
