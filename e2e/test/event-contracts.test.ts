import { expect } from 'chai';
import { z } from 'zod';
import { SERVICES } from '@micropay/platform';
import { consumedEventSchemas } from '../../notification-service/src/domain/event-schemas';
import { paymentEventSchemas } from '../../payment-service/src/http/event-schemas';
import { ledgerEventSchemas } from '../../transaction-service/src/http/event-schemas';

/** What each producer documents (its OpenAPI `webhooks` section is built from these). */
const published: Record<string, Record<string, z.ZodType>> = {
  'payment-service': paymentEventSchemas,
  'transaction-service': ledgerEventSchemas,
};
const consumed: Record<string, Record<string, z.ZodType>> = { 'notification-service': consumedEventSchemas };

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
};

/** The JSON Schema of an object, its named definition followed when it has one. */
function json(schema: z.ZodType): JsonSchema {
  const doc = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & {
    $ref?: string;
    $defs?: Record<string, JsonSchema>;
  };
  return doc.$ref ? doc.$defs![doc.$ref.replace('#/$defs/', '')]! : doc;
}
const types = (s: JsonSchema | undefined): Set<string> =>
  new Set(s?.anyOf ? s.anyOf.flatMap((a) => [...types(a)]) : [s?.type ?? 'any'].flat());

/**
 * Every field a consumer requires, the producer must always send, with a type the consumer
 * accepts: the check that fails when producer and consumer disagree about an event's data.
 */
export function disagreements(producer: z.ZodType, consumer: z.ZodType): string[] {
  const p = json(producer);
  const c = json(consumer);
  const problems: string[] = [];
  for (const field of c.required ?? []) {
    if (!(p.required ?? []).includes(field)) {
      problems.push(`${field}: required by the consumer, not always sent by the producer`);
      continue;
    }
    const accepted = types(c.properties?.[field]);
    const sent = types(p.properties?.[field]);
    const refused = [...sent].filter(
      (t) => !accepted.has(t) && !accepted.has('any') && !(t === 'integer' && accepted.has('number')),
    );
    if (refused.length)
      problems.push(
        `${field}: the producer sends ${refused.join('|')}, the consumer accepts ${[...accepted].join('|')}`,
      );
  }
  return problems;
}

describe('event data contracts between producers and consumers', () => {
  for (const service of SERVICES) {
    for (const type of service.consumes) {
      const producer = SERVICES.find((s) => s.publishes.includes(type));
      it(`${service.name} parses ${type} as ${producer?.name ?? 'nobody'} documents it`, () => {
        expect(producer, `no service publishes ${type}`).to.exist;
        const produced = published[producer!.name]?.[type];
        const parsed = consumed[service.name]?.[type];
        expect(produced, `${producer!.name} documents no schema for ${type}`).to.exist;
        expect(parsed, `${service.name} has no schema for ${type}`).to.exist;
        expect(disagreements(produced!, parsed!)).to.deep.equal([]);
      });
    }
  }

  it('notices a consumer that requires a field the producer does not send', () => {
    const producer = z.object({ id: z.string(), note: z.string().optional() });
    expect(disagreements(producer, z.object({ id: z.string(), note: z.string() }))).to.have.length(1);
    expect(disagreements(producer, z.object({ id: z.number() }))).to.have.length(1);
    expect(disagreements(producer, z.object({ id: z.string() }))).to.deep.equal([]);
  });

  it("payment-service's OpenAPI document lists every event it publishes in its webhooks section", async () => {
    const { buildOpenApiDocument } = await import('@micropay/platform');
    const doc = buildOpenApiDocument({ title: 't', version: '1', description: 'd', events: paymentEventSchemas }, []);
    const producer = SERVICES.find((s) => s.name === 'payment-service')!;
    expect(Object.keys(doc.webhooks as object).sort()).to.deep.equal([...producer.publishes].sort());
  });
});
