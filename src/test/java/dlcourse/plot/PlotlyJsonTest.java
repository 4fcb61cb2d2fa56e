package dlcourse.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.Histogram;
import tech.tablesaw.plotly.api.ScatterPlot;
import tech.tablesaw.plotly.api.VerticalBarPlot;
import tech.tablesaw.plotly.components.Figure;

class PlotlyJsonTest {

    @Test
    void linesBecomeNumericTracesWithTheirNames() {
        Figure f =
                Plots.lines(
                        "Кривая \"обучения\"",
                        "эпоха",
                        "потери",
                        new Plots.Series(
                                "train 'loss'",
                                new double[] {1, 2, 3},
                                new double[] {0.5, 0.25, Double.NaN}));
        Map<String, Object> json = PlotlyJson.of(f);
        List<?> data = (List<?>) json.get("data");
        assertEquals(1, data.size());
        Map<?, ?> trace = (Map<?, ?>) data.get(0);
        assertEquals("scatter", trace.get("type"));
        assertEquals("train 'loss'", trace.get("name"));
        assertEquals(List.of(1.0, 2.0, 3.0), trace.get("x"));
        List<?> y = (List<?>) trace.get("y");
        assertEquals(0.5, y.get(0));
        assertNull(y.get(2), "NaN must become plotly's gap (null)");
        Map<?, ?> layout = (Map<?, ?>) json.get("layout");
        // plotly.js 2+ draws titles only in the object form {text: ...}
        assertEquals(Map.of("text", "Кривая \"обучения\""), layout.get("title"));
        assertEquals(Map.of("text", "эпоха"), ((Map<?, ?>) layout.get("xaxis")).get("title"));
    }

    @Test
    void trainingCurvesPutAccuracyOnTheSecondAxis() {
        Table history =
                Table.create(
                        "h",
                        IntColumn.create("epoch", 1, 2),
                        DoubleColumn.create("train_loss", 1.0, 0.5),
                        DoubleColumn.create("train_acc", 0.6, 0.8),
                        DoubleColumn.create("test_loss", 1.1, 0.6),
                        DoubleColumn.create("test_acc", 0.55, 0.75));
        Map<String, Object> json = PlotlyJson.of(Plots.trainingCurves(history));
        List<?> data = (List<?>) json.get("data");
        assertEquals(4, data.size());
        Map<?, ?> acc = (Map<?, ?>) data.get(3);
        assertEquals("y2", acc.get("yaxis"));
        assertEquals(List.of(0.55, 0.75), acc.get("y"));
        Map<?, ?> y2 = (Map<?, ?>) ((Map<?, ?>) json.get("layout")).get("yaxis2");
        assertEquals("y", y2.get("overlaying"));
        assertEquals("right", y2.get("side"));
        assertEquals(Map.of("text", "точность"), y2.get("title"));
        assertEquals(List.of(0.0, 1.0), y2.get("range"), "tablesaw writes the range as strings");
        assertEquals(
                Boolean.FALSE,
                y2.get("autorange"),
                "tablesaw writes 'false', which plotly reads as true");
    }

    @Test
    void readerHandlesTheJavaScriptTablesawWrites() {
        String js =
                "{ a: 'x', b: [\"1.0\",\"2\",], c: { d: true, }, e: [[1.0,2.0,],[3.0,4.0,],], f: 'a"
                        + " &amp; b', }";
        Object v = PlotlyJson.numericArrays(new PlotlyJson.Reader(js, 0).value());
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("x", m.get("a"));
        assertEquals(List.of(1.0, 2.0), m.get("b"));
        assertEquals(Boolean.TRUE, ((Map<?, ?>) m.get("c")).get("d"));
        assertEquals(Arrays.asList(List.of(1.0, 2.0), List.of(3.0, 4.0)), m.get("e"));
        assertEquals("a & b", m.get("f"));
    }

    @Test
    void categoryArraysStayText() {
        Object v = PlotlyJson.numericArrays(List.of("1", "two"));
        assertEquals(List.of("1", "two"), v);
        assertTrue(PlotlyJson.numericArrays(List.of()) instanceof List<?>);
    }

    /**
     * tablesaw's own plots, which a student may build, come through with their kind, their numbers
     * and their text; the bundle is valid JSON (serialised and read back by Jackson unchanged).
     */
    @Test
    void tablesawsOwnPlotsBecomeValidPlotlyJson() throws Exception {
        Table t =
                Table.create(
                        "t",
                        StringColumn.create("класс", "футболка", "брюки", "сумка"),
                        DoubleColumn.create("доля", 0.5, 0.25, 0.125),
                        DoubleColumn.create("x", 1, 2, 3));
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (Figure f :
                List.of(
                        Histogram.create("гистограмма", t, "доля"),
                        VerticalBarPlot.create("столбцы", t, "класс", "доля"),
                        ScatterPlot.create("точки", t, "x", "доля"))) {
            Map<String, Object> json = PlotlyJson.of(f);
            assertTrue(mapper.readTree(mapper.writeValueAsString(json)).isObject(), "valid JSON");
            Map<?, ?> trace = (Map<?, ?>) ((List<?>) json.get("data")).get(0);
            String type = String.valueOf(trace.get("type"));
            assertTrue(List.of("histogram", "bar", "scatter").contains(type), type);
            Object values = type.equals("histogram") ? trace.get("x") : trace.get("y");
            assertEquals(List.of(0.5, 0.25, 0.125), values, type);
        }
        Map<?, ?> bar =
                (Map<?, ?>)
                        ((List<?>)
                                        PlotlyJson.of(
                                                        VerticalBarPlot.create(
                                                                "b", t, "класс", "доля"))
                                                .get("data"))
                                .get(0);
        assertEquals(List.of("футболка", "брюки", "сумка"), bar.get("x"), "categories stay text");
    }

    /** Text reaches plotly as written: tablesaw's HTML escaping and JavaScript quoting undone. */
    @Test
    void textSurvivesVerbatim() {
        String title = "a < b & c > d: «ёж» 'one' \"two\" \\ end";
        Figure f =
                Plots.lines(
                        title,
                        "x",
                        "y",
                        new Plots.Series(title, new double[] {1}, new double[] {2}));
        Map<String, Object> json = PlotlyJson.of(f);
        assertEquals(Map.of("text", title), ((Map<?, ?>) json.get("layout")).get("title"));
        assertEquals(title, ((Map<?, ?>) ((List<?>) json.get("data")).get(0)).get("name"));
    }
}
