package dev.shoal.schemas.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A service's history, oldest first: what {@code shoal audit history} prints (from a replay of the
 * control log) and {@code GET /v1/services/{name}/history} serves (from the control log and the
 * events, one page at a time). {@code source} says which; {@code older}, when set, is the cursor
 * for the page before this one; {@code notes} say what the history could not tell.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceHistory(String service, String source, List<HistoryEntry> entries, String older,
                             List<String> notes) {}
