/** WikiPageTags: the wiki tags defined in each project with Wiki on (GET /wikis/tags). */
import { col, hasQual, push } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { defineTable } from '../types.js';
import type { TagJson } from '../sources/json.js';
import { projectLabel, projectTargets, perProjectRequests } from '../sources/projects.js';

interface Row extends TagJson {
  projectId: number;
  projectKey: string | null;
}

export default defineTable<Row>({
  name: 'WikiPageTags',
  kind: 'view',
  description: "Wiki tags of each project (the tags pages can carry; see WikiPages.Tags for a page's own).",
  columns: [
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      pushdown: push.exact('projectIdOrKey (one request per project)'),
    }),
    col('ProjectKey', 'VARCHAR', 'Key of the project.', (r) => r.projectKey, { pushdown: push.exact('projectIdOrKey (one request per project)') }),
    col('Id', 'BIGINT', 'Tag id.', (r) => r.id, { key: true }),
    col('Name', 'VARCHAR', 'Tag name.', (r) => r.name),
  ],
  async *list(ctx, quals) {
    for (const project of await projectTargets(ctx, quals, { feature: 'wiki' })) {
      const tags = await skipForbidden(
        ctx,
        `wiki tags of ${projectLabel(project)}`,
        () => ctx.api.get<TagJson[]>('/wikis/tags', { projectIdOrKey: project.id }, { signal: ctx.signal }),
        [],
      );
      yield tags.map((t) => ({ ...t, projectId: project.id, projectKey: project.projectKey }));
    }
  },
  cost: (quals) => (hasQual(quals, 'ProjectId') || hasQual(quals, 'ProjectKey') ? '1 request per named project' : '1 request per project with Wiki on'),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { feature: 'wiki' }),
  examples: ["SELECT Name FROM WikiPageTags WHERE ProjectKey = 'WEB'"],
});
