package dev.shoal.schemas.audit;

/** An event a decision published about a service ({@code service.update-paused}, {@code service.rollback}…). */
public record HistoryEvent(String type, String message) {}
