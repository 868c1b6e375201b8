/** One place that builds a kafkajs client from the config, so every command connects the same way. */
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../ui/logger.ts';
import { avoidNegativeTimeouts } from './negative-timeouts.ts';

function sasl(config: Config): SASLOptions | undefined {
  const s = config.kafka.sasl;
  if (!s) return undefined;
  return { mechanism: s.mechanism, username: s.username, password: s.password } as SASLOptions;
}

/**
 * kafkajs logs every retry as an ERROR; we report failures ourselves with a fix-it hint, so its
 * own lines go to the debug level.
 */
function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, log }: { namespace: string; log: { message: string } & Record<string, unknown> }) => {
      if (logger.enabled('debug')) logger.debug(`kafka ${namespace}: ${log.message}`);
    };
}

export interface KafkaClientOptions {
  clientIdSuffix?: string;
  /** Override of `kafka.brokers`. */
  brokers?: string[];
}

export function createKafka(config: Config, logger: Logger, options: KafkaClientOptions = {}): Kafka {
  avoidNegativeTimeouts();
  const kafkaConfig: KafkaConfig = {
    clientId: options.clientIdSuffix ? `${config.kafka.clientId}-${options.clientIdSuffix}` : config.kafka.clientId,
    brokers: options.brokers ?? config.kafka.brokers,
    ssl: config.kafka.ssl,
    sasl: sasl(config),
    connectionTimeout: Math.min(10_000, config.kafka.connectTimeout.ms),
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger),
  };
  return new Kafka(kafkaConfig);
}
