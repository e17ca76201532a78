/**
 * ProjectRecentUpdates: the activity stream of projects (GET /projects/:p/activities, keyset
 * paging on id, newest first).
 *
 * Pushdown: ProjectId / ProjectKey → the path; Type → activityTypeId[]; Id ranges → minId/maxId
 * (inclusive bounds, so `Id > 5` is sent as minId=6). ORDER BY Id with LIMIT walks in that order
 * and stops early. The same columns and pushdown serve SpaceUpdates.
 */
import { activityColumns, projectActivities, type ActivityJson } from '../sources/activities.js';
import { perProjectCost } from '../sources/projects.js';
import { defineTable } from '../types.js';

export default defineTable<ActivityJson>({
  name: 'ProjectRecentUpdates',
  kind: 'view',
  description: 'Recent updates (the activity stream) of each project, newest first.',
  columns: activityColumns({ id: 'path: /projects/:projectId/activities', key: 'path: /projects/:projectKey/activities' }),
  orderable: ['Id'],
  list: projectActivities,
  cost: (quals) => perProjectCost(quals, '1 request per 100 activities per project'),
  examples: [
    "SELECT Created, CreatedUserName, ContentSummary FROM ProjectRecentUpdates WHERE ProjectKey = 'WEB' ORDER BY Id DESC LIMIT 20",
    'SELECT * FROM ProjectRecentUpdates WHERE ProjectId = 1 AND Type IN (1, 2)',
  ],
});
