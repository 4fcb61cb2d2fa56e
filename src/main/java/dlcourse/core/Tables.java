package dlcourse.core;

import java.util.Locale;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Small helpers for tablesaw tables as the notebooks show them. */
public final class Tables {

    private Tables() {}

    /** An HTML table of the first {@code maxRows} rows; numbers rounded to 4 significant digits. */
    public static String html(Table table, int maxRows) {
        StringBuilder sb = new StringBuilder("<table>");
        if (table.name() != null && !table.name().isBlank()) {
            sb.append("<caption>").append(escape(table.name())).append("</caption>");
        }
        sb.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            sb.append("<th>").append(escape(c.name())).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        int rows = Math.min(maxRows, table.rowCount());
        for (int r = 0; r < rows; r++) {
            sb.append("<tr>");
            for (Column<?> c : table.columns()) {
                sb.append("<td>").append(escape(format(c.get(r)))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (rows < table.rowCount()) {
            sb.append("<p>… ещё ").append(table.rowCount() - rows).append(" строк</p>");
        }
        return sb.toString();
    }

    /**
     * A whole number with thin spaces between thousands, as Russian typography writes 60 965 224
     * (four digits stay together: 4096). The notebooks print counts with it: Java's {@code %,d}
     * writes a comma there, which a Russian reader takes for a decimal one.
     */
    public static String grouped(long n) {
        return Math.abs(n) < 10_000
                ? Long.toString(n)
                : String.format(Locale.ROOT, "%,d", n).replace(',', '\u2009');
    }

    static String format(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return grouped(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                return "—";
            }
            return d == Math.rint(d) && Math.abs(d) < 1e9
                    ? String.format(Locale.ROOT, "%d", (long) d)
                    : String.format(Locale.ROOT, "%.4g", d);
        }
        return String.valueOf(value);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
