import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from './sql-script.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops empty and comment-only pieces', () => {
    expect(splitSqlStatements('SELECT 1;\n\nSELECT 2 ;;\n-- done\n/* tail */')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('keeps a statement whose comment comes first', () => {
    expect(splitSqlStatements('-- why\nSELECT 1;')).toEqual(['-- why\nSELECT 1']);
  });

  it('ignores semicolons inside strings, identifiers and comments', () => {
    const script = `INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT "odd;name" FROM t; -- x;y
      SELECT 1 /* a; /* nested; */ b; */ + 1; SELECT E'\\';' AS s;`;
    expect(splitSqlStatements(script)).toEqual([
      `INSERT INTO t VALUES ('a;b', 'it''s;')`,
      'SELECT "odd;name" FROM t',
      '-- x;y\n      SELECT 1 /* a; /* nested; */ b; */ + 1',
      `SELECT E'\\';' AS s`,
    ]);
  });

  it('keeps dollar-quoted bodies whole, with or without a tag', () => {
    const fn = `CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$`;
    const tagged = `CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT '$$;' $body$`;
    expect(splitSqlStatements(`${fn};\n${tagged};`)).toEqual([fn, tagged]);
  });

  it('does not take parameters or a trailing regex anchor for dollar quotes', () => {
    expect(splitSqlStatements(`SELECT $1, a$b FROM t; SELECT 'x$' ~ 'x$';`)).toEqual([
      'SELECT $1, a$b FROM t',
      `SELECT 'x$' ~ 'x$'`,
    ]);
  });

  it('keeps a standard string ending in a backslash closed', () => {
    expect(splitSqlStatements(`SELECT '\\'; SELECT 2;`)).toEqual([`SELECT '\\'`, 'SELECT 2']);
  });
});
