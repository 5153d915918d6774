package org.xenprovisioner.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Polls until a condition holds, failing after a limit with what was awaited and what the caller can tell of why not. */
public final class Await {

  private Await() {
  }

  /** A condition that may throw; it may also fail at once (an app that died) by throwing an {@link AssertionError}. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Checks the condition every {@code poll} until it holds; after {@code limit} fails naming {@code what},
   * with {@code whyNot} (null: nothing to add) for the diagnosis.
   */
  public static void until(String what, Duration limit, Duration poll, Condition condition, Supplier<String> whyNot)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (holds(what, condition)) {
        return;
      }
      Thread.sleep(poll.toMillis());
    }
    throw new AssertionError("timed out after " + limit + " waiting for " + what + (whyNot == null ? "" : ":\n" + whyNot.get()));
  }

  private static boolean holds(String what, Condition condition) throws InterruptedException {
    try {
      return condition.holds();
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checking whether " + what + ": " + e.getMessage(), e);
    }
  }
}
