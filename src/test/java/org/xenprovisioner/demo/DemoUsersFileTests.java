package org.xenprovisioner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo users file the release before wrote is rewritten as user:password lines, owner-only still. */
class DemoUsersFileTests {

  @Test
  void earlierLinesBecomeUserColonPasswordAndTheFileStaysOwnerOnly(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve(DemoSetup.USERS_FILE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, "operator (operators): Abc23def\napprover (approvers): Xyz45uvw\n");

    assertThat(DemoSetup.rewriteEarlierUsersFile(file)).isTrue();

    assertThat(Files.readAllLines(file)).containsExactly("operator:Abc23def", "approver:Xyz45uvw");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void aCurrentFileOrNoneIsLeftAsItIs(@TempDir Path dir) throws IOException {
    String current = "# xen-provisioner demo users, user:password as curl -u takes them\n"
        + "# operator (group operators) submits batches, approver (group approvers) approves them\n"
        + "operator:Abc23def\napprover:Xyz45uvw\n";
    Path file = Files.writeString(dir.resolve(DemoSetup.USERS_FILE), current);

    assertThat(DemoSetup.rewriteEarlierUsersFile(file)).isFalse();
    assertThat(file).hasContent(current);
    assertThat(DemoSetup.rewriteEarlierUsersFile(dir.resolve("missing"))).isFalse();
  }
}
