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

  public static ApiException tooLarge(String message) {
    return new ApiException(413, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }

  /**
   * The status for the orchestrator's refusal, from its code (never from its sentence), so a race
   * the gateway's own checks could not see (a concurrent create, update or removal) gets the status
   * the gateway would have answered had it seen it first.
   */
  public static ApiException fromRejection(dev.shoal.schemas.RejectionCode code, String reason) {
    String r = reason == null ? "rejected" : reason;
    if (code == null) {
      return badRequest(r);
    }
    return switch (code) {
      case NOT_FOUND -> notFound(r);
      case CONFLICT -> conflict(r);
      case TOO_LARGE -> tooLarge(r);
      case FORBIDDEN -> forbidden(r);
      case INTERNAL -> new ApiException(500, r);
      case INVALID, UNSUPPORTED -> badRequest(r);
    };
  }
}
