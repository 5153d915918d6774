package org.xenprovisioner.host.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs host commands: argument lists through {@link ProcessBuilder}, stdout and stderr read at the
 * same time (so a chatty command cannot block), a timeout after which the process is destroyed.
 */
@Component
public class CommandRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
  /** Own threads for the output readers: the common pool has a single thread on a 2-core host. */
  private static final ExecutorService READERS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "command-output");
    thread.setDaemon(true);
    return thread;
  });

  /** Runs the command and returns its result when it exits 0; throws {@link CommandFailedException} otherwise. */
  public CommandResult run(Command command) {
    CommandResult result = runAllowingFailure(command);
    if (result.exitCode() != 0) {
      throw new CommandFailedException(CommandFailedException.Kind.FAILED, command, result.exitCode(),
          result.stdout(), result.stderr(), null);
    }
    return result;
  }

  /**
   * Runs the command and returns whatever it exited with; throws only when it cannot start or times
   * out, or when the calling thread is interrupted ({@link CommandInterruptedException}).
   */
  public CommandResult runAllowingFailure(Command command) {
    LOG.debug("running {}", command);
    Process process;
    try {
      process = new ProcessBuilder(command.argv()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new CommandFailedException(CommandFailedException.Kind.COULD_NOT_START, command, -1, "", e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), READERS);
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), READERS);
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new CommandFailedException(CommandFailedException.Kind.TIMED_OUT, command, -1,
            stdout.getNow(""), stderr.getNow(""), null);
      }
      return new CommandResult(process.exitValue(), stdout.get(), stderr.get());
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandInterruptedException(command, e);
    } catch (IOException | ExecutionException e) {
      process.destroyForcibly();
      throw new CommandFailedException(CommandFailedException.Kind.FAILED, command, -1, "", e.getMessage(), e);
    }
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
