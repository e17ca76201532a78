// For bench/catalog.ts: pgjdbc getConnection + getMetaData().getTables(…) as a JDBC tool does on
// connecting, repeated; prints each round's milliseconds (the first rounds warm the JVM up).
import java.sql.*;

public class ConnectBench {
  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[2]);
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      int n = 0;
      try (Connection c = DriverManager.getConnection(a[0], a[1], "")) {
        try (ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE", "VIEW"})) {
          while (rs.next()) n++;
        }
      }
      System.out.println((System.nanoTime() - t) / 1e6 + " " + n);
    }
  }
}
