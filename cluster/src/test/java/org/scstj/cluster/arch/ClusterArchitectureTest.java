package org.scstj.cluster.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The cluster layer sits on the engine's SPI (the fence the transports check, the driver it fences)
 * and on Pekko Cluster; it knows no transport, no handler, no management code, and no engine
 * internal.
 */
@AnalyzeClasses(packages = "org.scstj.cluster", importOptions = ImportOption.DoNotIncludeTests.class)
class ClusterArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheEnginesSpi = noClasses().that().resideInAPackage("org.scstj.cluster..")
            .should().dependOnClassesThat(resideInAPackage("org.scstj.engine..")
                    .and(DescribedPredicate.not(resideInAPackage("org.scstj.engine.spi.."))))
            .because("the cluster layer uses the engine's SPI only (docs/design/cluster.md 3.4)");

    @ArchTest
    static final ArchRule noTransportHandlerOrMgmt = noClasses().that().resideInAPackage("org.scstj.cluster..")
            .should().dependOnClassesThat().resideInAnyPackage("org.scstj.transports..", "org.scstj.handlers..",
                    "org.scstj.mgmt..", "io.netty..")
            .because("the daemon (mgmt) wires the cluster to the target driver, not the cluster itself");
}
