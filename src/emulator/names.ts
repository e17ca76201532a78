/**
 * Backlog's built-in names in the caller's language (docs/backlog-api.md §7.4, §7.8): priorities,
 * resolutions, the four default statuses and the issue types a new project starts with. Nulab's
 * Japanese and English documentation pages show the same ids under 高/中/低 and High/Normal/Low,
 * 未対応 and Open, タスク and Task: the name follows the language of the user who asks
 * (`lang`), and a user without one sees the space's language.
 *
 * A project that renames a default issue type keeps its own name in every language (unverified:
 * the emulator's choice). Records keep the built-in names in `localisedName` until then; their
 * `name` holds the space-language name, which change logs and activities record.
 */
import type { SpaceRec, UserRec } from './store.js';

export type Lang = 'ja' | 'en';

/** One built-in name per language. */
export type LocalisedName = Readonly<Record<Lang, string>>;

/** The language a user reads Backlog in: their own, or the space's when they have none. */
export function langOf(space: SpaceRec, user: Pick<UserRec, 'lang'>): Lang {
  return user.lang ?? space.lang;
}

interface BuiltIn {
  id: number;
  name: LocalisedName;
}

const PRIORITIES: readonly BuiltIn[] = [
  { id: 2, name: { ja: '高', en: 'High' } },
  { id: 3, name: { ja: '中', en: 'Normal' } },
  { id: 4, name: { ja: '低', en: 'Low' } },
];

const RESOLUTIONS: readonly BuiltIn[] = [
  { id: 0, name: { ja: '対応済み', en: 'Fixed' } },
  { id: 1, name: { ja: '対応しない', en: "Won't Fix" } },
  { id: 2, name: { ja: '無効', en: 'Invalid' } },
  { id: 3, name: { ja: '重複', en: 'Duplication' } },
  { id: 4, name: { ja: '再現しない', en: 'Cannot Reproduce' } },
];

/** The four statuses every project starts with (ids 1-4 in every project). */
export const DEFAULT_STATUSES: readonly (BuiltIn & { color: string })[] = [
  { id: 1, name: { ja: '未対応', en: 'Open' }, color: '#ed8077' },
  { id: 2, name: { ja: '処理中', en: 'In Progress' }, color: '#4488c5' },
  { id: 3, name: { ja: '処理済み', en: 'Resolved' }, color: '#5eb5a6' },
  { id: 4, name: { ja: '完了', en: 'Closed' }, color: '#b0be3c' },
];

/** The issue types every new project starts with, in display order. */
export const DEFAULT_ISSUE_TYPES: readonly { name: LocalisedName; color: string }[] = [
  { name: { ja: 'タスク', en: 'Task' }, color: '#7ea800' },
  { name: { ja: 'バグ', en: 'Bug' }, color: '#990000' },
  { name: { ja: '要望', en: 'Request' }, color: '#ff9200' },
  { name: { ja: 'その他', en: 'Other' }, color: '#2779ca' },
];

function listIn(list: readonly BuiltIn[], lang: Lang): { id: number; name: string }[] {
  return list.map((x) => ({ id: x.id, name: x.name[lang] }));
}

/** `GET /priorities` in this language. */
export function priorityList(lang: Lang): { id: number; name: string }[] {
  return listIn(PRIORITIES, lang);
}

/** `GET /resolutions` in this language. */
export function resolutionList(lang: Lang): { id: number; name: string }[] {
  return listIn(RESOLUTIONS, lang);
}

export function isPriority(id: number): boolean {
  return PRIORITIES.some((p) => p.id === id);
}

export function isResolution(id: number): boolean {
  return RESOLUTIONS.some((r) => r.id === id);
}

/** The priority's name in this language, or undefined for an unknown id. */
export function priorityName(id: number, lang: Lang): string | undefined {
  return PRIORITIES.find((p) => p.id === id)?.name[lang];
}

/** The resolution's name in this language, or undefined for an unknown id. */
export function resolutionName(id: number, lang: Lang): string | undefined {
  return RESOLUTIONS.find((r) => r.id === id)?.name[lang];
}

/** A status's or issue type's name as this reader sees it: built-in names follow the language. */
export function nameIn(rec: { name: string; localisedName: LocalisedName | null }, lang: Lang): string {
  return rec.localisedName?.[lang] ?? rec.name;
}

/** Every name a record answers to (a built-in one in each language), for uniqueness checks. */
export function namesOf(rec: { name: string; localisedName: LocalisedName | null }): string[] {
  return rec.localisedName ? [rec.name, rec.localisedName.ja, rec.localisedName.en] : [rec.name];
}
