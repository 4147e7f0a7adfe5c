package dev.shoal.gateway.docker;

/** Memory between the engine's bytes and Shoal's size strings ({@code 64M}), exactly. */
final class EngineSizes {
  private EngineSizes() {}

  /** The largest binary unit that divides {@code bytes}: {@code 64M}, {@code 1G}, {@code 1536K}, {@code 100}. */
  static String format(long bytes) {
    if (bytes != 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "G";
    }
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "M";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "K";
    }
    return Long.toString(bytes);
  }
}
