package dev.shoal.agent;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import dev.shoal.schemas.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Turns a batch of statuses into signed {@link TaskStatusBatch} records within the intake's limits
 * ({@link Limits#MAX_STATUS_BATCH} statuses, {@link Limits#MAX_STATUS_BATCH_BYTES} bytes): as few
 * records as fit, each signed once, signed and handed over in order (so their sequences go out in
 * order). A batch over the byte limit is halved until its parts fit; a status alone always fits
 * ({@link StatusLimits} keeps one far below the limit).
 */
final class SignedStatusBatches implements StatusBatchSink {
  /** Signs statuses as one batch, taking the next sequences of this boot. */
  @FunctionalInterface
  interface Signer {
    TaskStatusBatch sign(List<TaskStatus> statuses);
  }

  private final Signer signer;
  private final Function<String, CompletableFuture<?>> records;
  private final int maxStatuses;
  private final int maxBytes;

  /** @param records sends one record's value (key: the node id) and completes when it is stored */
  SignedStatusBatches(Signer signer, Function<String, CompletableFuture<?>> records) {
    this(signer, records, Limits.MAX_STATUS_BATCH, Limits.MAX_STATUS_BATCH_BYTES);
  }

  SignedStatusBatches(Signer signer, Function<String, CompletableFuture<?>> records, int maxStatuses, int maxBytes) {
    this.signer = signer;
    this.records = records;
    this.maxStatuses = maxStatuses;
    this.maxBytes = maxBytes;
  }

  @Override
  public CompletableFuture<?> send(List<TaskStatus> statuses) {
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (int from = 0; from < statuses.size(); from += maxStatuses) {
      send(statuses.subList(from, Math.min(statuses.size(), from + maxStatuses)), sent);
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  private void send(List<TaskStatus> part, List<CompletableFuture<?>> sent) {
    String json = Json.toString(signer.sign(part));
    if (part.size() > 1 && Utf8.length(json) > maxBytes) {
      // The sequences this signature took are skipped: the orchestrator needs them to grow, not to be dense.
      int half = part.size() / 2;
      send(part.subList(0, half), sent);
      send(part.subList(half, part.size()), sent);
      return;
    }
    try {
      sent.add(records.apply(json));
    } catch (RuntimeException e) {
      sent.add(CompletableFuture.failedFuture(e));
    }
  }
}
