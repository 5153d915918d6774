package org.xenprovisioner.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.springframework.boot.loader.tools.Library;
import org.springframework.boot.loader.tools.LibraryScope;
import org.springframework.boot.loader.tools.Repackager;
import org.xenprovisioner.XenProvisionerApplication;

/**
 * The executable jar, built from this build's classes the way {@code mvn package} builds it
 * (spring-boot-maven-plugin's {@link Repackager}, the runtime libraries nested under
 * {@code BOOT-INF/lib}), for tests that run the application as an installation runs it: resources
 * come from inside the jar, not from the source tree. The libraries are the ones
 * maven-dependency-plugin lists in {@code target/runtime-classpath.txt} before the tests run.
 */
public final class ExecutableJar {

  private static final Path CLASSES = Path.of("target", "classes");
  private static final Path RUNTIME_CLASSPATH = Path.of("target", "runtime-classpath.txt");

  private ExecutableJar() {
  }

  /** Builds {@code dir/xen-provisioner.jar}. */
  public static Path build(Path dir) throws IOException {
    if (!Files.isRegularFile(RUNTIME_CLASSPATH)) {
      throw new AssertionError(RUNTIME_CLASSPATH + " is missing: run the tests through Maven (mvn test), which writes it");
    }
    List<File> libraries = Arrays.stream(Files.readString(RUNTIME_CLASSPATH).strip().split(File.pathSeparator))
        .filter(entry -> !entry.isBlank()).map(File::new).toList();
    Files.createDirectories(dir);
    Path plain = dir.resolve("xen-provisioner-classes.jar");
    writeClasses(plain);
    Path jar = dir.resolve("xen-provisioner.jar");
    Files.deleteIfExists(jar);
    Repackager repackager = new Repackager(plain.toFile());
    repackager.setMainClass(XenProvisionerApplication.class.getName());
    repackager.repackage(jar.toFile(), callback -> {
      for (File library : libraries) {
        callback.library(new Library(library, LibraryScope.RUNTIME));
      }
    });
    Files.delete(plain);
    return jar;
  }

  /** target/classes as maven-jar-plugin writes it: directory entries included, which class loaders need to find a folder. */
  private static void writeClasses(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
         Stream<Path> files = Files.walk(CLASSES)) {
      for (Path file : files.filter(file -> !file.equals(CLASSES)).sorted().toList()) {
        String name = CLASSES.relativize(file).toString().replace(File.separatorChar, '/');
        if (Files.isDirectory(file)) {
          out.putNextEntry(new JarEntry(name + "/"));
        } else {
          out.putNextEntry(new JarEntry(name));
          try (var in = Files.newInputStream(file)) {
            in.transferTo(out);
          }
        }
        out.closeEntry();
      }
    }
  }
}
