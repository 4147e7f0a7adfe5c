package dev.shoal.agent.runtime.docker;

/** No Docker engine answers where the runtime was told to look; the message says where and why. */
public class DockerUnavailableException extends Exception {
  public DockerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
