import { z } from 'zod';
import { newId } from '../ids';

/** docs/contract.md §6: every event crossing a service boundary has this shape. */
export const EventEnvelopeSchema = z.strictObject({
  id: z.string().regex(/^evt_[A-Za-z0-9]+$/),
  type: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
  source: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});

export type EventEnvelope<T = Record<string, unknown>> = Omit<z.output<typeof EventEnvelopeSchema>, 'data'> & {
  data: T;
};

export function newEvent<T extends Record<string, unknown>>(source: string, type: string, data: T): EventEnvelope<T> {
  return { id: newId('evt'), type, source, time: new Date().toISOString(), data };
}
