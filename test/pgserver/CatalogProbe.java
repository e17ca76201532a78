// DatabaseMetaData as Java tools use it (DBeaver, DataGrip, Metabase, BI tools), for
// catalog.test.ts: every method the issue names, each result printed as lines
// "method|col=value|col=value…", so the output against `backlog-sql serve` can be compared with
// the output against a real PostgreSQL of the same major version.
import java.sql.*;
import java.util.*;

public class CatalogProbe {
  static void dump(String name, ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    StringBuilder head = new StringBuilder(name + "#columns");
    for (int i = 1; i <= md.getColumnCount(); i++) head.append('|').append(md.getColumnLabel(i)).append(':').append(md.getColumnTypeName(i));
    System.out.println(head);
    int n = 0;
    while (rs.next()) {
      StringBuilder sb = new StringBuilder(name);
      for (int i = 1; i <= md.getColumnCount(); i++) sb.append('|').append(rs.getString(i));
      System.out.println(sb);
      n++;
    }
    System.out.println(name + "#rows=" + n);
    rs.close();
  }

  interface Query { ResultSet run() throws SQLException; }

  /** A metadata call's rows, or the SQLSTATE it fails with (also compared). */
  static void dump(String name, Query q) {
    try {
      dump(name, q.run());
    } catch (SQLException e) {
      System.out.println(name + "#error=" + e.getSQLState());
    }
  }

  public static void main(String[] a) throws Exception {
    try (Connection c = DriverManager.getConnection(a[0], a[1], a.length > 2 ? a[2] : "")) {
      DatabaseMetaData md = c.getMetaData();
      System.out.println("product|" + md.getDatabaseProductName() + "|" + md.getDatabaseMajorVersion() + "|" + md.getIdentifierQuoteString() + "|" + md.getSearchStringEscape());
      System.out.println("user|" + md.getUserName() + "|" + c.getCatalog() + "|" + c.getSchema());
      System.out.println("keywords|" + md.getSQLKeywords());
      dump("getCatalogs", () -> md.getCatalogs());
      dump("getSchemas", () -> md.getSchemas());
      dump("getSchemas(public)", () -> md.getSchemas(null, "pub%"));
      dump("getTableTypes", () -> md.getTableTypes());
      dump("getTables(TABLE)", () -> md.getTables(null, "public", "%", new String[] {"TABLE"}));
      dump("getTables(VIEW)", () -> md.getTables(null, "public", "%", new String[] {"VIEW"}));
      dump("getTables(all)", () -> md.getTables(null, null, "Issue%", null));
      dump("getColumns(Issues)", () -> md.getColumns(null, "public", "Issues", "%"));
      dump("getColumns(Priorities)", () -> md.getColumns(null, "public", "Priorities", null));
      dump("getPrimaryKeys(Issues)", () -> md.getPrimaryKeys(null, "public", "Issues"));
      dump("getPrimaryKeys(IssueComments)", () -> md.getPrimaryKeys(null, "public", "IssueComments"));
      dump("getImportedKeys(IssueComments)", () -> md.getImportedKeys(null, "public", "IssueComments"));
      dump("getImportedKeys(Issues)", () -> md.getImportedKeys(null, "public", "Issues"));
      dump("getExportedKeys(Issues)", () -> md.getExportedKeys(null, "public", "Issues"));
      dump("getCrossReference", () -> md.getCrossReference(null, "public", "Issues", null, "public", "IssueComments"));
      dump("getIndexInfo(Issues)", () -> md.getIndexInfo(null, "public", "Issues", false, true));
      dump("getIndexInfo(unique)", () -> md.getIndexInfo(null, "public", "Projects", true, false));
      dump("getBestRowIdentifier", () -> md.getBestRowIdentifier(null, "public", "Issues", DatabaseMetaData.bestRowSession, true));
      dump("getVersionColumns", () -> md.getVersionColumns(null, "public", "Issues"));
      dump("getTablePrivileges", () -> md.getTablePrivileges(null, "public", "Issue%"));
      dump("getColumnPrivileges", () -> md.getColumnPrivileges(null, "public", "Issues", "Summ%"));
      dump("getProcedures", () -> md.getProcedures(null, "public", "%"));
      dump("getProcedureColumns(AddStar)", () -> md.getProcedureColumns(null, "public", "AddStar", "%"));
      dump("getProcedureColumns(all)", () -> md.getProcedureColumns(null, "public", "%", null));
      dump("getFunctions", () -> md.getFunctions(null, "public", "%"));
      dump("getFunctionColumns", () -> md.getFunctionColumns(null, "public", "GetOwnUser", "%"));
      dump("getTypeInfo", () -> md.getTypeInfo());
      dump("getUDTs", () -> md.getUDTs(null, "public", "%", null));
      dump("getSuperTables", () -> md.getSuperTables(null, "public", "%"));
      dump("getClientInfoProperties", () -> md.getClientInfoProperties());
      dump("getPseudoColumns", () -> md.getPseudoColumns(null, "public", "Issues", "%"));
      try (Statement s = c.createStatement()) {
        // Connect-time probes of JDBC tools (DBeaver, Metabase, DataGrip).
        dump("probe(session)", () -> s.executeQuery("SELECT current_schema(), session_user, current_user, current_database(), pg_is_in_recovery()"));
        dump("probe(regclass)", () -> s.executeQuery("SELECT '\"Issues\"'::regclass::oid > 0 AS ok, '\"Issues\"'::regclass AS name"));
        dump("probe(keywords)", () -> s.executeQuery("SELECT count(*) FROM pg_get_keywords()"));
        dump("probe(settings)", () -> s.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN ('max_identifier_length', 'standard_conforming_strings', 'server_encoding') ORDER BY name"));
        dump("probe(extensions)", () -> s.executeQuery("SELECT extname, extversion FROM pg_extension ORDER BY 1"));
        dump("probe(roles)", () -> s.executeQuery("SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"));
      }
    }
  }
}
