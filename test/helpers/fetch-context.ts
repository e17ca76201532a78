/**
 * A FetchContext for testing table definitions directly (without the SQL engine) against an
 * emulator: `rows(table, quals)` runs `list` and maps every source row through the columns.
 */
import { BacklogClient } from '../../src/api/client.js';
import type { ApiClient } from '../../src/api/types.js';
import type { FetchContext, ProjectRef, Qual, TableDef } from '../../src/schema/types.js';
import type { RunningEmulator } from './emulator.js';

export function testFetchContext(
  emu: RunningEmulator,
  options: { apiKey?: string; timezone?: string; limit?: number; columns?: string[]; table?: TableDef } = {},
): FetchContext & { api: ApiClient; warnings: string[] } {
  const api = new BacklogClient({ baseUrl: emu.url, apiKey: options.apiKey ?? emu.apiKey });
  let projects: Promise<ProjectRef[]> | undefined;
  const warnings: string[] = [];
  return {
    api,
    signal: new AbortController().signal,
    env: { timezone: options.timezone ?? 'Asia/Tokyo' },
    limit: options.limit,
    orderBy: [],
    columns: new Set(options.columns ?? options.table?.columns.map((c) => c.name) ?? []),
    projects: () => (projects ??= api.get<ProjectRef[]>('/projects')),
    myself: () => api.get('/users/myself'),
    warn: (m) => warnings.push(m),
    warnings,
  };
}

/** Run a table's list with quals and map rows to { Column: value } objects. */
export async function tableRows(table: TableDef, ctx: FetchContext, quals: Qual[] = []): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const page of table.list(ctx, quals)) {
    for (const row of page) {
      out.push(Object.fromEntries(table.columns.map((c) => [c.name, c.value(row, ctx.env) ?? null])));
    }
  }
  return out;
}
