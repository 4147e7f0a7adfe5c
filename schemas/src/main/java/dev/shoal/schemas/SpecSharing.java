package dev.shoal.schemas;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One object per distinct service spec among the tasks a reader keeps. A task record carries its
 * service's whole spec, and reading a record makes a new copy of it: a read model of 100,000 tasks
 * of 10 services held 200,000 specs (with their strings, lists and maps), and a reader that keeps
 * what it reads copies each of them through every young collection until it is old. A spec is
 * shared only with an equal one (records compare by value) of the same service and version, so a
 * task never shows a spec other than the one it carried.
 *
 * <p>Holds one spec per service and version it has seen, and starts over past {@link #MAX}
 * (specs made up faster than services are created would otherwise pile up here).
 */
public final class SpecSharing {
  /** Distinct service versions kept before starting over. */
  public static final int MAX = 4_096;

  private record Key(String serviceId, long specVersion) {}

  private final ConcurrentHashMap<Key, ServiceSpec> specs = new ConcurrentHashMap<>();

  /**
   * Makes {@code spec} the one that equal specs of this service version are given from now on, unless
   * one is known already (a reader that knows the service's own spec offers it before its tasks).
   */
  public void offer(String serviceId, long specVersion, ServiceSpec spec) {
    makeRoom();
    specs.putIfAbsent(new Key(serviceId, specVersion), spec);
  }

  /** {@code task}, with the spec of an equal one seen before when there is one. */
  public Task share(Task task) {
    if (task == null || task.spec() == null || task.serviceId() == null) {
      return task;
    }
    ServiceSpec shared = share(task.serviceId(), task.specVersion(), task.spec());
    return shared == task.spec() ? task : task.withSpec(shared);
  }

  private ServiceSpec share(String serviceId, long specVersion, ServiceSpec spec) {
    Key key = new Key(serviceId, specVersion);
    ServiceSpec known = specs.get(key);
    // The same object when an own record's reader gave it again (SpecSpans): no field-by-field check.
    if (known != null && (known == spec || known.equals(spec))) {
      return known;
    }
    makeRoom();
    specs.put(key, spec);
    return spec;
  }

  private void makeRoom() {
    if (specs.size() >= MAX) {
      specs.clear();
    }
  }

  /** How many specs are kept; for tests. */
  int size() {
    return specs.size();
  }
}
