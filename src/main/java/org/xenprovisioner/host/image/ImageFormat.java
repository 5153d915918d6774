package org.xenprovisioner.host.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * Refuses a base image that is not raw: a sparse copy of a qcow2 (the format distributions ship
 * their cloud images in), VMDK, VHDX, VDI or dynamic VHD file is no disk a loop device or Xen's
 * {@code format=raw} can use. Recognised by the magic bytes each format starts with, never by the
 * file name (a cloud image is often called {@code .img} whatever it holds).
 */
final class ImageFormat {

  private static final int HEAD = 72;

  private record Magic(String format, String description, int offset, byte[] bytes) {

    boolean matches(byte[] head, int length) {
      return length >= offset + bytes.length && Arrays.equals(head, offset, offset + bytes.length, bytes, 0, bytes.length);
    }
  }

  private static final List<Magic> NOT_RAW = List.of(
      magic("qcow2", "QEMU copy-on-write, as distributions ship their cloud images", 0, new byte[] {'Q', 'F', 'I', (byte) 0xfb}),
      magic("qed", "QEMU enhanced disk", 0, new byte[] {'Q', 'E', 'D', 0}),
      magic("vmdk", "VMware sparse extent", 0, ascii("KDMV")),
      magic("vmdk", "VMware disk descriptor", 0, ascii("# Disk DescriptorFile")),
      magic("vhdx", "Hyper-V", 0, ascii("vhdxfile")),
      magic("vpc", "dynamic VHD", 0, ascii("conectix")),
      magic("vdi", "VirtualBox", 64, new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe}));

  private ImageFormat() {
  }

  /** Throws {@link HostOperationException} saying how to convert the image when it is in a format other than raw. */
  static void requireRaw(Path image) {
    Optional<Magic> format = recognise(image);
    if (format.isPresent()) {
      Magic found = format.get();
      throw new HostOperationException("image " + image + " is a " + found.format() + " image (" + found.description()
          + "), not a raw disk image: a guest is a sparse copy of a raw image that a loop device and Xen's format=raw "
          + "can use. Convert it once, e.g. qemu-img convert -f " + found.format() + " -O raw " + image + " "
          + rawName(image) + " (the result is sparse), and set provisioner.base-image to the raw file");
    }
  }

  private static Optional<Magic> recognise(Path image) {
    byte[] head = new byte[HEAD];
    int length;
    try (InputStream in = Files.newInputStream(image)) {
      length = in.readNBytes(head, 0, HEAD);
    } catch (IOException e) {
      throw new HostOperationException("cannot read image " + image + ": " + e.getMessage(), e);
    }
    return NOT_RAW.stream().filter(magic -> magic.matches(head, length)).findFirst();
  }

  /** {@code ubuntu-24.04.qcow2} becomes {@code ubuntu-24.04.raw}; any other name gets {@code .raw} appended. */
  static Path rawName(Path image) {
    String name = image.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 && !name.substring(dot).equalsIgnoreCase(".raw") ? name.substring(0, dot) : name;
    return image.resolveSibling(stem + ".raw");
  }

  private static Magic magic(String format, String description, int offset, byte[] bytes) {
    return new Magic(format, description, offset, bytes);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
