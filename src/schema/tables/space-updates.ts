/**
 * SpaceUpdates: the activity stream of the whole space (GET /space/activities, keyset paging on
 * id, newest first), with the same columns and pushdown as ProjectRecentUpdates. A ProjectId or
 * ProjectKey qual switches to the named projects' own streams (same rows, and only theirs).
 */
import { qualValues, skipForbidden } from '../helpers.js';
import { perProjectCost, projectLabel, projectTargets } from '../project-scope.js';
import { defineTable, type Qual } from '../types.js';
import { activityColumns, activityPages, type Activity } from './project-recent-updates.js';

const byProject = (quals: readonly Qual[]) => qualValues(quals, 'ProjectId') !== undefined || qualValues(quals, 'ProjectKey') !== undefined;

export default defineTable<Activity>({
  name: 'SpaceUpdates',
  kind: 'view',
  description: 'Recent updates (the activity stream) of the whole space, newest first.',
  columns: activityColumns({ id: 'path: /projects/:projectId/activities instead of /space/activities', key: 'path: /projects/:projectKey/activities instead of /space/activities' }),
  orderable: ['Id'],
  async *list(ctx, quals) {
    if (!byProject(quals)) {
      yield* activityPages(ctx, '/space/activities', quals);
      return;
    }
    for (const scope of await projectTargets(ctx, quals, { rowsCarryProject: true })) {
      const rows: Activity[] = [];
      await skipForbidden(ctx, `recent updates of ${projectLabel(scope)}`, async () => {
        for await (const page of activityPages(ctx, `/projects/${encodeURIComponent(scope.path)}/activities`, quals)) rows.push(...page);
      }, undefined);
      yield rows;
    }
  },
  cost: (quals) => (byProject(quals) ? perProjectCost(quals, '1 request per 100 activities per project') : '1 request per 100 activities'),
  examples: ['SELECT Created, ProjectKey, CreatedUserName, ContentSummary FROM SpaceUpdates ORDER BY Id DESC LIMIT 50'],
});
