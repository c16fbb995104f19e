package dev.cairn.operator.topic;

/** A broker refused or did not answer a topic operation; the message says which and why. */
public class TopicAdminException extends RuntimeException {
  public TopicAdminException(String message, Throwable cause) {
    super(message, cause);
  }
}
