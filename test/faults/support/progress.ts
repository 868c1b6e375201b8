/** Waiting on a consumer group's committed offsets, the consumer's own proof that results are stored. */
import { describeConsumer, type ConsumerProcess } from '../../consume/support/consumer-process.ts';
import { waitFor } from '../../support/wait.ts';
import { groupProgress, type ConsumeSuite } from '../../consume/support/suite.ts';

/** Committed offset per partition (-1 where nothing was committed). */
export async function committedOffsets(suite: ConsumeSuite): Promise<number[]> {
  return (await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices)).map((p) => p.committed);
}

/** Waits until the group committed the end of every partition that holds data. */
export async function waitForAllCommitted(
  suite: ConsumeSuite,
  consumer: ConsumerProcess | undefined,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(
    async () => {
      try {
        const progress = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
        return progress.every((p) => p.committed === p.end || p.end === 0) ? true : undefined;
      } catch (error) {
        // Right after a broker restart the group coordinator is still loading ("not the correct
        // coordinator", "coordinator is loading"): a retriable answer means "not yet", not a failure.
        if ((error as { retriable?: unknown }).retriable === true) return undefined;
        throw error;
      }
    },
    what,
    timeoutMs,
    () => (consumer ? describeConsumer(consumer) : 'no consumer running'),
  );
}
