package org.xenprovisioner.host.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTests {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  private final CommandRunner runner = new CommandRunner();

  @Test
  void returnsStdoutOfSuccessfulCommand() {
    CommandResult result = runner.run(Command.of(TEN_SECONDS, "echo", "hello", "world"));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo("hello world\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void passesArgumentsWithoutShellInterpretation() {
    CommandResult result = runner.run(Command.of(TEN_SECONDS, "echo", "a;b $(id) `id` | c > d"));

    assertThat(result.stdout()).isEqualTo("a;b $(id) `id` | c > d\n");
  }

  @Test
  void throwsFailedWithExitCodeAndStderrOnNonZeroExit() {
    Command command = Command.of(TEN_SECONDS, "/bin/sh", "-c", "echo partial; echo disk is full >&2; exit 3");

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(command));

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(CommandFailedException.Kind.FAILED);
    assertThat(e.exitCode()).isEqualTo(3);
    assertThat(e.stdout()).isEqualTo("partial\n");
    assertThat(e.stderr()).isEqualTo("disk is full\n");
    assertThat(e.argv()).containsExactly("/bin/sh", "-c", "echo partial; echo disk is full >&2; exit 3");
    assertThat(e.getMessage()).contains("/bin/sh").contains("exited with 3").contains("disk is full");
  }

  @Test
  void returnsNonZeroExitWhenFailureIsAllowed() {
    CommandResult result = runner.runAllowingFailure(Command.of(TEN_SECONDS, "/bin/sh", "-c", "echo no >&2; exit 1"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).isEqualTo("no\n");
  }

  @Test
  void cutsLongOutputInMessageToHeadAndTail() {
    Command command = Command.of(TEN_SECONDS, "/bin/sh", "-c",
        "echo first-line >&2; head -c 100000 /dev/zero | tr '\\0' x >&2; echo; echo last-line >&2; exit 2");

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(command));

    assertThat(e.stderr()).hasSizeGreaterThan(100000);
    assertThat(e.getMessage()).hasSizeLessThan(2000).contains("first-line").contains("last-line").contains("[...]");
  }

  @Test
  void reportsMissingProgramAsCouldNotStart() {
    Command command = Command.of(TEN_SECONDS, "/nonexistent/xen-provisioner-no-such-program", "arg");

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(command));

    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(CommandFailedException.Kind.COULD_NOT_START);
    assertThat(e.getMessage()).contains("/nonexistent/xen-provisioner-no-such-program");
  }

  @Test
  void killsCommandThatRunsOverItsTimeout() {
    long started = System.nanoTime();

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class,
        () -> runner.run(Command.of(Duration.ofMillis(300), "sleep", "30")));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(CommandFailedException.Kind.TIMED_OUT);
    assertThat(e.getMessage()).contains("sleep 30");
    assertThat(ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .map(process -> process.info().commandLine().orElse(""))
        .filter(commandLine -> commandLine.contains("sleep") && commandLine.contains("30")))
        .isEmpty();
  }

  @Test
  void killsChildrenOfCommandThatRunsOverItsTimeout(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Command command = Command.of(Duration.ofMillis(500), "/bin/sh", "-c",
        "sleep 30 & echo $! > '" + pidFile + "'; wait");

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(command));

    assertThat(e.kind()).isEqualTo(CommandFailedException.Kind.TIMED_OUT);
    long childPid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(waitUntilGone(childPid, Duration.ofSeconds(3))).as("sleep child %d still alive", childPid).isTrue();
  }

  @Test
  void killsTheCommandOfAnInterruptedThreadAndReportsNoHostFault(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Command command = Command.of(Duration.ofSeconds(60), "/bin/sh", "-c", "sleep 30 & echo $! > '" + pidFile + "'; wait");
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    Thread step = new Thread(() -> {
      try {
        runner.run(command);
      } catch (RuntimeException e) {
        thrown.set(e);
      }
    });

    step.start();
    while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
      Thread.sleep(20);
    }
    step.interrupt();
    step.join(5000);

    // the application is stopping: the step must run again after the restart, not roll its guest back
    assertThat(thrown.get()).isInstanceOf(CommandInterruptedException.class).isNotInstanceOf(HostOperationException.class)
        .hasMessageContaining("sleep 30");
    long childPid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(waitUntilGone(childPid, Duration.ofSeconds(3))).as("sleep child %d still alive", childPid).isTrue();
  }

  @Test
  void readsLargeStdoutAndStderrTogetherWithoutDeadlock() {
    Command command = Command.of(Duration.ofSeconds(30), "/bin/sh", "-c",
        "head -c 2000000 /dev/zero; head -c 2000000 /dev/zero >&2");

    CommandResult result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> runner.run(command));

    assertThat(result.stdout()).hasSize(2_000_000);
    assertThat(result.stderr()).hasSize(2_000_000);
  }

  private static boolean waitUntilGone(long pid, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty() || !process.get().isAlive() || isZombie(pid)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A killed orphan may linger as a zombie until init reaps it; it no longer runs. */
  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
