// A pgjdbc client for pgserver.test.ts: connects, introspects through DatabaseMetaData, runs a
// PreparedStatement three times (server-prepared, binary results) and prints what it read.
import java.sql.*;
public class Probe {
  public static void main(String[] a) throws Exception {
    String url = a[0];
    try (Connection c = DriverManager.getConnection(url, a[1], a[2])) {
      DatabaseMetaData md = c.getMetaData();
      System.out.println("product=" + md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
      int n = 0; boolean issues = false;
      try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"})) {
        while (rs.next()) { n++; if (rs.getString("TABLE_NAME").equals("Issues")) issues = true; }
      }
      System.out.println("tables=" + n + " issues=" + issues);
      try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"VIEW"})) { int v = 0; while (rs.next()) v++; System.out.println("views=" + v); }
      try (ResultSet rs = md.getColumns(null, "public", "Issues", "%")) {
        StringBuilder sb = new StringBuilder();
        while (rs.next()) sb.append(rs.getString("COLUMN_NAME")).append(':').append(rs.getString("TYPE_NAME")).append(':').append(rs.getInt("DATA_TYPE")).append(' ');
        System.out.println("columns=" + sb.toString().trim());
      }
      try (ResultSet rs = md.getPrimaryKeys(null, "public", "Issues")) {
        StringBuilder sb = new StringBuilder();
        while (rs.next()) sb.append(rs.getString("COLUMN_NAME")).append(' ');
        System.out.println("pk=" + sb.toString().trim());
      }
      int procedures = 0;
      String addStar = null;
      try (ResultSet rs = md.getProcedures(null, "public", "%")) {
        while (rs.next()) {
          procedures++;
          if ("AddStar".equals(rs.getString("PROCEDURE_NAME"))) addStar = rs.getString("REMARKS");
        }
      }
      System.out.println("procedures=" + procedures + "|" + addStar);
      try (PreparedStatement ps = c.prepareStatement("SELECT Id, EstimatedHours, Id % 2 = 0 AS even, StartDate, Created, IssueKey FROM Issues WHERE Id >= ? AND EstimatedHours IS NOT NULL AND StartDate IS NOT NULL ORDER BY Id LIMIT ?")) {
        for (int round = 0; round < 3; round++) {
          ps.setLong(1, 1); ps.setInt(2, 2);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (round == 2) System.out.println("row=" + rs.getLong(1) + "|" + rs.getBigDecimal(2) + "|" + rs.getBoolean(3) + "|" + rs.getDate(4) + "|" + rs.getTimestamp(5).toInstant() + "|" + rs.getString(6));
            }
          }
        }
      }
      try (Statement s = c.createStatement()) {
        try { s.executeQuery("SELECT Nope FROM Issues"); } catch (SQLException e) { System.out.println("error=" + e.getSQLState()); }
        try (ResultSet rs = s.executeQuery("SELECT 1")) { rs.next(); System.out.println("after=" + rs.getInt(1)); }
      }
      // An array parameter (int8[], as createArrayOf sends it) in = ANY(?).
      try (PreparedStatement ps = c.prepareStatement("SELECT Id FROM Issues WHERE Id = ANY(?) ORDER BY Id")) {
        ps.setArray(1, c.createArrayOf("bigint", new Long[] {1L, 2L, 3L}));
        StringBuilder sb = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) { while (rs.next()) sb.append(rs.getLong(1)).append(' '); }
        System.out.println("any=" + sb.toString().trim());
      }
      // Writes and procedures: executeUpdate's count comes from the command tag; EXEC returns rows.
      try (PreparedStatement ps = c.prepareStatement("UPDATE Issues SET Description = ? WHERE Id = ?")) {
        ps.setString(1, "jdbc \u66f4\u65b0");
        ps.setLong(2, 1);
        System.out.println("updated=" + ps.executeUpdate());
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXEC GetOwnUser")) {
        rs.next();
        System.out.println("me=" + rs.getString("UserId") + "|" + rs.getLong("Id"));
      }
    }
  }
}
