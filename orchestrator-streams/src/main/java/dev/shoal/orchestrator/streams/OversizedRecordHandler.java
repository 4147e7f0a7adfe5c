package dev.shoal.orchestrator.streams;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second line of defence behind {@link OutputPlan}'s size check: a record the broker refuses as
 * too large is dropped with an error log instead of failing the stream thread, whose replacement
 * would meet the same input again — a crash loop that stops every decision. (The decision's own
 * records are checked before anything is written, so this can only be a rejection event, or a
 * broker configured below the orchestrator's limit.) Any other production error fails as usual:
 * it is the broker's, and the replaced thread retries.
 */
public final class OversizedRecordHandler implements ProductionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(OversizedRecordHandler.class);

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      LOG.error("dropped a record of {} bytes to {} the broker refused as too large (input {}@{}): {}",
          record.value() == null ? 0 : record.value().length, record.topic(), context.topic(), context.offset(),
          exception.getMessage());
      return Response.resume();
    }
    return Response.fail();
  }

  @Override
  public void configure(Map<String, ?> configs) {}
}
