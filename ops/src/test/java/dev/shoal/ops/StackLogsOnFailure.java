package dev.shoal.ops;

import dev.shoal.ops.stack.ProcessStack;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the last lines of every component's log when a test of a multi-process cluster fails: the
 * processes' own logs are where the reason is, and their directory is gone after the run.
 */
final class StackLogsOnFailure implements TestWatcher {
  private static final int LINES = 150;
  private final Supplier<ProcessStack> stack;

  StackLogsOnFailure(Supplier<ProcessStack> stack) {
    this.stack = stack;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ProcessStack s = stack.get();
    if (s != null) {
      System.out.println("---- component logs after " + context.getDisplayName() + " failed ----");
      System.out.println(s.logs(LINES));
    }
  }
}
