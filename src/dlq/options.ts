/** The flags `dlq list|show|redrive` share: which dead-letter topic, which stage, since when. */
import type { Config } from '../config/schema.ts';
import { parseSince } from '../config/overrides.ts';
import { resolveDlq, type DlqSelection } from './scan.ts';

export interface DlqFlags {
  of?: string;
  stage?: string;
  since?: string;
}

export function dlqSelection(config: Config, flags: DlqFlags): DlqSelection & { source: string } {
  const { topic, source } = resolveDlq(config, flags.of);
  return { topic, source, stage: flags.stage, since: flags.since === undefined ? undefined : parseSince(flags.since) };
}
