package io.quarkiverse.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The runnable jar opens {@code java.base/java.lang} to the unnamed module, where the core library sits, and the
 * module that the extension grants it to is the core library's own module name.
 */
class ProductionJarManifestIT {

    /** The name the deployment's {@code ModuleOpenBuildItem} grants {@code java.lang} to. */
    static final String CORE_MODULE = "io.quarkiverse.goroutines.core";

    static final Path APP = Path.of("target/quarkus-app");

    @Test
    void runnerJarOpensJavaLangToTheUnnamedModule() throws IOException {
        Attributes main = manifest(APP.resolve("quarkus-run.jar"));
        String opens = main.getValue("Add-Opens");
        // a manifest's Add-Opens always opens to ALL-UNNAMED: the class path, where the core library is
        assertTrue(opens != null && List.of(opens.split(" ")).contains("java.base/java.lang"), "Add-Opens: " + opens);
    }

    @Test
    void theGrantedModuleIsTheCoreLibrary() throws IOException {
        Path core;
        try (Stream<Path> jars = Files.list(APP.resolve("lib/main"))) {
            core = jars.filter(p -> p.getFileName().toString().contains("quarkus-goroutines-core-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no core jar in " + APP.resolve("lib/main")));
        }
        assertEquals(CORE_MODULE, manifest(core).getValue("Automatic-Module-Name"), core.toString());
    }

    private static Attributes manifest(Path jar) throws IOException {
        assertTrue(Files.exists(jar), "build the jar first: " + jar.toAbsolutePath());
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getManifest().getMainAttributes();
        }
    }
}
