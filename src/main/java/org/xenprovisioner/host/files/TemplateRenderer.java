package org.xenprovisioner.host.files;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.xenprovisioner.StartRefusedException;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.image.Ownership;
import org.xenprovisioner.intake.Guest;

/**
 * Renders the FreeMarker templates: the operator's under {@code provisioner.template-dir}, or the
 * ones built into the application ({@link TemplateSource}). Every template is rendered once at
 * start with a sample guest, so a template that names an unknown variable stops the application
 * instead of leaving a blank in a guest file.
 */
@Component
public class TemplateRenderer {

  static final String SUFFIX = TemplateSource.SUFFIX;
  static final String DOMAIN_CONFIG = "xen/domain.cfg" + SUFFIX;
  static final String AUTO = "auto";
  static final String CLOUD_INIT = "cloud-init";
  static final List<String> FAMILIES = List.of("rhel", "debian", CLOUD_INIT);

  private final Configuration freemarker;
  private final TemplateSource templates;
  private final String family;
  private final String bridge;
  /** Each family's templates, listed once (a directory walk or a scan of the jar), as checked at start. */
  private final Map<String, List<String>> listed = new ConcurrentHashMap<>();

  public TemplateRenderer(ProvisionerProperties properties) {
    this.templates = TemplateSource.of(properties.templateDir());
    this.family = properties.guestFamily();
    this.bridge = properties.defaults().bridge();
    this.freemarker = new Configuration(Configuration.VERSION_2_3_34);
    freemarker.setTemplateLoader(templates.loader());
    freemarker.setDefaultEncoding("UTF-8");
    freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    freemarker.setLogTemplateExceptions(false);
    freemarker.setWrapUncheckedExceptions(true);
    freemarker.setFallbackOnNullLoopVariable(false);
    checkAll();
  }

  /**
   * Guest paths (relative, e.g. {@code etc/hosts}) mapped to their rendered content, for the
   * configured family; the owner (batch and guest, as marked on the image) makes the instance id.
   */
  public Map<String, String> guestFiles(Guest guest, Path image, String owner) {
    return guestFiles(guest, image, owner, family);
  }

  /** The configured family: {@code rhel}, {@code debian}, {@code cloud-init}, or {@code auto} (detected per guest). */
  String family() {
    return family;
  }

  /** Guest paths mapped to their rendered content, for the given family. */
  Map<String, String> guestFiles(Guest guest, Path image, String owner, String family) {
    Map<String, String> files = new LinkedHashMap<>();
    Map<String, Object> model = model(guest, image, owner);
    for (String template : guestTemplates(family)) {
      String guestPath = template.substring(family.length() + 1, template.length() - SUFFIX.length());
      files.put(guestPath, render(template, model));
    }
    return files;
  }

  public String domainConfig(Guest guest, Path image, String owner) {
    return render(DOMAIN_CONFIG, model(guest, image, owner));
  }

  /**
   * What cloud-init takes for this guest's identity: new for every provisioning (batch and guest),
   * so a guest made from a base that was itself once a guest of that name still counts as a new
   * instance (cloud-init then makes SSH host keys, sets the host name, applies the network).
   */
  static String instanceId(Guest guest, String owner) {
    return "xenprov-" + guest.hostname() + "-" + Ownership.token(owner);
  }

  Map<String, Object> model(Guest guest, Path image, String owner) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("hostname", guest.hostname());
    model.put("ip", guest.ip());
    model.put("mac", guest.mac());
    model.put("netmask", guest.netmask());
    model.put("prefix", prefixLength(guest.netmask()));
    model.put("gateway", guest.hasGateway() ? guest.gateway() : "");
    model.put("memory", guest.memory());
    model.put("vcpus", guest.vcpus());
    model.put("image", image.toString());
    model.put("bridge", bridge);
    model.put("instanceId", instanceId(guest, owner));
    model.forEach((name, value) -> {
      if (value instanceof String text) {
        refuseUnsafe(name, text);
      }
    });
    return model;
  }

  /**
   * Defence in depth: intake lets none of these through, but a value that reaches a guest file or an
   * xl config must never be able to end a quoted string, add a list element or start a new line
   * (xl runs a {@code script=} as root on the Dom0).
   */
  static void refuseUnsafe(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '"' || c == '\'' || c == ',' || c == '\\'
          || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        throw new HostOperationException("template value " + name + " holds a character that may not be written into "
            + "a guest file or domain config (control character, quote, comma or backslash): "
            + value.replaceAll("\\p{Cntrl}", "?"));
      }
    }
  }

  /** 255.255.255.0 as 24, for netplan's address/prefix notation. */
  static int prefixLength(String netmask) {
    long mask = 0;
    for (String octet : netmask.split("\\.")) {
      mask = (mask << 8) | Integer.parseInt(octet);
    }
    return Long.bitCount(mask);
  }

  private List<String> guestTemplates(String family) {
    return listed.computeIfAbsent(family, templates::templates);
  }

  private String render(String name, Map<String, Object> model) {
    try {
      Template template = freemarker.getTemplate(name);
      StringWriter out = new StringWriter();
      template.process(model, out);
      return out.toString();
    } catch (IOException e) {
      throw new HostOperationException("cannot read template " + templates.describe(name) + ": " + e.getMessage(), e);
    } catch (TemplateException e) {
      throw new HostOperationException("template " + templates.describe(name) + " cannot be rendered: "
          + e.getMessageWithoutStackTop(), e);
    }
  }

  /** Renders every template a guest may get (all families for {@code auto}), so a bad one stops the start. */
  private void checkAll() {
    List<String> families = AUTO.equals(family) ? FAMILIES : List.of(family);
    for (String checked : families) {
      if (!templates.hasFolder(checked)) {
        throw refused("no templates for guest family '" + checked + "' in " + templates.describe());
      }
      if (guestTemplates(checked).isEmpty()) {
        throw refused("the folder " + checked + " of " + templates.describe() + " holds no *" + SUFFIX + " templates");
      }
    }
    for (String gateway : new String[] {"192.0.2.1", null}) {
      Guest sample = new Guest(1, "template-check", "192.0.2.10", "00:16:3e:00:00:01", "255.255.255.0", gateway, 512, 1);
      String owner = "batch template-check, guest template-check";
      try {
        for (String checked : families) {
          guestFiles(sample, Path.of("/srv/xen/template-check.img"), owner, checked);
        }
        domainConfig(sample, Path.of("/srv/xen/template-check.img"), owner);
      } catch (HostOperationException | UncheckedIOException e) {
        throw refused(e.getMessage());
      }
    }
  }

  private static StartRefusedException refused(String reason) {
    return new StartRefusedException("provisioner.template-dir: " + reason,
        "Fix the template named above (the variables a template may use are listed in the README), or point "
            + "provisioner.template-dir at a directory with a complete set of templates.");
  }
}
