/** The window operators, by name, in the order a closed bar flows through them. */
import { alertsModule } from './alerts/alerts.ts';
import { barsModule } from './bars/bars.ts';
import { indicatorsModule } from './indicators/indicators.ts';
import type { WindowOperatorModule } from './types.ts';

export const windowOperators: readonly WindowOperatorModule[] = [barsModule, indicatorsModule, alertsModule];
