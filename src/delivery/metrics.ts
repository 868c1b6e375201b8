/** What delivery reports to whoever keeps metrics (consume's Prometheus registry; watch keeps none). */
import type { WindowOutput } from '../model.ts';

export interface DeliveryMetrics {
  /** A batch of outputs was routed to the sinks. */
  routed(outputs: readonly WindowOutput[]): void;
  deadLettered(count: number): void;
  /** One successful write and how long it took. */
  written(sink: string, seconds: number): void;
  /** A failed write that will be tried again. */
  retried(sink: string): void;
  /** How much a queue holds now (refreshed by `Router.updateGauges`). */
  buffered(sink: string, count: number): void;
}
