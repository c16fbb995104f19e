package dev.cairn.operator.common;

/**
 * A spec that passed the CRD schema but breaks a rule only the operator can check (a config key
 * outside the allow-list, a value with a line break). The resource is rejected in its status and
 * nothing is applied.
 */
public class InvalidSpecException extends RuntimeException {
  public InvalidSpecException(String message) {
    super(message);
  }
}
