package dlcourse.plot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tech.tablesaw.plotly.components.Figure;

/**
 * Turns a tablesaw-jsplot {@link Figure} into the plotly JSON that JupyterLab draws offline ({@code
 * application/vnd.plotly.v1+json}: {@code {"data": [...], "layout": {...}}}).
 *
 * <p>Why the JavaScript is read back: tablesaw 0.44 serialises a figure completely in one way only,
 * {@link Figure#asJavascript}, which renders Pebble templates into JavaScript object literals
 * (unquoted keys, single quotes, HTML-escaped text, trailing commas, numbers as strings). JSON
 * ({@code Component.asJSON}) exists for seven leaf components (margin, font, line, hover label,
 * gradient, domain, config), not for the layout, the axes, markers or any trace; their fields are
 * private, and the plotly names of their keys live in the templates ({@code nBinsX} becomes {@code
 * nbinsx}). Reading the components directly would mean copying every template's mapping and
 * following tablesaw's private fields; reading the text it renders covers every figure tablesaw can
 * make (the course's, and a student's own histogram or bar chart), with the types put right below.
 * Tests pin the result for each kind of figure the course draws and for tablesaw's own plots.
 */
public final class PlotlyJson {

    public static final String MIME = "application/vnd.plotly.v1+json";

    private static final Pattern VAR = Pattern.compile("var\\s+(layout|trace\\d+)\\s*=\\s*");

    private PlotlyJson() {}

    /** The plotly bundle of a figure: plain maps and lists, ready for a MIME bundle. */
    public static Map<String, Object> of(Figure figure) {
        String js = figure.asJavascript("plot");
        Map<String, Object> layout = new LinkedHashMap<>();
        List<Object> data = new ArrayList<>();
        Matcher m = VAR.matcher(js);
        while (m.find()) {
            Reader reader = new Reader(js, m.end());
            Object value = reader.value();
            if (m.group(1).equals("layout")) {
                layout = asMap(value);
            } else {
                data.add(numericArrays(value));
            }
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("data", data);
        Map<String, Object> plotlyLayout = normalized(layout);
        // The course's figures keep the legend under the plot, clear of a right-hand axis.
        plotlyLayout.putIfAbsent("legend", Map.of("orientation", "h", "y", -0.2));
        bundle.put("layout", plotlyLayout);
        return bundle;
    }

    /**
     * The layout as plotly.js 2+ (JupyterLab's renderer) reads it. tablesaw writes {@code title:
     * 'text'}, which it ignores: titles become {@code {text: 'text'}}, for the figure and every
     * axis. tablesaw also writes numbers and booleans as strings ({@code range: ['0', '1']}, {@code
     * autorange: 'false'}, {@code dtick: '1'}): they get their types back.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalized(Map<String, Object> layout) {
        Map<String, Object> out = new LinkedHashMap<>();
        layout.forEach(
                (key, value) -> {
                    if (key.equals("title") && value instanceof String text) {
                        out.put(key, Map.of("text", text));
                    } else if (value instanceof Map<?, ?> nested) {
                        out.put(key, normalized((Map<String, Object>) nested));
                    } else if (value instanceof String text
                            && (text.equals("true") || text.equals("false"))) {
                        out.put(key, Boolean.valueOf(text));
                    } else if ((key.equals("dtick") || key.equals("tick0"))
                            && toNumber(value) != NOT_A_NUMBER) {
                        out.put(key, toNumber(value)); // tablesaw writes tick spacing as a string
                    } else {
                        out.put(key, numericArrays(value));
                    }
                });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    /**
     * tablesaw writes every number in a data array as a string ("1.0", "NaN"). An array whose
     * elements all read as numbers becomes numeric again; NaN becomes null, plotly's gap.
     */
    @SuppressWarnings("unchecked")
    static Object numericArrays(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> out.put(k, numericArrays(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> numbers = new ArrayList<>(list.size());
            boolean allNumeric = !list.isEmpty();
            for (Object o : list) {
                Object n = toNumber(o);
                if (n == NOT_A_NUMBER) {
                    allNumeric = false;
                    break;
                }
                numbers.add(n);
            }
            if (allNumeric) {
                return numbers;
            }
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(numericArrays(o));
            }
            return out;
        }
        return value;
    }

    private static final Object NOT_A_NUMBER = new Object();

    private static Object toNumber(Object o) {
        if (o instanceof Number n) {
            return Double.isFinite(n.doubleValue()) ? n : null;
        }
        if (o instanceof String s) {
            if (s.equals("NaN")) {
                return null;
            }
            try {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return NOT_A_NUMBER;
            }
        }
        return NOT_A_NUMBER;
    }

    /** A reader for the JavaScript subset tablesaw writes: objects, arrays, strings, numbers. */
    static final class Reader {
        private final String s;
        private int i;

        Reader(String s, int start) {
            this.s = s;
            this.i = start;
        }

        Object value() {
            skipSpace();
            char c = s.charAt(i);
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                return array();
            }
            if (c == '\'' || c == '"') {
                return string();
            }
            return bare();
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++; // {
            while (true) {
                skipSpace();
                if (s.charAt(i) == '}') {
                    i++;
                    return map;
                }
                String key = s.charAt(i) == '\'' || s.charAt(i) == '"' ? string() : identifier();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (s.charAt(i) == ',') {
                    i++;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            i++; // [
            while (true) {
                skipSpace();
                if (s.charAt(i) == ']') {
                    i++;
                    return list;
                }
                list.add(value());
                skipSpace();
                if (s.charAt(i) == ',') {
                    i++;
                }
            }
        }

        /**
         * A quoted string. tablesaw's templates HTML-escape text (quotes become entities) and never
         * write JavaScript escapes, so a backslash inside is the author's own and kept as it is.
         */
        private String string() {
            char quote = s.charAt(i++);
            int end = s.indexOf(quote, i);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string at " + (i - 1));
            }
            String text = s.substring(i, end);
            i = end + 1;
            return unescapeHtml(text);
        }

        private Object bare() {
            int start = i;
            while (i < s.length() && ",}] \n\r\t;".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i);
            switch (word) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                case "undefined":
                    return null;
                default:
                    try {
                        double d = Double.parseDouble(word);
                        return d == Math.rint(d) && Math.abs(d) < 1e15 && !word.contains(".")
                                ? (Object) (long) d
                                : (Object) d;
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "unexpected token '" + word + "' at " + start);
                    }
            }
        }

        private String identifier() {
            int start = i;
            while (Character.isJavaIdentifierPart(s.charAt(i))) {
                i++;
            }
            return s.substring(start, i);
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException(
                        "expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
            }
            i++;
        }

        private void skipSpace() {
            while (Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }

    /** tablesaw's templates HTML-escape text; plotly JSON wants it plain. */
    static String unescapeHtml(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return text.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
