/** Contract tests for this family; registered by ../contract.test.ts. */
export function wikisContract(): void {}
