/**
 * Writes on the project-level tables (issue 5): Projects, ProjectIssueTypes, ProjectStatuses,
 * ProjectVersionMilestones, ProjectCustomFields, ProjectCustomFieldItems, ProjectUsers,
 * ProjectAdministrators and ProjectTeams. Every row written through SQL is read back through
 * backlog-js and compared field by field; the journal shows each statement made exactly the
 * requests expected; refused statements send nothing. The space is west of UTC (Los Angeles).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SqlError } from '../../../src/errors.js';
import { openWriteFixture, statusOf, type WriteFixture } from '../../helpers/writes.js';

let f: WriteFixture;
/** Numeric ids of the seed projects. */
let WEB: number;
let APP: number;

type Rows<T> = T[];

async function rows<T>(sql: string, params?: unknown[]): Promise<Rows<T>> {
  return (await f.db.query(sql, params as never)).rows as T[];
}

/** The writes since the last clear(), as `METHOD path`. */
async function calls(): Promise<string[]> {
  return (await f.writes()).map((w) => `${w.method} ${w.path}`);
}

/** A statement that must be refused before any request: a SqlError whose message (and hint) match. */
async function refused(sql: string, message: RegExp, hint?: RegExp): Promise<void> {
  await f.clear();
  await assert.rejects(f.db.query(sql), (e: unknown) => {
    assert.ok(e instanceof SqlError, `expected a SqlError, got ${String(e)}`);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    return true;
  });
  assert.deepEqual(await calls(), [], 'a refused statement sends no write');
}

/** The calendar day of a Backlog date-only field in the space's zone. */
function dayInSpace(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

before(async () => {
  f = await openWriteFixture();
  const ids = await rows<{ Id: number; ProjectKey: string }>("SELECT Id, ProjectKey FROM Projects WHERE ProjectKey IN ('WEB', 'APP')");
  WEB = ids.find((r) => r.ProjectKey === 'WEB')?.Id as number;
  APP = ids.find((r) => r.ProjectKey === 'APP')?.Id as number;
  assert.ok(WEB && APP);
});
after(() => f.close());

describe('Projects', () => {
  let id: number;

  it('INSERT creates a project with a Japanese name in one POST and RETURNING gives its id', async () => {
    await f.clear();
    const r = await f.db.query(
      "INSERT INTO Projects (ProjectKey, Name, TextFormattingRule, SubtaskingEnabled, ChartEnabled, UseWiki) VALUES ('SQLNEW', '新規プロジェクト「試験」', 'markdown', true, true, true) RETURNING Id, ProjectKey, Name, Archived",
    );
    assert.equal(r.command, 'INSERT');
    assert.equal(r.rowCount, 1);
    const row = r.rows[0] as { Id: number; ProjectKey: string; Name: string; Archived: boolean };
    id = row.Id;
    assert.ok(Number.isSafeInteger(id) && id > 0);
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, ProjectKey: 'SQLNEW', Name: '新規プロジェクト「試験」', Archived: false });
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      ['POST /api/v2/projects'],
    );
    assert.deepEqual(writes[0]?.form, {
      key: 'SQLNEW',
      name: '新規プロジェクト「試験」',
      textFormattingRule: 'markdown',
      subtaskingEnabled: 'true',
      chartEnabled: 'true',
      useWiki: 'true',
    });

    const back = await f.client.getProject(id);
    assert.equal(back.projectKey, 'SQLNEW');
    assert.equal(back.name, '新規プロジェクト「試験」');
    assert.equal(back.textFormattingRule, 'markdown');
    assert.equal(back.subtaskingEnabled, true);
    assert.equal(back.chartEnabled, true);
    assert.equal(back.useWiki, true);
    assert.equal(back.archived, false);
    // The same row read back through SQL.
    const [sql] = await rows<Record<string, unknown>>(
      `SELECT ProjectKey, Name, TextFormattingRule, SubtaskingEnabled, ChartEnabled, UseWiki, Archived FROM Projects WHERE Id = ${id}`,
    );
    assert.deepEqual(sql, {
      ProjectKey: 'SQLNEW',
      Name: '新規プロジェクト「試験」',
      TextFormattingRule: 'markdown',
      SubtaskingEnabled: true,
      ChartEnabled: true,
      UseWiki: true,
      Archived: false,
    });
  });

  it('UPDATE renames and archives the project in one PATCH', async () => {
    await f.clear();
    const r = await f.db.query(
      `UPDATE Projects SET Name = '改名後のプロジェクト', Archived = true, UseWiki = false WHERE Id = ${id} RETURNING Name, Archived, UseWiki`,
    );
    assert.equal(r.rowCount, 1);
    assert.deepEqual(r.rows, [{ Name: '改名後のプロジェクト', Archived: true, UseWiki: false }]);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${id}`],
    );
    assert.deepEqual(writes[0]?.form, { name: '改名後のプロジェクト', archived: 'true', useWiki: 'false' });
    const back = await f.client.getProject(id);
    assert.equal(back.name, '改名後のプロジェクト');
    assert.equal(back.archived, true);
    assert.equal(back.useWiki, false);
  });

  it('UPDATE of a value the row already has sends nothing', async () => {
    await f.clear();
    const r = await f.db.query(`UPDATE Projects SET Archived = true WHERE Id = ${id}`);
    assert.equal(r.rowCount, 1);
    assert.deepEqual(await calls(), []);
  });

  it('UPDATE of ProjectKey renames the key (unarchiving in the same request)', async () => {
    await f.clear();
    await f.db.query(`UPDATE Projects SET ProjectKey = 'SQLNEW2', Archived = false WHERE Id = ${id}`);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${id}`],
    );
    assert.deepEqual(writes[0]?.form, { key: 'SQLNEW2', archived: 'false' });
    const back = await f.client.getProject('SQLNEW2');
    assert.equal(back.id, id);
    assert.equal(back.archived, false);
  });

  it('DELETE removes the project: backlog-js then gets a 404', async () => {
    await f.clear();
    const r = await f.db.query("DELETE FROM Projects WHERE ProjectKey = 'SQLNEW2' RETURNING Id, Name");
    assert.deepEqual(r.rows, [{ Id: id, Name: '改名後のプロジェクト' }]);
    assert.deepEqual(await calls(), [`DELETE /api/v2/projects/${id}`]);
    assert.equal(await statusOf(f.client.getProject(id)), 404);
  });

  it('refuses a missing key, a read-only column, Archived on INSERT, a NULL name and an unknown formatting rule, sending nothing', async () => {
    await refused("INSERT INTO Projects (Name) VALUES ('キーなし')", /INSERT into Projects needs ProjectKey/);
    await refused('UPDATE Projects SET DisplayOrder = 1 WHERE Id = 1', /column "DisplayOrder" of Projects is read-only/);
    await refused("INSERT INTO Projects (ProjectKey, Name, Archived) VALUES ('X1', 'x', true)", /"Archived" of Projects can only be set by UPDATE/);
    await refused(`UPDATE Projects SET Name = NULL WHERE Id = ${WEB}`, /Name of Projects cannot be NULL/);
    await refused(`UPDATE Projects SET TextFormattingRule = 'html' WHERE Id = ${WEB}`, /TextFormattingRule must be 'backlog' or 'markdown'/);
  });
});

describe('ProjectIssueTypes', () => {
  let id: number;

  it('INSERT adds an issue type with its templates, read back through backlog-js', async () => {
    await f.clear();
    const r = await f.db.query(
      "INSERT INTO ProjectIssueTypes (ProjectKey, Name, Color, TemplateSummary, TemplateDescription) VALUES ('WEB', '問い合わせ', '#934981', '【問い合わせ】', '## 内容\n\n## 連絡先') RETURNING Id, ProjectId, ProjectKey, Name",
    );
    const row = r.rows[0] as { Id: number; ProjectId: number; ProjectKey: string; Name: string };
    id = row.Id;
    assert.ok(id > 0);
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, ProjectId: WEB, ProjectKey: 'WEB', Name: '問い合わせ' });
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${WEB}/issueTypes`],
    );
    assert.deepEqual(writes[0]?.form, { name: '問い合わせ', color: '#934981', templateSummary: '【問い合わせ】', templateDescription: '## 内容\n\n## 連絡先' });
    const back = (await f.client.getIssueTypes('WEB')).find((t) => t.id === id);
    assert.ok(back);
    assert.equal(back.name, '問い合わせ');
    assert.equal(back.color, '#934981');
    assert.equal(back.templateSummary, '【問い合わせ】');
    assert.equal(back.templateDescription, '## 内容\n\n## 連絡先');
  });

  it('UPDATE recolours it and NULL clears a template', async () => {
    await f.clear();
    await f.db.query(`UPDATE ProjectIssueTypes SET Color = '#007e9a', TemplateSummary = NULL WHERE ProjectKey = 'WEB' AND Id = ${id}`);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${WEB}/issueTypes/${id}`],
    );
    assert.deepEqual(writes[0]?.form, { color: '#007e9a', templateSummary: '' });
    const back = (await f.client.getIssueTypes('WEB')).find((t) => t.id === id);
    assert.equal(back?.color, '#007e9a');
    assert.equal(back?.templateSummary, null);
    assert.equal(back?.templateDescription, '## 内容\n\n## 連絡先');
  });

  it('refuses DELETE (Backlog needs a substitute type) naming the procedure, and INSERT without a colour', async () => {
    await refused(
      `DELETE FROM ProjectIssueTypes WHERE Id = ${id}`,
      /ProjectIssueTypes does not support DELETE/,
      /substituteIssueTypeId.*EXEC DeleteIssueType @ProjectKey = 'WEB', @IssueTypeId = 12, @SubstituteIssueTypeId = 5/s,
    );
    await refused("INSERT INTO ProjectIssueTypes (ProjectKey, Name) VALUES ('WEB', '色なし')", /needs Color/);
    await refused("INSERT INTO ProjectIssueTypes (Name, Color) VALUES ('どこ', '#934981')", /needs ProjectId or ProjectKey/);
    await refused(`UPDATE ProjectIssueTypes SET ProjectKey = 'APP' WHERE Id = ${id}`, /"ProjectKey" of ProjectIssueTypes can only be set by INSERT/);
    assert.ok(
      (await f.client.getIssueTypes('WEB')).some((t) => t.id === id),
      'still there',
    );
  });

  it('the procedure the hint names deletes it, moving its issues to the substitute', async () => {
    const other = (await f.client.getIssueTypes('WEB')).find((t) => t.id !== id) as { id: number };
    await f.clear();
    const r = await f.db.query(`EXEC DeleteIssueType @ProjectKey = 'WEB', @IssueTypeId = ${id}, @SubstituteIssueTypeId = ${other.id}`);
    assert.equal((r.rows[0] as { Id: number }).Id, id);
    assert.deepEqual(
      (await f.writes()).map((w) => `${w.method} ${w.path} ${JSON.stringify(w.form)}`),
      [`DELETE /api/v2/projects/WEB/issueTypes/${id} {"substituteIssueTypeId":"${other.id}"}`],
    );
    assert.ok(!(await f.client.getIssueTypes('WEB')).some((t) => t.id === id));
  });
});

describe('ProjectStatuses', () => {
  let id: number;

  it('INSERT adds a status (name and colour) to the named project only', async () => {
    await f.clear();
    const r = await f.db.query("INSERT INTO ProjectStatuses (ProjectId, Name, Color) VALUES (?, '確認待ち', '#868cb7') RETURNING Id, ProjectId, Name, Color", [
      APP,
    ]);
    const row = r.rows[0] as { Id: number; ProjectId: number; Name: string; Color: string };
    id = row.Id;
    assert.ok(id > 4, 'custom statuses get ids above the four defaults');
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, ProjectId: APP, Name: '確認待ち', Color: '#868cb7' });
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${APP}/statuses`],
    );
    assert.deepEqual(writes[0]?.form, { name: '確認待ち', color: '#868cb7' });
    const back = (await f.client.getProjectStatuses(APP)).find((s) => s.id === id);
    assert.equal(back?.name, '確認待ち');
    assert.equal(back?.color, '#868cb7');
    assert.ok(!(await f.client.getProjectStatuses(WEB)).some((s) => s.name === '確認待ち'));
  });

  it('UPDATE renames and recolours it in one PATCH', async () => {
    await f.clear();
    await f.db.query(`UPDATE ProjectStatuses SET Name = 'レビュー中', Color = '#3b9dbd' WHERE ProjectId = ${APP} AND Id = ${id}`);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${APP}/statuses/${id}`],
    );
    assert.deepEqual(writes[0]?.form, { name: 'レビュー中', color: '#3b9dbd' });
    const back = (await f.client.getProjectStatuses(APP)).find((s) => s.id === id);
    assert.equal(back?.name, 'レビュー中');
    assert.equal(back?.color, '#3b9dbd');
  });

  it('refuses DELETE naming the DeleteStatus procedure, and DisplayOrder as read-only', async () => {
    await refused(
      `DELETE FROM ProjectStatuses WHERE ProjectId = ${APP} AND Id = ${id}`,
      /ProjectStatuses does not support DELETE/,
      /substituteStatusId.*EXEC DeleteStatus/s,
    );
    await refused(`UPDATE ProjectStatuses SET DisplayOrder = 1 WHERE ProjectId = ${APP} AND Id = ${id}`, /"DisplayOrder" of ProjectStatuses is read-only/);
    await refused(`UPDATE ProjectStatuses SET Color = NULL WHERE ProjectId = ${APP} AND Id = ${id}`, /Color of ProjectStatuses cannot be NULL/);
  });
});

describe('ProjectVersionMilestones', () => {
  let id: number;

  it('INSERT keeps the calendar days of DATE columns in a space west of UTC', async () => {
    await f.clear();
    const r = await f.db.query(
      "INSERT INTO ProjectVersionMilestones (ProjectKey, Name, Description, StartDate, ReleaseDueDate) VALUES ('WEB', '2027年1月リリース', '新年の定期リリース', DATE '2027-01-04', '2027-01-29') RETURNING Id, Name, StartDate, ReleaseDueDate, Archived",
    );
    const row = r.rows[0] as { Id: number; Name: string; StartDate: string; ReleaseDueDate: string; Archived: boolean };
    id = row.Id;
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, Name: '2027年1月リリース', StartDate: '2027-01-04', ReleaseDueDate: '2027-01-29', Archived: false });
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${WEB}/versions`],
    );
    assert.deepEqual(writes[0]?.form, { name: '2027年1月リリース', description: '新年の定期リリース', startDate: '2027-01-04', releaseDueDate: '2027-01-29' });

    const back = (await f.client.getVersions('WEB')).find((v) => v.id === id);
    assert.ok(back);
    assert.equal(back.name, '2027年1月リリース');
    assert.equal(back.description, '新年の定期リリース');
    // Midnight in Los Angeles, sent in UTC: the same calendar day in the space's zone.
    assert.equal(dayInSpace(back.startDate), '2027-01-04');
    assert.equal(dayInSpace(back.releaseDueDate), '2027-01-29');
    assert.equal(back.startDate, '2027-01-04T08:00:00Z');
    assert.equal(back.archived, false);
    const [sql] = await rows(`SELECT StartDate, ReleaseDueDate FROM ProjectVersionMilestones WHERE ProjectKey = 'WEB' AND Id = ${id}`);
    assert.deepEqual(sql, { StartDate: '2027-01-04', ReleaseDueDate: '2027-01-29' });
  });

  it('UPDATE clears dates and the description with NULL and archives, sending the current name Backlog requires', async () => {
    await f.clear();
    await f.db.query(
      `UPDATE ProjectVersionMilestones SET Description = NULL, ReleaseDueDate = NULL, StartDate = DATE '2026-12-31', Archived = true WHERE Id = ${id}`,
    );
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${WEB}/versions/${id}`],
    );
    assert.deepEqual(writes[0]?.form, { description: '', releaseDueDate: '', startDate: '2026-12-31', archived: 'true', name: '2027年1月リリース' });
    const back = (await f.client.getVersions('WEB')).find((v) => v.id === id);
    assert.equal(back?.name, '2027年1月リリース');
    assert.equal(back?.description, '');
    assert.equal(back?.releaseDueDate, null);
    assert.equal(dayInSpace(back?.startDate), '2026-12-31');
    assert.equal(back?.archived, true);
  });

  it('UPDATE renames it', async () => {
    await f.clear();
    await f.db.query(`UPDATE ProjectVersionMilestones SET Name = 'v3.0 正式版' WHERE Id = ${id}`);
    const writes = await f.writes();
    assert.deepEqual(writes[0]?.form, { name: 'v3.0 正式版' });
    assert.equal((await f.client.getVersions('WEB')).find((v) => v.id === id)?.name, 'v3.0 正式版');
  });

  it('DELETE removes it from the project', async () => {
    await f.clear();
    const r = await f.db.query(`DELETE FROM ProjectVersionMilestones WHERE ProjectKey = 'WEB' AND Name = 'v3.0 正式版'`);
    assert.equal(r.rowCount, 1);
    assert.deepEqual(await calls(), [`DELETE /api/v2/projects/${WEB}/versions/${id}`]);
    assert.ok(!(await f.client.getVersions('WEB')).some((v) => v.id === id));
    // Backlog has no GET for one version: PATCH on the deleted one is how it answers 404.
    assert.equal(await statusOf(f.client.patchVersions('WEB', id, { name: 'x' })), 404);
  });

  it('refuses Archived on INSERT and a NULL name', async () => {
    await refused(
      "INSERT INTO ProjectVersionMilestones (ProjectKey, Name, Archived) VALUES ('WEB', 'x', true)",
      /"Archived" of ProjectVersionMilestones can only be set by UPDATE/,
    );
    await refused("INSERT INTO ProjectVersionMilestones (ProjectKey, Name) VALUES ('WEB', NULL)", /Name of ProjectVersionMilestones cannot be NULL/);
  });
});

describe('ProjectCustomFields and ProjectCustomFieldItems', () => {
  let numericId: number;
  let listId: number;
  let dateId: number;
  let bugTypeId: number;

  before(async () => {
    // The second default type (バグ / Bug): by position, as its name follows the reader's language.
    bugTypeId = (await rows<{ Id: number }>("SELECT Id FROM ProjectIssueTypes WHERE ProjectKey = 'WEB' ORDER BY DisplayOrder, Id LIMIT 1 OFFSET 1"))[0]
      ?.Id as number;
    assert.ok(bugTypeId);
  });

  it('INSERT creates a numeric field with its settings and the issue types it applies to', async () => {
    await f.clear();
    const r = await f.db.query(
      `INSERT INTO ProjectCustomFields (ProjectKey, TypeId, Name, Description, Required, Min, Max, InitialValue, Unit, ApplicableIssueTypes)
       VALUES ('WEB', 3, '工数', '作業にかかった日数', false, 0, 100.5, 10, '人日', '[${bugTypeId}]') RETURNING Id, TypeName, ApplicableIssueTypes, UseIssueType`,
    );
    const row = r.rows[0] as { Id: number; TypeName: string; ApplicableIssueTypes: string; UseIssueType: boolean };
    numericId = row.Id;
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, TypeName: 'Numeric', ApplicableIssueTypes: `[${bugTypeId}]`, UseIssueType: true });
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${WEB}/customFields`],
    );
    assert.deepEqual(writes[0]?.form, {
      typeId: '3',
      name: '工数',
      description: '作業にかかった日数',
      required: 'false',
      min: '0',
      max: '100.5',
      initialValue: '10',
      unit: '人日',
      'applicableIssueTypes[]': String(bugTypeId),
    });
    const back = (await f.client.getCustomFields('WEB')).find((c) => c.id === numericId) as unknown as Record<string, unknown>;
    assert.equal(back.typeId, 3);
    assert.equal(back.name, '工数');
    assert.equal(back.description, '作業にかかった日数');
    assert.equal(back.required, false);
    assert.equal(back.min, 0);
    assert.equal(back.max, 100.5);
    assert.equal(back.initialValue, 10);
    assert.equal(back.unit, '人日');
    assert.deepEqual(back.applicableIssueTypes, [bugTypeId]);
  });

  it('UPDATE with NULL makes the field apply to every type and clears the unit', async () => {
    await f.clear();
    await f.db.query(`UPDATE ProjectCustomFields SET ApplicableIssueTypes = NULL, Unit = NULL, Required = true, Max = 200 WHERE Id = ${numericId}`);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${WEB}/customFields/${numericId}`],
    );
    assert.deepEqual(writes[0]?.form, { 'applicableIssueTypes[]': '', unit: '', required: 'true', max: '200' });
    const back = (await f.client.getCustomFields('WEB')).find((c) => c.id === numericId) as unknown as Record<string, unknown>;
    assert.deepEqual(back.applicableIssueTypes, []);
    assert.equal(back.unit, null);
    assert.equal(back.required, true);
    assert.equal(back.max, 200);
    const [sql] = await rows(`SELECT ApplicableIssueTypes, UseIssueType, Unit FROM ProjectCustomFields WHERE ProjectKey = 'WEB' AND Id = ${numericId}`);
    assert.deepEqual(sql, { ApplicableIssueTypes: '[]', UseIssueType: false, Unit: null });
  });

  it('INSERT creates a list field with its items from a SQL list', async () => {
    await f.clear();
    const r = await f.db.query(
      "INSERT INTO ProjectCustomFields (ProjectKey, TypeId, Name, Items, AllowAddItem) VALUES ('WEB', 5, '環境', ['本番', 'ステージング', 'a, b'], true) RETURNING Id",
    );
    listId = (r.rows[0] as { Id: number }).Id;
    const writes = await f.writes();
    assert.deepEqual(writes[0]?.form, { typeId: '5', name: '環境', 'items[]': ['本番', 'ステージング', 'a, b'], allowAddItem: 'true' });
    const back = (await f.client.getCustomFields('WEB')).find((c) => c.id === listId) as unknown as { items: { name: string }[]; allowAddItem: boolean };
    assert.deepEqual(
      back.items.map((i) => i.name),
      ['本番', 'ステージング', 'a, b'],
    );
    assert.equal(back.allowAddItem, true);
    const items = await rows<{ Name: string }>(
      `SELECT Name FROM ProjectCustomFieldItems WHERE ProjectKey = 'WEB' AND CustomFieldId = ${listId} ORDER BY DisplayOrder`,
    );
    assert.deepEqual(
      items.map((i) => i.Name),
      ['本番', 'ステージング', 'a, b'],
    );
  });

  it('INSERT and UPDATE of a date field keep the calendar days of MinDate, MaxDate and InitialDate', async () => {
    await f.clear();
    const r = await f.db.query(
      "INSERT INTO ProjectCustomFields (ProjectKey, TypeId, Name, MinDate, MaxDate, InitialValueType, InitialDate) VALUES ('WEB', 4, '検収日', DATE '2026-01-01', DATE '2027-12-31', 3, DATE '2026-11-15') RETURNING Id, MinDate, MaxDate, InitialDate",
    );
    const row = r.rows[0] as { Id: number };
    dateId = row.Id;
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, MinDate: '2026-01-01', MaxDate: '2027-12-31', InitialDate: '2026-11-15' });
    assert.deepEqual((await f.writes())[0]?.form, {
      typeId: '4',
      name: '検収日',
      min: '2026-01-01',
      max: '2027-12-31',
      initialValueType: '3',
      initialDate: '2026-11-15',
    });
    let back = (await f.client.getCustomFields('WEB')).find((c) => c.id === dateId) as unknown as {
      min: string;
      max: string;
      initialDate: { id: number; date: string };
    };
    assert.equal(back.min.slice(0, 10), '2026-01-01');
    assert.equal(back.max.slice(0, 10), '2027-12-31');
    assert.equal(back.initialDate.id, 3);
    assert.equal(back.initialDate.date.slice(0, 10), '2026-11-15');

    // Changing only the date sends the field's initialValueType along (Backlog reads them together).
    await f.clear();
    await f.db.query(`UPDATE ProjectCustomFields SET InitialDate = DATE '2026-12-01', MaxDate = NULL WHERE Id = ${dateId}`);
    assert.deepEqual((await f.writes())[0]?.form, { initialDate: '2026-12-01', max: '', initialValueType: '3' });
    back = (await f.client.getCustomFields('WEB')).find((c) => c.id === dateId) as unknown as typeof back;
    assert.equal(back.initialDate.date.slice(0, 10), '2026-12-01');
    assert.equal(back.max, null);
  });

  it('ProjectCustomFieldItems: INSERT, UPDATE and DELETE of one item, one request each', async () => {
    await f.clear();
    const r = await f.db.query(
      `INSERT INTO ProjectCustomFieldItems (ProjectKey, CustomFieldId, Name) VALUES ('WEB', ${listId}, '検証環境') RETURNING Id, CustomFieldId, Name, ProjectId`,
    );
    const row = r.rows[0] as { Id: number; CustomFieldId: number; Name: string; ProjectId: number };
    const itemId = row.Id;
    assert.ok(itemId > 0);
    assert.deepEqual({ ...row, Id: 0 }, { Id: 0, CustomFieldId: listId, Name: '検証環境', ProjectId: WEB });
    let writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${WEB}/customFields/${listId}/items`],
    );
    assert.deepEqual(writes[0]?.form, { name: '検証環境' });
    const items = async () =>
      ((await f.client.getCustomFields('WEB')).find((c) => c.id === listId) as unknown as { items: { id: number; name: string }[] }).items;
    assert.equal((await items()).find((i) => i.id === itemId)?.name, '検証環境');

    await f.clear();
    const u = await f.db.query(`UPDATE ProjectCustomFieldItems SET Name = '開発環境' WHERE CustomFieldId = ${listId} AND Id = ${itemId} RETURNING Id, Name`);
    assert.deepEqual(u.rows, [{ Id: itemId, Name: '開発環境' }]);
    writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`PATCH /api/v2/projects/${WEB}/customFields/${listId}/items/${itemId}`],
    );
    assert.deepEqual(writes[0]?.form, { name: '開発環境' });
    assert.equal((await items()).find((i) => i.id === itemId)?.name, '開発環境');

    await f.clear();
    const d = await f.db.query(`DELETE FROM ProjectCustomFieldItems WHERE CustomFieldId = ${listId} AND Name = '開発環境' RETURNING Id`);
    assert.deepEqual(d.rows, [{ Id: itemId }]);
    assert.deepEqual(await calls(), [`DELETE /api/v2/projects/${WEB}/customFields/${listId}/items/${itemId}`]);
    assert.ok(!(await items()).some((i) => i.id === itemId));
    assert.deepEqual(
      (await items()).map((i) => i.name),
      ['本番', 'ステージング', 'a, b'],
    );
  });

  it('DELETE removes custom fields, one request per row', async () => {
    await f.clear();
    const r = await f.db.query(`DELETE FROM ProjectCustomFields WHERE ProjectKey = 'WEB' AND Id IN (${numericId}, ${listId}, ${dateId})`);
    assert.equal(r.rowCount, 3);
    assert.deepEqual((await calls()).sort(), [numericId, listId, dateId].map((id) => `DELETE /api/v2/projects/${WEB}/customFields/${id}`).sort());
    const left = (await f.client.getCustomFields('WEB')).map((c) => c.id);
    for (const id of [numericId, listId, dateId]) assert.ok(!left.includes(id));
  });

  it('refuses TypeId on UPDATE, a field without a type, bad issue type ids and an item without its field', async () => {
    const [any] = await rows<{ Id: number }>("SELECT Id FROM ProjectCustomFields WHERE ProjectKey = 'WEB' LIMIT 1");
    await refused(`UPDATE ProjectCustomFields SET TypeId = 1 WHERE Id = ${any?.Id}`, /"TypeId" of ProjectCustomFields can only be set by INSERT/);
    await refused("INSERT INTO ProjectCustomFields (ProjectKey, Name) VALUES ('WEB', '型なし')", /needs TypeId/);
    await refused(
      "INSERT INTO ProjectCustomFields (ProjectKey, TypeId, Name, ApplicableIssueTypes) VALUES ('WEB', 1, 'x', 'バグ')",
      /ApplicableIssueTypes takes issue type ids/,
    );
    await refused(`UPDATE ProjectCustomFields SET Items = ['x'] WHERE Id = ${any?.Id}`, /"Items" of ProjectCustomFields can only be set by INSERT/);
    await refused("INSERT INTO ProjectCustomFieldItems (ProjectKey, Name) VALUES ('WEB', '迷子')", /needs CustomFieldId/);
    await refused('UPDATE ProjectCustomFields SET UseIssueType = true', /"UseIssueType" of ProjectCustomFields is read-only/);
  });
});

describe('ProjectUsers, ProjectAdministrators and ProjectTeams', () => {
  it('INSERT adds a member with POST …/users userId; RETURNING reads the user Backlog answered', async () => {
    const [viewer] = await rows<{ Id: number }>("SELECT Id FROM Users WHERE UserId = 'sato'");
    assert.ok(!(await f.client.getProjectUsers(APP)).some((u) => u.id === viewer?.Id), 'not a member yet');
    await f.clear();
    const r = await f.db.query(
      "INSERT INTO ProjectUsers (ProjectKey, UserId) SELECT 'APP', Id FROM Users WHERE UserId = 'sato' RETURNING ProjectId, ProjectKey, UserId, UserLoginId, Name",
    );
    assert.deepEqual(r.rows, [{ ProjectId: APP, ProjectKey: 'APP', UserId: viewer?.Id, UserLoginId: 'sato', Name: '佐藤 美咲' }]);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${APP}/users`],
    );
    assert.deepEqual(writes[0]?.form, { userId: String(viewer?.Id) });
    const back = (await f.client.getProjectUsers(APP)).find((u) => u.id === viewer?.Id);
    assert.equal(back?.userId, 'sato');
    assert.equal(back?.name, '佐藤 美咲');
  });

  it('DELETE removes the member with DELETE …/users and userId in the form', async () => {
    const [viewer] = await rows<{ Id: number }>("SELECT Id FROM Users WHERE UserId = 'sato'");
    await f.clear();
    const r = await f.db.query(`DELETE FROM ProjectUsers WHERE ProjectId = ${APP} AND UserLoginId = 'sato'`);
    assert.equal(r.rowCount, 1);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`DELETE /api/v2/projects/${APP}/users`],
    );
    assert.deepEqual(writes[0]?.form, { userId: String(viewer?.Id) });
    assert.ok(!(await f.client.getProjectUsers(APP)).some((u) => u.id === viewer?.Id));
  });

  it('INSERT and DELETE of a project administrator', async () => {
    const [normal] = await rows<{ Id: number }>("SELECT Id FROM Users WHERE UserId = 'suzuki'");
    const id = normal?.Id as number;
    assert.ok(!(await f.client.getProjectAdministrators(APP)).some((u) => u.id === id));
    await f.clear();
    const r = await f.db.query('INSERT INTO ProjectAdministrators (ProjectId, UserId) VALUES (?, ?) RETURNING UserLoginId, Name', [APP, id]);
    assert.deepEqual(r.rows, [{ UserLoginId: 'suzuki', Name: '鈴木 花子' }]);
    let writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${APP}/administrators`],
    );
    assert.deepEqual(writes[0]?.form, { userId: String(id) });
    assert.ok((await f.client.getProjectAdministrators(APP)).some((u) => u.id === id));

    await f.clear();
    await f.db.query(`DELETE FROM ProjectAdministrators WHERE ProjectKey = 'APP' AND UserId = ${id}`);
    writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`DELETE /api/v2/projects/${APP}/administrators`],
    );
    assert.deepEqual(writes[0]?.form, { userId: String(id) });
    assert.ok(!(await f.client.getProjectAdministrators(APP)).some((u) => u.id === id));
    assert.ok(
      (await f.client.getProjectUsers(APP)).some((u) => u.id === id),
      'still a member',
    );
  });

  it('INSERT and DELETE of a team in a project', async () => {
    const [team] = await rows<{ Id: number; Name: string }>("SELECT Id, Name FROM Teams WHERE Name = 'Design Team'");
    assert.ok(team);
    assert.ok(!(await f.client.getProjectTeams(APP)).some((t) => t.id === team.Id));
    await f.clear();
    const r = await f.db.query(`INSERT INTO ProjectTeams (ProjectKey, TeamId) VALUES ('APP', ${team.Id}) RETURNING ProjectId, TeamId, Name`);
    assert.deepEqual(r.rows, [{ ProjectId: APP, TeamId: team.Id, Name: 'Design Team' }]);
    let writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/projects/${APP}/teams`],
    );
    assert.deepEqual(writes[0]?.form, { teamId: String(team.Id) });
    assert.equal((await f.client.getProjectTeams(APP)).find((t) => t.id === team.Id)?.name, 'Design Team');

    await f.clear();
    await f.db.query(`DELETE FROM ProjectTeams WHERE ProjectKey = 'APP' AND TeamId = ${team.Id}`);
    writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`DELETE /api/v2/projects/${APP}/teams`],
    );
    assert.deepEqual(writes[0]?.form, { teamId: String(team.Id) });
    assert.ok(!(await f.client.getProjectTeams(APP)).some((t) => t.id === team.Id));
  });

  it('refuses UPDATE on memberships (with what to do instead) and user columns Backlog computes', async () => {
    await refused(`UPDATE ProjectUsers SET UserId = 3 WHERE ProjectId = ${APP}`, /ProjectUsers does not support UPDATE/, /DELETE the row and INSERT another/);
    await refused(`UPDATE ProjectAdministrators SET UserId = 3 WHERE ProjectId = ${APP}`, /ProjectAdministrators does not support UPDATE/, /DELETE the row/);
    await refused(`UPDATE ProjectTeams SET TeamId = 1 WHERE ProjectId = ${APP}`, /ProjectTeams does not support UPDATE/, /DELETE the row and INSERT another/);
    await refused("INSERT INTO ProjectUsers (ProjectKey, UserId, Name) VALUES ('APP', 3, 'x')", /"Name" of ProjectUsers is read-only/);
    await refused("INSERT INTO ProjectUsers (ProjectKey) VALUES ('APP')", /needs UserId/);
    await refused("INSERT INTO ProjectTeams (ProjectKey, TeamId) VALUES ('NOPE', 1)", /no project with key NOPE/);
  });
});
