/**
 * The procedure registry and the `EXEC`/`CALL` runner (ARCHITECTURE.md §3, §5 step 0;
 * docs/cdata-driver.md §6.4): `EXEC[UTE] Name @P = v, …` (also `P = v` and values in the declared
 * order, as CData writes them) and `CALL Name(P => v, …)`, values
 * being literals, NULL, TRUE/FALSE or parameters (`?`, `$1`, `$name`, `@name`).
 */
import { CATALOG_NAME, SCHEMA_NAME } from '../schema/names.js';
import { SqlError, sqlErrorAt } from '../errors.js';
import type { ParamValues } from '../sql/analyze.js';
import { tokenize as lex, type Token as LexToken } from '../sql/lexer.js';
import addRelatedIssue from './add-related-issue.js';
import addStar from './add-star.js';
import attachFileToWiki from './attach-file-to-wiki.js';
import deleteIssueType from './delete-issue-type.js';
import deleteStatus from './delete-status.js';
import downloadAttachment from './download-attachment.js';
import downloadFile from './download-file.js';
import getOAuthAccessToken from './get-oauth-access-token.js';
import getOAuthAuthorizationUrl from './get-oauth-authorization-url.js';
import getOwnUser from './get-own-user.js';
import linkSharedFilesToWiki from './link-shared-files-to-wiki.js';
import markAllNotificationsAsRead from './mark-all-notifications-as-read.js';
import markNotificationAsRead from './mark-notification-as-read.js';
import markWatchingAsRead from './mark-watching-as-read.js';
import postAttachment from './post-attachment.js';
import refreshOAuthAccessToken from './refresh-oauth-access-token.js';
import removeRelatedIssue from './remove-related-issue.js';
import removeStar from './remove-star.js';
import updateStatusDisplayOrder from './update-status-display-order.js';
import type { ProcedureContext, ProcedureDef, ProcedureType } from './types.js';

export type { ProcedureDef, ProcedureContext } from './types.js';

/**
 * CData's Backlog procedures first (Build 24.0 and 25.0 names, docs/cdata-driver.md §4), then
 * the OAuth helpers, then the extensions (Backlog endpoints CData has no procedure for).
 */
export const PROCEDURES: readonly ProcedureDef[] = [
  addStar,
  attachFileToWiki,
  downloadAttachment,
  downloadFile,
  getOwnUser,
  linkSharedFilesToWiki,
  markWatchingAsRead,
  postAttachment,
  getOAuthAuthorizationUrl,
  getOAuthAccessToken,
  refreshOAuthAccessToken,
  removeStar,
  markNotificationAsRead,
  markAllNotificationsAsRead,
  addRelatedIssue,
  removeRelatedIssue,
  updateStatusDisplayOrder,
  deleteStatus,
  deleteIssueType,
];

export function findProcedure(name: string): ProcedureDef | undefined {
  return PROCEDURES.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

export interface ParsedCall {
  name: string;
  /**
   * Arguments by name as written (or, for a value given without a name, its 0-based `position`
   * among the declared parameters), values resolved; `pos` 1-based, for error positions.
   */
  args: { name: string; position?: number; value: unknown; pos?: number }[];
  /** 1-based position of the procedure name. */
  pos?: number;
}

type Token = { kind: 'word' | 'string' | 'number' | 'param' | 'punct'; text: string; pos: number };

/**
 * The call's tokens, read from the one lexer's (../sql/lexer.ts): quoted and [bracketed] names as
 * words, literals unquoted, `-` before a number as its sign, `?` `$1` `$name` `@name` `:name` as
 * parameters, `=>` as one.
 */
function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const lexed = lex(sql);
  const next = (k: number, kind: string) => {
    const t = lexed[k + 1];
    return t && t.start === lexed[k]?.end && t.kind === kind ? t : undefined;
  };
  for (let k = 0; k < lexed.length; k++) {
    const t = lexed[k] as LexToken;
    const pos = t.start;
    if (t.kind === 'string') {
      const dollar = /^\$([A-Za-z_]\w*)?\$/.exec(t.text)?.[0];
      if (dollar) out.push({ kind: 'string', text: t.text.slice(dollar.length, t.text.endsWith(dollar) ? -dollar.length : undefined), pos });
      else {
        const e = /^[Ee]'/.test(t.text);
        const inner = t.text.slice(e ? 2 : 1, -1);
        const closed = t.text.length >= (e ? 3 : 2) && t.text.endsWith("'") && !(e ? inner.replace(/\\./g, '') : inner).replace(/''/g, '').includes("'");
        if (!closed) throw new SqlError('unterminated string literal', pos + 1, { syntax: true });
        out.push({ kind: 'string', text: (e ? inner.replace(/\\(.)/g, '$1') : inner).replaceAll("''", "'"), pos });
      }
    } else if (t.kind === 'ident') {
      if (t.text.length < 2 || !t.text.endsWith('"')) throw new SqlError('unterminated quoted name', pos + 1, { syntax: true });
      out.push({ kind: 'word', text: t.text.slice(1, -1).replaceAll('""', '"'), pos });
    } else if (t.kind === 'punct' && t.text === '[') {
      const close = lexed.findIndex((x, j) => j > k && x.kind === 'punct' && x.text === ']');
      if (close === -1) throw new SqlError('unterminated quoted name', pos + 1, { syntax: true });
      out.push({ kind: 'word', text: sql.slice(t.end, (lexed[close] as LexToken).start), pos });
      k = close;
    } else if (t.kind === 'punct' && t.text === '-' && next(k, 'number')) {
      out.push({ kind: 'number', text: `-${(lexed[++k] as LexToken).text}`, pos });
    } else if (t.kind === 'punct' && (t.text === '$' || t.text === '@' || t.text === ':')) {
      const name = next(k, 'word') ?? (t.text === '$' ? next(k, 'number') : undefined);
      if (name) k++;
      out.push({ kind: 'param', text: t.text + (name?.text ?? ''), pos });
    } else if (t.kind === 'punct' && t.text === '?') out.push({ kind: 'param', text: '?', pos });
    else if (t.kind === 'punct' && t.text === '=' && next(k, 'punct')?.text === '>') {
      k++;
      out.push({ kind: 'punct', text: '=>', pos });
    } else out.push({ kind: t.kind === 'word' ? 'word' : t.kind === 'number' ? 'number' : 'punct', text: t.text, pos });
  }
  return out;
}

/** Parse an EXEC or CALL statement and resolve its parameter values. */
export function parseCall(sql: string, params: ParamValues, options: { lenient?: boolean } = {}): ParsedCall {
  const tokens = tokenize(sql).filter((t) => !(t.kind === 'punct' && t.text === ';'));
  let k = 0;
  const peek = (): Token | undefined => tokens[k];
  const err = (what: string): never => {
    const t = peek();
    throw new SqlError(`${what}${t ? ` near "${t.text}"` : ' at the end of the statement'}`, t ? t.pos + 1 : sql.length, { syntax: true });
  };
  const verb = (peek()?.text ?? '').toUpperCase();
  k++;
  const nameTok = peek();
  if (!nameTok || nameTok.kind !== 'word') return err('expected a procedure name');
  k++;
  let positional = 0;
  const value = (): unknown => {
    const t = peek();
    if (!t) return err('expected a value');
    k++;
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'word') {
      const w = t.text.toUpperCase();
      if (w === 'NULL') return null;
      if (w === 'TRUE' || w === 'FALSE') return w === 'TRUE';
      k--;
      return err('expected a literal or a parameter');
    }
    if (t.kind === 'param') return options.lenient ? (positional++, null) : paramValue(t, params, positional++);
    k--;
    return err('expected a value');
  };
  const args: ParsedCall['args'] = [];
  if (verb === 'CALL') {
    if (peek()?.text === '(') {
      k++;
      while (peek() && peek()?.text !== ')') {
        const n = peek();
        if (!n || n.kind !== 'word') return err('expected Name => value');
        k++;
        if (peek()?.text !== '=>' && peek()?.text !== '=') return err('expected =>');
        k++;
        args.push({ name: n.text, value: value(), pos: n.pos + 1 });
        if (peek()?.text === ',') k++;
        else if (peek()?.text !== ')') return err('expected , or )');
      }
      if (peek()?.text !== ')') return err('expected )');
      k++;
    }
  } else {
    // CData's EXEC: `@Name = value`, `Name = value` (its own examples write names without @), or
    // values alone, in the declared parameter order, before any named one.
    let named = false;
    while (peek()) {
      const p = peek() as Token;
      const isName = (p.kind === 'word' || (p.kind === 'param' && p.text.startsWith('@') && p.text.length > 1)) && tokens[k + 1]?.text === '=';
      if (isName) {
        named = true;
        k += 2;
        args.push({ name: p.kind === 'param' ? p.text.slice(1) : p.text, value: value(), pos: p.pos + 1 });
      } else {
        if (named) return err('expected Name = value (values without a name come first)');
        args.push({ name: '', position: args.length, value: value(), pos: p.pos + 1 });
      }
      if (peek()?.text === ',') k++;
      else if (peek()) return err('expected ,');
    }
  }
  if (peek()) return err('unexpected text after the call');
  return { name: nameTok.text, args, pos: nameTok.pos + 1 };
}

/** `e` (a SqlError without a position) pointing at `pos`. */
function at(e: unknown, pos: number | undefined): unknown {
  return e instanceof SqlError && e.position === undefined && pos !== undefined ? sqlErrorAt(e, pos) : e;
}

function paramValue(t: Token, params: ParamValues, index: number): unknown {
  const name = t.text.slice(1);
  if (t.text === '?') {
    if (!Array.isArray(params) || index >= params.length) throw new SqlError(`no value for parameter ${index + 1}`, t.pos + 1);
    return (params as unknown[])[index];
  }
  if (/^\d+$/.test(name)) {
    const i = Number(name) - 1;
    if (!Array.isArray(params) || i >= params.length) throw new SqlError(`no value for parameter $${name}`, t.pos + 1);
    return (params as unknown[])[i];
  }
  if (params && !Array.isArray(params)) {
    const entry = Object.entries(params as Record<string, unknown>).find(([k]) => k.replace(/^[@$:]/, '').toLowerCase() === name.toLowerCase());
    if (entry) return entry[1];
  }
  throw new SqlError(`no value for parameter ${t.text}`, t.pos + 1);
}

/** Run a parsed call: match arguments to the declaration, then the handler. */
export async function runProcedure(
  call: ParsedCall,
  ctx: ProcedureContext,
  options: { readonly?: boolean } = {},
): Promise<{ def: ProcedureDef; rows: Record<string, unknown>[] }> {
  try {
    return await runDeclared(call, ctx, options);
  } catch (e) {
    // An argument's error points at the argument it names (`AddStar: IssueId must be…`), others at the name.
    const names = (a: { name: string }) => {
      const n = a.name.toLowerCase();
      const m = (e as Error).message.toLowerCase();
      return m.startsWith(`${call.name.toLowerCase()}: ${n} `) || m.startsWith(`${n} is given twice`) || m.endsWith(`has no parameter ${n}`);
    };
    const arg = e instanceof SqlError ? call.args.find(names) : undefined;
    throw at(e, arg?.pos ?? call.pos);
  }
}

async function runDeclared(
  call: ParsedCall,
  ctx: ProcedureContext,
  options: { readonly?: boolean },
): Promise<{ def: ProcedureDef; rows: Record<string, unknown>[] }> {
  const def = findProcedure(call.name);
  if (!def) {
    throw new SqlError(`no procedure named ${call.name}`, undefined, {
      sqlstate: '42883',
      hint: `Procedures: ${PROCEDURES.map((p) => p.name).join(', ')} (SELECT * FROM sys_procedures).`,
    });
  }
  if (def.writes && options.readonly) {
    throw new SqlError(`cannot run ${def.name}: the connection is read-only`, undefined, {
      sqlstate: '25006',
      hint: 'Readonly=true is set in the connection string; remove it to write.',
    });
  }
  const args: Record<string, unknown> = {};
  for (const a of call.args) {
    if (a.position !== undefined && a.position >= def.parameters.length) {
      throw new SqlError(`${def.name} takes ${def.parameters.length} parameter${def.parameters.length === 1 ? '' : 's'}, not ${a.position + 1}`, a.pos, {
        sqlstate: '42883',
        hint: `Its parameters, in order: ${def.parameters.map((p) => p.name).join(', ') || 'none'}.`,
      });
    }
    const param = a.position !== undefined ? def.parameters[a.position] : def.parameters.find((p) => p.name.toLowerCase() === a.name.toLowerCase());
    if (!param) {
      throw new SqlError(`${def.name} has no parameter ${a.name}`, undefined, {
        sqlstate: '42883',
        hint: `Its parameters: ${def.parameters.map((p) => p.name).join(', ') || 'none'}.`,
      });
    }
    if (param.name in args) throw new SqlError(`${param.name} is given twice`, undefined, { sqlstate: '42601' });
    args[param.name] = a.value;
  }
  for (const p of def.parameters) {
    if (p.required && (args[p.name] === undefined || args[p.name] === null || args[p.name] === '')) {
      throw new SqlError(`${def.name} needs ${p.name}`, undefined, { sqlstate: '22023', hint: p.description });
    }
  }
  return { def, rows: await def.handler(args, ctx) };
}

/** sys_procedures and sys_procedureparameters rows (docs/cdata-driver.md §5). */
export function procedureMetadata(): { procedures: unknown[][]; parameters: unknown[][] } {
  const jdbc = { VARCHAR: 12, BIGINT: -5, INTEGER: 4, BOOLEAN: 16, TIMESTAMPTZ: 2014 } as const;
  const precision = (t: ProcedureType): number | null => (t === 'BIGINT' ? 19 : t === 'INTEGER' ? 10 : null);
  return {
    procedures: PROCEDURES.map((p) => [CATALOG_NAME, SCHEMA_NAME, p.name, p.description, 'STOREDPROCEDURE']),
    parameters: PROCEDURES.flatMap((p) => [
      ...p.parameters.map((x, i) => [
        CATALOG_NAME,
        SCHEMA_NAME,
        p.name,
        x.name,
        1,
        x.type,
        jdbc[x.type],
        x.type === 'VARCHAR' ? 2000 : null,
        precision(x.type),
        null,
        !x.required,
        x.required,
        false,
        x.description,
        i + 1,
      ]),
      ...p.results.map((x, i) => [
        CATALOG_NAME,
        SCHEMA_NAME,
        p.name,
        x.name,
        3,
        x.type,
        jdbc[x.type],
        x.type === 'VARCHAR' ? 2000 : null,
        precision(x.type),
        null,
        true,
        false,
        false,
        x.description,
        p.parameters.length + i + 1,
      ]),
    ]),
  };
}
