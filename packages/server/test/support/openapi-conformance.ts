import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface MediaType {
  schema?: unknown;
}
interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

/** What a checked response looked like (enough of light-my-request's response). */
export interface CheckedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Responses the document deliberately leaves out: image bytes behind the opaque `imageUrl` links, and /docs. */
const UNDOCUMENTED = [/^\/media\//, /^\/docs(\/|$)/];
/** The web app's pages, deep links and assets: non-JSON answers to GETs outside the API (not in the document). */
const WEB_APP = /^\/(?!api\/|api$|healthz$|metrics$|openapi\.json$|media\/|docs(\/|$))/;

const SYSTEM_PATHS = new Set(['/healthz', '/metrics', '/openapi.json']);

/** The web app's pages and files: anything outside the API that is not JSON (a JSON answer there is an error). */
function isWebApp(path: string, res: CheckedResponse): boolean {
  const type = String(res.headers['content-type'] ?? '');
  return !path.startsWith('/api/') && !SYSTEM_PATHS.has(path) && !type.startsWith('application/json');
}

const ERROR_SCHEMA = { $ref: '#/components/schemas/Error' };

/** Environment variable naming the folder where each test process adds its count (set by global-setup.ts). */
export const CONFORMANCE_DIR_ENV = 'TWEETER_CONFORMANCE_DIR';

/**
 * Checks responses against the OpenAPI document the app serves: the status code must be listed for the operation
 * (an unknown route must answer in the error shape), and a JSON body must be valid against the listed schema, with
 * the document's JSON Schema 2020-12 dialect. Output schemas forbid extra properties, so an undocumented field fails.
 */
export class ConformanceChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly bySchema = new WeakMap<object, ValidateFunction>();
  private readonly routes: { method: string; path: string; pattern: RegExp; operation: Operation }[];
  checked = 0;

  constructor(doc: OpenApiDoc) {
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: 'openapi', components: doc.components ?? {} });
    this.routes = Object.entries(doc.paths)
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          operation,
          pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
          params: (path.match(/\{/g) ?? []).length,
        })),
      )
      // Fastify prefers static segments to parameters: so does this match.
      .sort((a, b) => a.params - b.params);
  }

  /** Throws a readable error when `res` (the answer to `method url`) does not conform to the document. */
  check(method: string, url: string, res: CheckedResponse): void {
    const path = url.split('?')[0] ?? url;
    if (UNDOCUMENTED.some((p) => p.test(path)) || isWebApp(path, res)) return;
    const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const json = String(res.headers['content-type'] ?? '').startsWith('application/json');
    if (verb === 'GET' && WEB_APP.test(path) && !json) return;
    const route = this.routes.find((r) => r.method === verb && r.pattern.test(path));
    const where = route ? `${route.operation.operationId ?? `${verb} ${route.path}`}` : `${verb} ${path} (no route)`;
    const fail = (problem: string): never => {
      throw new Error(
        `OpenAPI conformance: ${where} answered ${res.statusCode}: ${problem}\n${res.body.slice(0, 500)}`,
      );
    };
    this.checked++;
    if (!route) {
      // Unknown routes and methods get the error shape from the not-found handler.
      if (res.statusCode !== 404 && res.statusCode !== 405 && res.statusCode !== 400) fail('not a documented route');
      return this.validate(ERROR_SCHEMA, res, fail);
    }
    const response = route.operation.responses?.[String(res.statusCode)];
    if (!response) return fail(`status ${res.statusCode} is not listed for this operation`);
    const contentType = String(res.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim();
    if (!response.content) {
      if (res.body.length > 0) fail('the document lists no body for this status, but one was sent');
      return;
    }
    if (method.toUpperCase() === 'HEAD') return;
    const media = contentType ? response.content[contentType] : undefined;
    if (!media)
      return fail(`content type "${contentType}" is not listed (${Object.keys(response.content).join(', ')})`);
    if (contentType !== 'application/json' || media.schema === undefined) return;
    this.validate(media.schema, res, fail);
  }

  private validate(schema: unknown, res: CheckedResponse, fail: (problem: string) => never): void {
    // Keyed by the schema: the many responses that share one (the error shape) compile it once.
    let validator = this.bySchema.get(schema as object);
    if (!validator) {
      const key = JSON.stringify(schema);
      validator = this.validators.get(key) ?? this.ajv.compile(rebase(schema) as object);
      this.validators.set(key, validator);
      this.bySchema.set(schema as object, validator);
    }
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      fail('the body is not JSON');
    }
    if (!validator(body)) {
      fail(this.ajv.errorsText(validator.errors, { separator: '; ', dataVar: 'body' }));
    }
  }

  /** Adds this process's count to the folder global-setup.ts sums when the run ends. */
  flush(): void {
    const dir = process.env[CONFORMANCE_DIR_ENV];
    if (dir && this.checked > 0) appendFileSync(join(dir, `${process.pid}.txt`), `${this.checked}\n`);
    this.checked = 0;
  }
}

/** Points `#/components/...` references at the document registered under the id `openapi`. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : rebase(v),
    ]),
  );
}

const checkers = new Map<string, ConformanceChecker>();

/** One checker per distinct document in this process (compiled validators are reused across test apps). */
export function conformanceChecker(doc: OpenApiDoc): ConformanceChecker {
  const key = JSON.stringify(doc.paths);
  let checker = checkers.get(key);
  if (!checker) {
    checker = new ConformanceChecker(doc);
    checkers.set(key, checker);
  }
  return checker;
}
