package org.xenprovisioner.host.files;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.TemplateLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.xenprovisioner.StartRefusedException;

/**
 * Where the templates come from: the operator's directory when {@code provisioner.template-dir} is
 * set, else the templates built into the application (the repository's {@code config/templates},
 * packaged as classpath {@code templates/}). One source or the other, never a mix, so what a
 * directory leaves out is left out.
 */
final class TemplateSource {

  /** Classpath location of the built-in templates (pom.xml packages config/templates there). */
  static final String BUILT_IN = "templates/";
  static final String SUFFIX = ".ftl";

  private final Path directory;

  private TemplateSource(Path directory) {
    this.directory = directory;
  }

  /** The directory named by {@code provisioner.template-dir}, which must exist; without one, the built-in templates. */
  static TemplateSource of(Path directory) {
    if (directory == null) {
      return new TemplateSource(null);
    }
    Path absolute = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute) || !Files.isReadable(absolute)) {
      throw new StartRefusedException("provisioner.template-dir: " + absolute + " is not a readable directory",
          "Point provisioner.template-dir at a copy of the templates (config/templates in the source tree), "
              + "or leave it unset to use the templates built into the application.");
    }
    return new TemplateSource(absolute);
  }

  boolean builtIn() {
    return directory == null;
  }

  TemplateLoader loader() {
    if (builtIn()) {
      return new ClassTemplateLoader(TemplateSource.class.getClassLoader(), BUILT_IN);
    }
    try {
      return new FileTemplateLoader(directory.toFile());
    } catch (IOException e) {
      throw new StartRefusedException("provisioner.template-dir: cannot read templates from " + directory + ": " + e.getMessage(),
          "Make the directory readable to the application.", e);
    }
  }

  /** Whether the source holds a folder of that name ({@code rhel}, {@code xen}, ...). */
  boolean hasFolder(String folder) {
    return builtIn() ? !builtInTemplates(folder).isEmpty() : Files.isDirectory(directory.resolve(folder));
  }

  /** The {@value #SUFFIX} templates under the folder, as names relative to the source ({@code rhel/etc/hosts.ftl}), sorted. */
  List<String> templates(String folder) {
    if (builtIn()) {
      return builtInTemplates(folder);
    }
    Path folderDir = directory.resolve(folder);
    if (!Files.isDirectory(folderDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folderDir)) {
      return files.filter(Files::isRegularFile)
          .filter(file -> file.getFileName().toString().endsWith(SUFFIX))
          .map(file -> directory.relativize(file).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list templates in " + folderDir, e);
    }
  }

  /** A template's name as an operator finds it: its file, or where it is in the application. */
  String describe(String name) {
    return builtIn() ? "built-in template " + name : directory.resolve(name).toString();
  }

  /** Where the templates come from, for messages. */
  String describe() {
    return builtIn() ? "the templates built into the application" : directory.toString();
  }

  private static List<String> builtInTemplates(String folder) {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(TemplateSource.class.getClassLoader());
    try {
      Resource root = resolver.getResource("classpath:" + BUILT_IN);
      if (!root.exists()) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      for (Resource template : resolver.getResources("classpath:" + BUILT_IN + folder + "/**/*" + SUFFIX)) {
        names.add(builtInName(root, template));
      }
      return names.stream().sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the built-in templates in " + BUILT_IN + folder, e);
    }
  }

  /** {@code rhel/etc/hosts.ftl}: relative to the root folder in a build's classes, the entry name after the root in a jar. */
  private static String builtInName(Resource root, Resource template) throws IOException {
    if (root.isFile() && template.isFile()) {
      return root.getFile().toPath().relativize(template.getFile().toPath()).toString();
    }
    String url = template.getURL().toString();
    String entry = url.substring(url.lastIndexOf("!/") + 2);
    if (!entry.startsWith(BUILT_IN)) {
      throw new IOException("unexpected location of a built-in template: " + url);
    }
    return entry.substring(BUILT_IN.length());
  }
}
