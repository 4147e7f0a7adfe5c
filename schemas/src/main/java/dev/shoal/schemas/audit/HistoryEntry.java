package dev.shoal.schemas.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.shoal.schemas.ServiceSpec;
import java.util.List;

/**
 * One step of a service's history: a change someone asked for (a spec, a removal, a scale, a
 * rollback) with who asked, when, under which request id and what came of it; or something the
 * orchestrator did to the service by itself (an update's progress, an automatic rollback).
 *
 * <ul>
 *   <li>{@code sequence}, {@code time}: the decision's sequence number and time (epoch ms, broker time);
 *   <li>{@code what}: {@code created}, {@code updated}, {@code scaled}, {@code rollback},
 *       {@code removed}, {@code unchanged}, {@code rejected} or {@code event};
 *   <li>{@code input}: the control-log input that was decided ({@code spec-applied}, {@code command:scale},
 *       {@code task-status}, {@code timer}…) and {@code inputText} it in words;
 *   <li>{@code principal}: as recorded with the input (null: none recorded — a Kafka client, or the
 *       orchestrator itself for what no request asked); {@code requestId} likewise;
 *   <li>{@code outcome}: {@code applied}, {@code unchanged} or {@code rejected} for a request (null when
 *       unknown); {@code version}: the service's version after the step when it has one;
 *   <li>{@code spec} the spec after a step that made a version, {@code changes} what differs from the
 *       version before; {@code events} what the decision said about the service.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(long sequence, long time, String what, String input, String inputText, String principal,
                           String requestId, String outcome, Long version, ServiceSpec spec,
                           List<FieldChange> changes, List<HistoryEvent> events) {}
