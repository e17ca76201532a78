/**
 * Licenses: the space's licence, one row (GET /space/licence): plan, dates, feature switches and
 * limits. A limit of 0 means unlimited, as Backlog reports it.
 */
import { col, timestamp, oneRequest } from '../helpers.js';
import { defineTable, type ColumnDef } from '../types.js';
import type { LicenceJson } from '../sources/space.js';

const flag = (name: string, field: string, what: string): ColumnDef<LicenceJson> => col(name, 'BOOLEAN', `${what} is included.`, (r) => r[field]);
const limit = (name: string, field: string, what: string): ColumnDef<LicenceJson> => col(name, 'BIGINT', `Limit on ${what} (0 = unlimited).`, (r) => r[field]);

export default defineTable<LicenceJson>({
  name: 'Licenses',
  kind: 'view',
  description: "The space's licence: whether it is active, its dates, which features it includes and its limits (0 = unlimited).",
  columns: [
    col('Active', 'BOOLEAN', 'The licence is active.', (r) => r.active),
    col('LicenceTypeId', 'INTEGER', 'Plan id.', (r) => r.licenceTypeId, { key: true }),
    timestamp<LicenceJson>('StartedOn', 'When the licence started.', (r) => r.startedOn),
    timestamp<LicenceJson>('LimitDate', 'When the licence ends.', (r) => r.limitDate),
    flag('Attribute', 'attribute', 'Custom fields (attributes)'),
    flag('Burndown', 'burndown', 'The burndown chart'),
    flag('FileSharing', 'fileSharing', 'File sharing'),
    flag('Gantt', 'gantt', 'The Gantt chart'),
    flag('Git', 'git', 'Git'),
    flag('NulabAccount', 'nulabAccount', 'Nulab account sign-in'),
    flag('ParentChildIssue', 'parentChildIssue', 'Parent and child issues'),
    flag('GrandchildIssueEnabled', 'grandchildIssueEnabled', 'Grandchild issues'),
    flag('PostIssueByMail', 'postIssueByMail', 'Adding issues by mail'),
    flag('RemoteAddress', 'remoteAddress', 'IP address restriction'),
    flag('Subversion', 'subversion', 'Subversion'),
    flag('SubversionExternal', 'subversionExternal', 'External Subversion'),
    flag('WikiAttachment', 'wikiAttachment', 'Wiki attachments'),
    limit('AttachmentLimit', 'attachmentLimit', 'issue attachment storage, in bytes'),
    limit('AttachmentLimitPerFile', 'attachmentLimitPerFile', 'the size of one issue attachment, in bytes'),
    limit('AttachmentNumLimit', 'attachmentNumLimit', 'the number of attachments per issue'),
    limit('AttributeLimit', 'attributeLimit', 'custom fields per project'),
    limit('CommentLimit', 'commentLimit', 'comments'),
    limit('ComponentLimit', 'componentLimit', 'categories per project'),
    limit('IssueLimit', 'issueLimit', 'issues'),
    limit('ProjectLimit', 'projectLimit', 'projects'),
    limit('PullRequestAttachmentLimitPerFile', 'pullRequestAttachmentLimitPerFile', 'the size of one pull request attachment, in bytes'),
    limit('PullRequestAttachmentNumLimit', 'pullRequestAttachmentNumLimit', 'the number of attachments per pull request'),
    limit('RemoteAddressLimit', 'remoteAddressLimit', 'allowed IP addresses'),
    limit('StorageLimit', 'storageLimit', 'storage, in bytes'),
    limit('UserLimit', 'userLimit', 'users'),
    limit('VersionLimit', 'versionLimit', 'versions per project'),
    limit('WikiAttachmentLimitPerFile', 'wikiAttachmentLimitPerFile', 'the size of one wiki attachment, in bytes'),
    limit('WikiAttachmentNumLimit', 'wikiAttachmentNumLimit', 'the number of attachments per wiki page'),
  ],
  async *list(ctx) {
    yield [await ctx.api.get<LicenceJson>('/space/licence', {}, { signal: ctx.signal })];
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT Active, LimitDate, UserLimit, StorageLimit FROM Licenses'],
});
