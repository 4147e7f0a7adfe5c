package dev.shoal.orchestrator.streams;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Wraps an input's first processor (the intake, which forwards to the decision before it returns):
 * after each input it notes the offset and, when nothing fetched is left to process and something
 * processed is waited for, asks Kafka Streams to commit now (group commit; see {@link InputProgress}).
 * Inputs of an urgent log (writes, liveness, timers) are always waited for; the decision marks the
 * rest urgent when it changes an assignment.
 *
 * <p>Why not commit after every client write instead: twenty writes arriving together then cost
 * twenty transactions one after the other (391 ms for the last answer, measured); committing when
 * caught up gives them one or two.
 */
final class CommitWhenCaughtUp<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  private final Processor<KIn, VIn, KOut, VOut> inner;
  private final InputProgress progress;
  private final boolean urgentLog;
  private ProcessorContext<KOut, VOut> context;

  CommitWhenCaughtUp(Processor<KIn, VIn, KOut, VOut> inner, InputProgress progress, boolean urgentLog) {
    this.inner = inner;
    this.progress = progress;
    this.urgentLog = urgentLog;
  }

  @Override
  public void init(ProcessorContext<KOut, VOut> context) {
    this.context = context;
    inner.init(context);
  }

  @Override
  public void process(Record<KIn, VIn> record) {
    inner.process(record);
    if (urgentLog) {
      progress.markUrgent();
    }
    context.recordMetadata().ifPresent(m -> progress.processed(m.topic(), m.partition(), m.offset()));
    if (progress.commitNow()) {
      context.commit();
    }
  }

  @Override
  public void close() {
    inner.close();
    progress.reset();
  }
}
