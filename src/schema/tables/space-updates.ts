/**
 * SpaceUpdates: the activity stream of the whole space (GET /space/activities, keyset paging on
 * id, newest first), with the same columns and pushdown as ProjectRecentUpdates. A ProjectId or
 * ProjectKey qual switches to the named projects' own streams (same rows, and only theirs).
 */
import { qualValues } from '../helpers.js';
import { activityColumns, activityPages, projectActivities, type ActivityJson } from '../sources/activities.js';
import { perProjectCost } from '../sources/projects.js';
import { defineTable, type Qual } from '../types.js';

const byProject = (quals: readonly Qual[]) => qualValues(quals, 'ProjectId') !== undefined || qualValues(quals, 'ProjectKey') !== undefined;

export default defineTable<ActivityJson>({
  name: 'SpaceUpdates',
  kind: 'view',
  description: 'Recent updates (the activity stream) of the whole space, newest first.',
  columns: activityColumns({
    id: 'path: /projects/:projectId/activities instead of /space/activities',
    key: 'path: /projects/:projectKey/activities instead of /space/activities',
  }),
  orderable: ['Id'],
  list(ctx, quals) {
    return byProject(quals) ? projectActivities(ctx, quals) : activityPages(ctx, '/space/activities', quals);
  },
  cost: (quals) => (byProject(quals) ? perProjectCost(quals, '1 request per 100 activities per project') : '1 request per 100 activities'),
  examples: ['SELECT Created, ProjectKey, CreatedUserName, ContentSummary FROM SpaceUpdates ORDER BY Id DESC LIMIT 50'],
});
