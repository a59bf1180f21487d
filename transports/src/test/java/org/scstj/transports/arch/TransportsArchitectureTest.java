package org.scstj.transports.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The target-driver contract, checked on every build: a transport reaches the engine only through
 * its SPI ({@code org.scstj.engine.spi}) and the sense vocabulary the SPI exports
 * ({@code org.scstj.engine.sense}); no other engine package.
 */
@AnalyzeClasses(packages = "org.scstj.transports", importOptions = ImportOption.DoNotIncludeTests.class)
class TransportsArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheEnginesSpi = noClasses().that().resideInAPackage("org.scstj.transports..")
            .should().dependOnClassesThat(resideInAPackage("org.scstj.engine..")
                    .and(DescribedPredicate.not(resideInAnyPackage("org.scstj.engine.spi..", "org.scstj.engine.sense.."))))
            .because("a target driver uses the engine's SPI only (docs/architecture.md, the two contracts)");
}
