/**
 * How the consumer fetches; the benchmarks' bare kafkajs reader uses the same, so only the work per
 * message differs. A module of its own so that reader does not load the engine. kafkajs turns a
 * whole fetch into message objects at once (~500 bytes of heap each): 1 MiB a partition cut peak
 * RSS by ~70 MB at 5,000 symbols (bench/memory.ts) and cost no throughput.
 */
export const FETCH = { maxWaitTimeInMs: 250, maxBytesPerPartition: 1024 * 1024, maxBytes: 8 * 1024 * 1024 } as const;
