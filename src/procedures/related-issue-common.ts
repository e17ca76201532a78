/** What AddRelatedIssue and RemoveRelatedIssue share: their parameters and result row. */
import { argError, exactlyOne, optionalId, seg } from './common.js';
import type { ProcedureColumn, ProcedureContext, ProcedureParam } from './types.js';

export const ISSUE_PARAMS: readonly ProcedureParam[] = [
  { name: 'IssueId', type: 'BIGINT', required: false, description: 'Id of the issue whose links change (or give IssueKey).' },
  { name: 'IssueKey', type: 'VARCHAR', required: false, description: "Key of the issue whose links change, e.g. 'WEB-12' (or give IssueId)." },
  { name: 'RelatedIssueId', type: 'BIGINT', required: false, description: 'Id of the other issue (or give RelatedIssueKey).' },
  {
    name: 'RelatedIssueKey',
    type: 'VARCHAR',
    required: false,
    description: "Key of the other issue, e.g. 'WEB-15' (or give RelatedIssueId; costs one read to find its id).",
  },
];

export const RELATED_RESULTS: readonly ProcedureColumn[] = [
  { name: 'RelatedIssueId', type: 'BIGINT', description: 'Id of the other issue.' },
  { name: 'RelatedIssueKey', type: 'VARCHAR', description: 'Key of the other issue.' },
  { name: 'RelatedIssueSummary', type: 'VARCHAR', description: 'Summary of the other issue.' },
  { name: 'Type', type: 'VARCHAR', description: "Kind of link, as Backlog names it ('RELATES')." },
];

export interface RelatedIssueJson {
  id: number;
  issueKey: string;
  summary: string;
  type?: string;
}

export function relatedRow(r: RelatedIssueJson): Record<string, unknown> {
  return { RelatedIssueId: r.id, RelatedIssueKey: r.issueKey, RelatedIssueSummary: r.summary, Type: r.type ?? 'RELATES' };
}

/** The other issue's numeric id (the API takes only ids): RelatedIssueId, or one GET /issues/:key. */
export async function relatedIssueId(procedure: string, args: Record<string, unknown>, ctx: ProcedureContext): Promise<number> {
  const which = exactlyOne(procedure, args, ['RelatedIssueId', 'RelatedIssueKey']);
  if (which === 'RelatedIssueId') return optionalId(procedure, args, 'RelatedIssueId') as number;
  const key = String(args.RelatedIssueKey).trim();
  if (!/^[A-Z][A-Z0-9_]*-\d+$/i.test(key)) throw argError(procedure, `RelatedIssueKey must be an issue key like 'WEB-15', not ${JSON.stringify(key)}`);
  const issue = await ctx.api.get<{ id: number }>(`/issues/${seg(key)}`, {}, { signal: ctx.signal });
  return issue.id;
}
