/**
 * The 14 `sys_*` metadata tables of the reference driver (docs/cdata-driver.md §5),
 * generated from the registry so they always describe the real schema. They live in DuckDB only:
 * reading them makes no Backlog request.
 */
import { CATALOG_NAME, SCHEMA_NAME } from './names.js';
import type { SqlType, TableDef } from './types.js';

export interface SystemTable {
  name: string;
  columns: { name: string; type: 'VARCHAR' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMPTZ' }[];
  rows: unknown[][];
}

/** The schema-naming rule (./names.ts): database `backlog`, schema `public`. */
const CATALOG = CATALOG_NAME;
const SCHEMA = SCHEMA_NAME;

/** JDBC type codes (java.sql.Types) for each column type. */
const JDBC_TYPES: Record<SqlType, number> = { BIGINT: -5, INTEGER: 4, VARCHAR: 12, BOOLEAN: 16, 'DECIMAL(18,2)': 3, DOUBLE: 8, DATE: 91, TIMESTAMPTZ: 2014 };

function table(name: string, spec: string, rows: unknown[][]): SystemTable {
  const columns = spec.split(',').map((c) => {
    const [colName, type] = c.trim().split(':');
    return { name: colName as string, type: (type ?? 'VARCHAR') as 'VARCHAR' | 'BIGINT' | 'BOOLEAN' | 'TIMESTAMPTZ' };
  });
  return { name, columns, rows };
}

/**
 * sys_identity: what the last INSERT / UPDATE / DELETE of the connection (or pg wire session) did
 * to each row. CData's four columns first, then ours: the table, the row's position in the
 * statement, and its outcome (written, unchanged, failed, unknown, not attempted).
 */
export const IDENTITY_COLUMNS = 'Id,Batch:BIGINT,Operation,Message,TableName,RowNumber:BIGINT,Outcome';

export interface SystemInputs {
  tables: readonly TableDef[];
  /** sys_connection_props rows (secrets already masked). */
  connectionProps: { columns: string; rows: unknown[][] };
  productVersion: string;
  spaceUrl: string;
  /** sys_procedures / sys_procedureparameters rows (from src/procedures). */
  procedures?: { procedures: unknown[][]; parameters: unknown[][] };
}

export function systemTables(input: SystemInputs): SystemTable[] {
  const { tables } = input;
  const keyName = (t: TableDef) => `PK_${t.name}`;
  return [
    table('sys_catalogs', 'CatalogName', [[CATALOG]]),
    table('sys_schemas', 'CatalogName,SchemaName', [[CATALOG, SCHEMA]]),
    table(
      'sys_tables',
      'CatalogName,SchemaName,TableName,TableType,Description,IsUpdateable:BOOLEAN,IsExtension:BOOLEAN',
      tables.map((t) => [
        CATALOG,
        SCHEMA,
        t.name,
        t.kind === 'table' ? 'TABLE' : 'VIEW',
        t.description,
        t.kind === 'table' && t.writes !== undefined,
        t.extension === true,
      ]),
    ),
    table(
      'sys_tablecolumns',
      'CatalogName,SchemaName,TableName,ColumnName,DataTypeName,DataType:BIGINT,Length:BIGINT,DisplaySize:BIGINT,NumericPrecision:BIGINT,NumericScale:BIGINT,IsNullable:BOOLEAN,Description,Ordinal:BIGINT,IsAutoIncrement:BOOLEAN,IsGeneratedColumn:BOOLEAN,IsHidden:BOOLEAN,IsArray:BOOLEAN,IsReadOnly:BOOLEAN,IsKey:BOOLEAN,ColumnType,Pushdown',
      tables.flatMap((t) =>
        t.columns.map((c, i) => [
          CATALOG,
          SCHEMA,
          t.name,
          c.name,
          c.type,
          JDBC_TYPES[c.type],
          c.type === 'VARCHAR' ? 2000 : null,
          c.type === 'VARCHAR' ? 2000 : 20,
          c.type === 'DECIMAL(18,2)' ? 18 : c.type === 'BIGINT' ? 19 : null,
          c.type === 'DECIMAL(18,2)' ? 2 : null,
          !c.key,
          c.description,
          i + 1,
          false,
          false,
          false,
          false,
          t.kind === 'view' || !c.write,
          c.key === true,
          c.references ? 'NAVIGATIONKEY' : 'SYSTEM',
          c.pushdown ? `${c.pushdown.ops.join(' ')} → ${c.pushdown.api}${c.pushdown.exact ? '' : ' (superset, re-filtered locally)'}` : null,
        ]),
      ),
    ),
    table('sys_procedures', 'CatalogName,SchemaName,ProcedureName,Description,ProcedureType', input.procedures?.procedures ?? []),
    table(
      'sys_procedureparameters',
      'CatalogName,SchemaName,ProcedureName,ColumnName,Direction:BIGINT,DataTypeName,DataType:BIGINT,Length:BIGINT,NumericPrecision:BIGINT,NumericScale:BIGINT,IsNullable:BOOLEAN,IsRequired:BOOLEAN,IsArray:BOOLEAN,Description,Ordinal:BIGINT',
      input.procedures?.parameters ?? [],
    ),
    table(
      'sys_keycolumns',
      'CatalogName,SchemaName,TableName,ColumnName,IsKey:BOOLEAN,IsForeignKey:BOOLEAN,PrimaryKeyName,ForeignKeyName,ReferencedCatalogName,ReferencedSchemaName,ReferencedTableName,ReferencedColumnName',
      tables.flatMap((t) =>
        t.columns
          .filter((c) => c.key || c.references)
          .map((c) => {
            const [refTable, refColumn] = c.references?.split('.') ?? [];
            return [
              CATALOG,
              SCHEMA,
              t.name,
              c.name,
              c.key === true,
              c.references !== undefined,
              c.key ? keyName(t) : null,
              c.references ? `FK_${t.name}_${c.name}` : null,
              c.references ? CATALOG : null,
              c.references ? SCHEMA : null,
              refTable ?? null,
              refColumn ?? null,
            ];
          }),
      ),
    ),
    table(
      'sys_foreignkeys',
      'CatalogName,SchemaName,TableName,ColumnName,PrimaryKeyName,ForeignKeyName,ReferencedCatalogName,ReferencedSchemaName,ReferencedTableName,ReferencedColumnName,ForeignKeyType',
      tables.flatMap((t) =>
        t.columns
          .filter((c) => c.references)
          .map((c) => {
            const [refTable, refColumn] = (c.references as string).split('.');
            return [CATALOG, SCHEMA, t.name, c.name, `PK_${refTable}`, `FK_${t.name}_${c.name}`, CATALOG, SCHEMA, refTable, refColumn, 'FOREIGNKEY'];
          }),
      ),
    ),
    table(
      'sys_primarykeys',
      'CatalogName,SchemaName,TableName,ColumnName,KeySeq:BIGINT,KeyName',
      tables.flatMap((t) => t.columns.filter((c) => c.key).map((c, i) => [CATALOG, SCHEMA, t.name, c.name, i + 1, keyName(t)])),
    ),
    table(
      'sys_indexes',
      'CatalogName,SchemaName,TableName,IndexName,ColumnName,IsUnique:BOOLEAN,IsPrimary:BOOLEAN,Type:BIGINT,SortOrder,OrdinalPosition:BIGINT',
      tables.flatMap((t) => t.columns.filter((c) => c.key).map((c, i) => [CATALOG, SCHEMA, t.name, keyName(t), c.name, true, true, 0, 'A', i + 1])),
    ),
    table('sys_connection_props', input.connectionProps.columns, input.connectionProps.rows),
    table('sys_sqlinfo', 'NAME,VALUE', [
      ['AGGREGATE_FUNCTIONS', 'AVG,COUNT,MAX,MIN,SUM,DISTINCT'],
      ['COUNT', 'YES'],
      ['IDENTIFIER_QUOTE_OPEN_CHAR', '"'],
      ['IDENTIFIER_QUOTE_CLOSE_CHAR', '"'],
      ['SUPPORTED_OPERATORS', '=,>,<,>=,<=,<>,!=,LIKE,NOT LIKE,ILIKE,IN,NOT IN,IS NULL,IS NOT NULL,AND,OR,BETWEEN'],
      ['GROUP_BY', 'NO_RELATION'],
      ['OJ_CAPABILITIES', 'LEFT,RIGHT,FULL,NESTED,NOT_ORDERED,INNER,ALL_COMPARISON_OPS'],
      ['OUTER_JOINS', 'YES'],
      ['SUBQUERIES', 'COMPARISON,EXISTS,IN,CORRELATED_SUBQUERIES,QUANTIFIED'],
      ['STRING_FUNCTIONS', 'LENGTH,LOWER,UPPER,SUBSTRING,TRIM,CONCAT,REPLACE,STRPOS'],
      ['NUMERIC_FUNCTIONS', 'ABS,CEIL,FLOOR,ROUND,MOD,POWER,SQRT'],
      ['TIMEDATE_FUNCTIONS', 'NOW,CURRENT_DATE,DATE_TRUNC,DATE_PART,DATE_DIFF,STRFTIME'],
      ['SUPPORT_TRANSACTION', 'NO'],
      ['DIALECT', 'DuckDB (PostgreSQL-like)'],
      ['PARAMETER_STYLES', '?,$1,$name,@name'],
    ]),
    table('sys_identity', IDENTITY_COLUMNS, []),
    // Filled per statement from the query cache (src/cache); empty when the cache is off.
    table('sys_cachestatus', 'TableName,Rule,Rows:BIGINT,LastRefresh:TIMESTAMPTZ,Watermark,Requests:BIGINT,Stale:BOOLEAN', []),
    table('sys_information', 'Product,Version,Datasource,NodeId,HelpURL,License,Location,Environment,DataSyncVersion,DataSyncCategory', [
      [
        'backlog-sql',
        input.productVersion,
        input.spaceUrl,
        null,
        'https://github.com/backlog-sql/backlog-sql#readme',
        'MIT',
        null,
        `Node.js ${process.version}`,
        null,
        null,
      ],
    ]),
  ];
}
