/**
 * The `kafka` sink: final bars, indicator points and alerts to `kafka.topics.bars/indicators/alerts`,
 * keyed by symbol (one symbol stays on one partition, in order), JSON through `encodeRecord`.
 * Under `kafka.processingGuarantee: exactly-once` (the default) the engine writes these messages in
 * its checkpoint transaction, so a read_committed reader sees each once. Under at-least-once a
 * record may be published twice after a crash, with the same key and content, so readers keep the
 * last record per (symbol, interval, time).
 */
import type { Config } from '../../config/schema.ts';
import { UsageError } from '../../errors.ts';
import type { OutgoingMessage, Publisher } from '../../kafka/publisher.ts';
import { encodeRecord, SCHEMA_VERSION, type WindowOutput } from '../../model.ts';
import type { Sink, SinkModule } from '../types.ts';

export function toMessage(config: Config, output: WindowOutput): OutgoingMessage | undefined {
  const topics = config.kafka.topics;
  switch (output.kind) {
    case 'bar':
      return {
        topic: topics.bars,
        key: output.bar.symbol,
        value: encodeRecord(output.bar),
        headers: { schema: `bar.v${SCHEMA_VERSION}` },
      };
    case 'indicator':
      return {
        topic: topics.indicators,
        key: output.point.symbol,
        value: encodeRecord(output.point),
        headers: { schema: `indicator.v${SCHEMA_VERSION}` },
      };
    case 'alert':
      return {
        topic: topics.alerts,
        key: output.alert.symbol,
        value: encodeRecord(output.alert),
        headers: { schema: `alert.v${SCHEMA_VERSION}` },
      };
    default:
      return undefined;
  }
}

export function createKafkaSink(config: Config, publisher: Publisher): Sink {
  const kafkaMessages = (batch: readonly WindowOutput[]) => {
    const messages: OutgoingMessage[] = [];
    for (const output of batch) {
      const message = toMessage(config, output);
      if (message) messages.push(message);
    }
    return messages;
  };
  return {
    name: 'kafka',
    // Interim bars would flood a topic with versions of the same bar; downstream wants closed ones.
    accepts: (output) => (output.kind === 'bar' ? output.bar.final : output.kind !== 'tick'),
    kafkaMessages,
    async write(batch) {
      await publisher.send(kafkaMessages(batch));
    },
    close: async () => {}, // the engine owns the producer
  };
}

export const kafkaSink: SinkModule = {
  create: async (config, deps) => {
    if (!deps.publisher)
      throw new UsageError(
        'the kafka sink needs the consume engine',
        'use it through `stockstream consume --sinks kafka`',
      );
    return createKafkaSink(config, deps.publisher);
  },
};
