/** Custom fields of projects (docs/backlog-api.md §7.11) and their list items. */

/** An item of a list, check box or radio field; an issue's list value holds the same objects (§7.10). */
export interface CustomFieldItemJson {
  id: number;
  name: string;
  displayOrder?: number | null;
}

/** A custom field definition (§7.11): type-specific settings are present for their types only. */
export interface CustomFieldJson {
  id: number;
  projectId: number;
  typeId: number;
  version?: number;
  name: string;
  description: string | null;
  required: boolean;
  useIssueType?: boolean;
  applicableIssueTypes: number[] | null;
  displayOrder: number;
  min?: number | string | null;
  max?: number | string | null;
  initialValue?: number | null;
  unit?: string | null;
  initialDate?: { id: number; shift?: number | null; date?: string | null } | null;
  items?: CustomFieldItemJson[];
  allowAddItem?: boolean;
  allowInput?: boolean;
}

/** Backlog's custom field typeId (docs/backlog-api.md §13). */
export const CUSTOM_FIELD_TYPES: Record<number, string> = {
  1: 'Text',
  2: 'TextArea',
  3: 'Numeric',
  4: 'Date',
  5: 'SingleList',
  6: 'MultipleList',
  7: 'CheckBox',
  8: 'Radio',
};
