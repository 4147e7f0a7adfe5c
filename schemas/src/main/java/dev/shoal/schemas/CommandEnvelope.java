package dev.shoal.schemas;

/**
 * Value of {@code shoal.commands}: a command with who asked ({@code principal}), a request id the
 * asker can find again in events, and when it was issued.
 */
public record CommandEnvelope(Command command, String principal, String requestId, long issuedAt) {}
