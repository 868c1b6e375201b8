import fc from 'fast-check';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { cachingPartitioner } from './partitioner.ts';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

/** Against kafkajs' own default partitioner, message by message (fast-check; seed printed, FC_SEED replays). */
describe('caching partitioner', () => {
  const SEED = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
  console.log(`partitioner properties: FC_SEED=${SEED}`);

  it("sends every keyed message where kafkajs' default partitioner does, also when a topic gains partitions", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            topic: fc.constantFrom('prices', 'state'),
            key: fc.oneof(fc.constantFrom('AAPL', 'MSFT', 'g:prices:0:AAPL'), fc.string({ maxLength: 12 })),
            partitions: fc.constantFrom(1, 3, 4, 12),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (messages) => {
          const cached = cachingPartitioner();
          const kafkajs = Partitioners.DefaultPartitioner();
          for (const { topic, key, partitions } of messages) {
            const args = { topic, partitionMetadata: metadata(partitions), message: { key, value: 'v' } };
            expect(cached(args)).toBe(kafkajs(args));
          }
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  it('leaves an explicit partition, a Buffer key and a missing key to kafkajs', () => {
    const cached = cachingPartitioner();
    const partitionMetadata = metadata(4);
    expect(cached({ topic: 't', partitionMetadata, message: { key: 'AAPL', value: 'v', partition: 3 } })).toBe(3);
    const kafkajs = Partitioners.DefaultPartitioner();
    const buffer = { topic: 't', partitionMetadata, message: { key: Buffer.from('AAPL'), value: 'v' } };
    expect(cached(buffer)).toBe(kafkajs(buffer));
    const unkeyed = new Set(
      Array.from({ length: 20 }, () => cached({ topic: 't', partitionMetadata, message: { value: 'v' } })),
    );
    expect(unkeyed.size).toBe(4); // round-robin over the partitions, not one remembered answer
  });
});
