package dev.cairn.cache.script;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A piece of work that can stop half-way and be continued later <em>on the same thread</em>: how a
 * script that outlives {@code busy-reply-threshold} gives the keyspace thread back to the event
 * loop, so that other clients get {@code -BUSY} and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE
 * can arrive, without a second thread ever touching the keyspace.
 *
 * <p>Redis does this from inside its Lua hook by running the event loop re-entrantly ({@code
 * processEventsWhileBlocked}); Netty's loop cannot be re-entered, so the script is suspended
 * instead and the loop resumes it slice by slice. The JDK's continuations (what virtual threads are
 * built on) do exactly that; they have no public API before a scheduler API exists, so they are
 * reached through {@code jdk.internal.vm.Continuation}, which needs {@code --add-exports
 * java.base/jdk.internal.vm=ALL-UNNAMED} (the engine jar's manifest and jvm.options carry it).
 * Without it {@link #SUPPORTED} is false and scripts run to completion in one go, as before
 * busy-script handling existed (a warning says so at start).
 *
 * <p>Pure Java frames only: the Lua interpreter (LuaJ) is Java, so nothing pins the continuation.
 * Not thread-safe; the keyspace thread creates, runs and yields it.
 */
final class Fiber {
  private static final MethodHandle NEW;
  private static final MethodHandle RUN;
  private static final MethodHandle IS_DONE;
  private static final MethodHandle YIELD;
  private static final Object SCOPE;

  /** Whether this JVM lets scripts be suspended (see the class comment). */
  static final boolean SUPPORTED;

  static {
    MethodHandle create = null;
    MethodHandle run = null;
    MethodHandle done = null;
    MethodHandle yield = null;
    Object scope = null;
    try {
      Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
      Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      scope =
          lookup
              .findConstructor(scopeClass, MethodType.methodType(void.class, String.class))
              .invoke("cairn-script");
      create =
          lookup.findConstructor(
              contClass, MethodType.methodType(void.class, scopeClass, Runnable.class));
      run = lookup.findVirtual(contClass, "run", MethodType.methodType(void.class));
      done = lookup.findVirtual(contClass, "isDone", MethodType.methodType(boolean.class));
      yield =
          lookup.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass));
    } catch (Throwable notExported) {
      create = null;
    }
    NEW = create;
    RUN = run;
    IS_DONE = done;
    YIELD = yield;
    SCOPE = scope;
    SUPPORTED = create != null;
  }

  private final Object continuation;
  private final Runnable body;
  private boolean inside;
  private Thread owner;

  Fiber(Runnable body) {
    this.body = body;
    Object c = null;
    if (SUPPORTED) {
      try {
        c = NEW.invoke(SCOPE, body);
      } catch (Throwable t) {
        throw new IllegalStateException("cannot create a continuation", t);
      }
    }
    this.continuation = c;
  }

  /** Runs (or continues) the work until it ends or {@link #suspend}s; true when it has ended. */
  boolean run() {
    if (continuation == null) {
      body.run();
      return true;
    }
    inside = true;
    owner = Thread.currentThread();
    try {
      RUN.invoke(continuation);
      return (boolean) IS_DONE.invoke(continuation);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      inside = false;
    }
  }

  /** Whether the calling code runs inside this fiber and may suspend it. */
  boolean canSuspend() {
    // LuaJ runs coroutines on threads of their own: only the fiber's own thread may suspend it
    return continuation != null && inside && Thread.currentThread() == owner;
  }

  /**
   * Suspends the fiber: {@link #run} returns false to its caller, and the next {@link #run} returns
   * here. False if the JVM refused (a native frame on the stack: the work just goes on).
   */
  boolean suspend() {
    try {
      inside = false;
      return (boolean) YIELD.invoke(SCOPE);
    } catch (IllegalStateException pinned) {
      return false;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      inside = true;
    }
  }
}
