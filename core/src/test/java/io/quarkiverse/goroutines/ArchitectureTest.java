package io.quarkiverse.goroutines;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Architecture rules for the core module: the scheduler engine is plain Java and must stay independent of Quarkus,
 * Vert.x, SmallRye, JBoss and Jakarta APIs, and it ships no programs.
 */
class ArchitectureTest {

    private static final String ROOT_PACKAGE = "io.quarkiverse.goroutines";

    private static JavaClasses coreClasses;

    @BeforeAll
    static void importClasses() {
        coreClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT_PACKAGE);
    }

    @Test
    void importsCoreClasses() {
        assertFalse(coreClasses.isEmpty(),
                "ArchUnit imported no production classes from " + ROOT_PACKAGE + "; the rules below would be vacuous");
    }

    @Test
    void coreDoesNotDependOnFrameworks() {
        assertFalse(coreClasses.isEmpty(), "no classes imported from " + ROOT_PACKAGE);
        noClasses()
                .that().resideInAPackage(ROOT_PACKAGE + "..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..",
                        "io.vertx..",
                        "io.smallrye..",
                        "org.jboss..",
                        "jakarta..")
                .because("the core scheduler is plain Java; Quarkus integration belongs in the runtime module")
                .allowEmptyShould(false)
                .check(coreClasses);
    }

    /** Every application depends on core: it ships no programs (the scheduler demo lives in the benchmarks module). */
    @Test
    void coreShipsNoMainMethod() {
        assertFalse(coreClasses.isEmpty(), "no classes imported from " + ROOT_PACKAGE);
        noMethods()
                .should().haveName("main")
                .because("a program in the library would ship inside every application")
                .allowEmptyShould(false)
                .check(coreClasses);
    }
}
