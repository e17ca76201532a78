/**
 * IssueParticipants: the users taking part in each issue — creator, assignee and commenters
 * (GET /issues/:id/participants), one request per issue.
 */
import { col, push, qualIds, qualValues, userColumns } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { issueRefs } from '../sources/issues.js';
import type { UserJson } from '../sources/json.js';
import { defineTable } from '../types.js';

interface Row {
  issueId: number | null;
  issueKey: string | null;
  user: UserJson;
}

export default defineTable<Row>({
  name: 'IssueParticipants',
  kind: 'view',
  description: 'Users taking part in issues (creator, assignee, commenters): one row per issue and user.',
  columns: [
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issueId, {
      key: true,
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/participants'),
    }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issueKey, { pushdown: push.exact('path: /issues/:issueKey/participants') }),
    ...userColumns<Row>('User', 'participant', (r) => r.user, { id: { key: true } }),
    col('UserLoginId', 'VARCHAR', 'Login name of the participant.', (r) => r.user.userId ?? null),
    col(
      'RoleType',
      'INTEGER',
      'Role of the participant (1 admin, 2 normal, 3 reporter, 4 viewer, 5 guest reporter, 6 guest viewer).',
      (r) => r.user.roleType ?? null,
    ),
  ],
  async *list(ctx, quals) {
    const refs = issueRefs(ctx, quals, { needId: ctx.columns.has('IssueId'), needKey: ctx.columns.has('IssueKey') });
    let count = 0;
    for await (const page of refs) {
      for (const ref of page) {
        const path = `/issues/${encodeURIComponent(ref.path)}/participants`;
        const users = await skipForbidden(
          ctx,
          `participants of issue ${ref.issueKey ?? ref.path}`,
          () => ctx.api.get<UserJson[]>(path, {}, { signal: ctx.signal }),
          [],
        );
        const rows = users.map((user) => ({ issueId: ref.id, issueKey: ref.issueKey, user }));
        if (rows.length > 0) yield rows;
        count += rows.length;
        if (ctx.limit !== undefined && count >= ctx.limit) return;
      }
    }
  },
  cost(quals) {
    const named = qualIds(quals, 'IssueId') !== undefined || qualValues(quals, 'IssueKey') !== undefined;
    return named ? '1 request per named issue' : 'every issue listed (1 search per 100 issues), then 1 request per issue';
  },
  examples: ["SELECT UserName FROM IssueParticipants WHERE IssueKey = 'WEB-1'"],
});
