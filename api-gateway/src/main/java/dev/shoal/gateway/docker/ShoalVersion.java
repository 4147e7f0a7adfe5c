package dev.shoal.gateway.docker;

/** The version Shoal reports as its engine version ({@code docker version}, {@code docker info}). */
final class ShoalVersion {
  private static final String VERSION = read();

  private ShoalVersion() {}

  static String current() {
    return VERSION;
  }

  private static String read() {
    String v = ShoalVersion.class.getPackage() == null ? null : ShoalVersion.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "0.1.0-dev" : v;
  }
}
