package dev.shoal.gateway;

/**
 * A request that cannot be served, with the HTTP status and the sentence the client reads. Routes
 * throw it; {@link ErrorMapping} turns it into {@code {"message": ...}}.
 */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }

  /**
   * The status for a reason the orchestrator gave when it refused a change. Its reasons are
   * sentences, so a race the gateway's own checks could not see (a concurrent update or removal)
   * still gets the status the gateway would have answered had it seen it first.
   */
  public static ApiException fromRejection(String reason) {
    String r = reason == null ? "rejected" : reason;
    if (r.contains(" is stale")) {
      return conflict(r);
    }
    if (r.endsWith(" not found")) {
      return notFound(r);
    }
    return badRequest(r);
  }
}
