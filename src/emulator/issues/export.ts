/**
 * The issue family's part of `GET /_emulator/export`: issues and what hangs off them, in API
 * shapes, so tests can compute expected query results without going through the driver.
 */
import { attachmentJson, commentJson, issueJson, sharedFileJson } from '../serialize/core.js';
import type { Store } from '../store.js';
import { childrenByParent } from './filter.js';

/** Built-in names in the space's language, as a reader without a `lang` of their own sees them. */
export function exportIssues(store: Store): Record<string, unknown> {
  const lang = store.space.lang;
  const children = childrenByParent(store);
  const issues = store.issues.all();
  return {
    issues: issues.map((i) => {
      const kids = children.get(i.id) ?? [];
      return { ...issueJson(store, i, lang), childIssueSummary: { total: kids.length, closed: kids.filter((c) => c.statusId === 4).length } };
    }),
    comments: store.comments.all().map((c) => commentJson(store, c)),
    issueAttachments: issues.flatMap((i) =>
      i.attachmentIds.flatMap((id) => {
        const a = store.attachments.get(id);
        return a ? [{ issueId: i.id, ...attachmentJson(store, a) }] : [];
      }),
    ),
    issueSharedFiles: issues.flatMap((i) =>
      i.sharedFileIds.flatMap((id) => {
        const f = store.sharedFiles.get(id);
        return f ? [{ issueId: i.id, ...sharedFileJson(store, f) }] : [];
      }),
    ),
    relatedIssues: issues.flatMap((i) => i.relatedIssueIds.map((relatedIssueId) => ({ issueId: i.id, relatedIssueId, type: 'RELATES' }))),
  };
}
