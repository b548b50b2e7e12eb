import fc from 'fast-check';

/** The parts of OpenAPI 3.1 / JSON Schema the services' documents use. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; schema?: Schema }[];
  body?: { type: string; schema: Schema };
}

/** A body as sent: text, compressed or (for corrupt-compression cases) only claiming to be. */
interface BodyText {
  text: string;
  encoding?: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Values any field may get instead of a well-typed one: what a hostile client sends. */
function hostileValues(known: string[]): unknown[] {
  return [
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udc00x',
    '',
    ' ',
    'x'.repeat(5000),
    '%zz',
    '../../etc/passwd',
    "'; drop table users; --",
    -1,
    0,
    1.5,
    1e308,
    2 ** 53,
    null,
    true,
    [],
    {},
    JSON.parse('{"__proto__":{"admin":true}}') as unknown,
    { constructor: { prototype: { admin: true } } },
    ...known,
  ];
}

/** A path segment as a client would encode it; a lone surrogate becomes its (invalid) UTF-8 bytes. */
function encodeSegment(value: string): string {
  return value.replace(/[\s\S]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%ED%A0%80';
    }
  });
}

/** Every operation in a service's OpenAPI document. */
export function operationsOf(doc: { paths?: Record<string, Record<string, unknown>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const o = op as {
        parameters?: Operation['parameters'];
        requestBody?: { content?: Record<string, { schema: Schema }> };
      };
      const [type, media] = Object.entries(o.requestBody?.content ?? {})[0] ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: o.parameters ?? [],
        body: type && media ? { type, schema: media.schema } : undefined,
      });
    }
  }
  return operations;
}

/**
 * Arbitraries for one document: mostly values of the schema's shape (so requests get past the
 * first check and reach deeper code), mixed with hostile values at every position.
 */
export function arbitraries(doc: { components?: { schemas?: Record<string, Schema> } }, known: string[]) {
  const hostile = fc.constantFrom(...hostileValues(known));
  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve(doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema;

  function shaped(input: Schema, depth: number): fc.Arbitrary<unknown> {
    const schema = resolve(input);
    if (depth > 4) return fc.jsonValue({ maxDepth: 1 });
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if ('const' in schema) return fc.constant(schema.const);
    const choices = schema.anyOf ?? schema.oneOf ?? schema.allOf;
    if (choices?.length) return fc.oneof(...choices.map((s) => value(s, depth + 1)));
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    switch (type) {
      case 'string':
        if (schema.pattern) {
          try {
            return fc.stringMatching(new RegExp(schema.pattern));
          } catch {
            // a pattern fast-check cannot generate from: fall through to any string
          }
        }
        return fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 200), unit: 'grapheme' });
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31) });
      case 'number':
        return fc.double({ noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(value(schema.items ?? {}, depth + 1), { maxLength: 3 });
      case 'object': {
        const properties = Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([k, s]) => [k, value(s, depth + 1)]),
        );
        return fc.record(properties, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  function value(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 5, arbitrary: shaped(schema, depth) }, { weight: 1, arbitrary: hostile });
  }

  /** A whole request for an operation: path ids, query, headers (token, idempotency key) and body. */
  function request(op: Operation, tokens: string[]): fc.Arbitrary<FuzzRequest> {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const segment = (p: Operation['parameters'][number]) =>
      fc.oneof(
        { weight: 4, arbitrary: value(p.schema ?? { type: 'string' }).map((v) => encodeSegment(String(v))) },
        { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%ED%A0%80', '..', '%2F') },
      );
    const plain = (text: string): BodyText => ({ text });
    const body: fc.Arbitrary<BodyText | undefined> = op.body
      ? fc.oneof(
          { weight: 6, arbitrary: value(op.body.schema).map((v) => plain(JSON.stringify(v) ?? 'null')) },
          { weight: 1, arbitrary: fc.string().map(plain) },
          {
            weight: 1,
            arbitrary: fc.constantFrom<BodyText>(
              { text: 'not gzip', encoding: 'gzip' },
              { text: 'x', encoding: 'deflate' },
            ),
          },
        )
      : fc.constant(undefined);
    return fc
      .record({
        ids: fc.tuple(...pathParams.map(segment)),
        query: fc.tuple(...queryParams.map((p) => fc.option(value(p.schema ?? {}), { nil: undefined }))),
        token: fc.constantFrom(...tokens, undefined, 'garbage.token.here'),
        idempotencyKey: fc.option(fc.constantFrom('', 'k'.repeat(300), 'ok-key-1', ...known), { nil: undefined }),
        body,
      })
      .map(({ ids, query, token, idempotencyKey, body: b }) => {
        let i = 0;
        let path = op.path.replace(/\{[^}]+\}/g, () => ids[i++] ?? 'x');
        const search = new URLSearchParams();
        queryParams.forEach((p, n) => {
          const v = query[n];
          if (v !== undefined) search.set(p.name, typeof v === 'string' ? v : JSON.stringify(v));
        });
        if ([...search].length) path += `?${search.toString()}`;
        const headers: Record<string, string> = {};
        if (token) headers.authorization = `Bearer ${token}`;
        if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
        if (b) {
          headers['content-type'] = op.body?.type ?? 'application/json';
          if (b.encoding) headers['content-encoding'] = b.encoding;
        }
        return { method: op.method, path, headers, body: b ? Buffer.from(b.text) : undefined };
      });
  }

  return { request };
}
