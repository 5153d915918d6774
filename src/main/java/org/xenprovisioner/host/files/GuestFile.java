package org.xenprovisioner.host.files;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One file a guest's steps write or remove: the unit of the plan ({@code GET /api/batches/{id}/plan})
 * and of what step 4 and step 6 do, so the plan an approver reads is the list the steps carry out.
 *
 * @param path absolute path, inside the guest ({@code /etc/hosts}) or on the Dom0 ({@code /etc/xen/web01.cfg})
 * @param where {@value #GUEST} or {@value #DOM0}
 * @param action {@value #WRITE} or {@value #REMOVE}
 * @param content the full content written; null for a removal
 * @param mode the permissions a written file gets ({@code rw-r--r--}); null for a removal
 * @param renamedTo for a removal that sets the file aside instead of deleting it (a base's own netplan file), its new path
 */
public record GuestFile(String path, String where, String action, String content,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String mode,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String renamedTo) {

  public static final String GUEST = "guest";
  public static final String DOM0 = "dom0";
  public static final String WRITE = "write";
  public static final String REMOVE = "remove";

  static GuestFile writeInGuest(String guestPath, String content, String mode) {
    return new GuestFile("/" + guestPath, GUEST, WRITE, content, mode, null);
  }

  static GuestFile removeInGuest(String guestPath) {
    return new GuestFile("/" + guestPath, GUEST, REMOVE, null, null, null);
  }

  static GuestFile renameInGuest(String guestPath, String newGuestPath) {
    return new GuestFile("/" + guestPath, GUEST, REMOVE, null, null, "/" + newGuestPath);
  }

  /** The path relative to the guest's root ({@code etc/hosts}). */
  String guestPath() {
    return path.substring(1);
  }

  public boolean isWrite() {
    return WRITE.equals(action);
  }
}
