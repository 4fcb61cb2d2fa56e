package dlcourse.plot;

import dlcourse.core.Notebook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.TickSettings;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Figures the notebooks share, built with tablesaw-jsplot and shown inline through plotly's
 * JupyterLab renderer (offline; see {@link PlotlyJson}). A {@link Figure} left as the last
 * expression of a cell is drawn too (the course's kernel extension registers it).
 */
public final class Plots {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;

    private Plots() {}

    /** One named line: y against x. */
    public record Series(String name, double[] x, double[] y) {
        public static Series of(String name, double[] y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            return new Series(name, x, y);
        }
    }

    /** Lines sharing one pair of axes. */
    public static Figure lines(String title, String xTitle, String yTitle, Series... series) {
        List<Trace> traces = new ArrayList<>();
        for (Series s : series) {
            traces.add(
                    ScatterTrace.builder(s.x(), s.y())
                            .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                            .name(s.name())
                            .build());
        }
        return new Figure(layout(title, xTitle, yTitle).build(), traces.toArray(Trace[]::new));
    }

    /**
     * Loss (left axis) and accuracy (right axis) per epoch, from a training history with columns
     * {@code epoch, train_loss, train_acc} and optionally {@code test_loss, test_acc}.
     */
    public static Figure trainingCurves(Table history) {
        return trainingCurves(history, "Обучение");
    }

    public static Figure trainingCurves(Table history, String title) {
        double[] epoch = numbers(history, "epoch");
        List<Trace> traces = new ArrayList<>();
        for (String[] col :
                new String[][] {
                    {"train_loss", "потери, обучение"}, {"test_loss", "потери, тест"}
                }) {
            if (history.containsColumn(col[0])) {
                traces.add(
                        ScatterTrace.builder(epoch, numbers(history, col[0]))
                                .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                                .name(col[1])
                                .build());
            }
        }
        for (String[] col :
                new String[][] {
                    {"train_acc", "точность, обучение"}, {"test_acc", "точность, тест"}
                }) {
            // a regression has no accuracy (NaN): no curve for it
            if (history.containsColumn(col[0])
                    && java.util.Arrays.stream(numbers(history, col[0]))
                            .anyMatch(Double::isFinite)) {
                traces.add(
                        ScatterTrace.builder(epoch, numbers(history, col[0]))
                                .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                                .name(col[1])
                                .yAxis(ScatterTrace.YAxis.Y2)
                                .build());
            }
        }
        // whole epochs on x (plotly would tick 1.2, 1.4…); accuracy on its own fixed scale, not
        // ticks forced onto the loss axis's grid lines (0.081, 0.394…)
        int every = Math.max(1, (int) Math.ceil(epoch.length / 10.0));
        Layout layout =
                layout(title, "эпоха", "потери")
                        .xAxis(
                                Axis.builder()
                                        .title("эпоха")
                                        .tickSettings(linearTicks(1, every))
                                        .build())
                        .yAxis2(
                                Axis.builder()
                                        .title("точность")
                                        .side(Axis.Side.right)
                                        .overlaying(ScatterTrace.YAxis.Y)
                                        .range(0, 1)
                                        .showGrid(false)
                                        .tickSettings(linearTicks(0, 0.2))
                                        .build())
                        .build();
        return new Figure(layout, traces.toArray(Trace[]::new));
    }

    /** Ticks at {@code first}, {@code first + every}, … */
    private static TickSettings linearTicks(double first, double every) {
        return TickSettings.builder()
                .tickMode(TickSettings.TickMode.LINEAR)
                .tick0(first)
                .dTick(every)
                .build();
    }

    /** Draws a figure in the notebook (plotly JSON); outside a notebook prints its title. */
    public static void show(Figure figure) {
        Map<String, Object> json = PlotlyJson.of(figure);
        Object title = ((Map<?, ?>) json.get("layout")).get("title");
        String text = title instanceof Map<?, ?> t ? String.valueOf(t.get("text")) : "";
        Notebook.show("[график] " + text, Map.of(PlotlyJson.MIME, json));
    }

    static Layout.LayoutBuilder layout(String title, String xTitle, String yTitle) {
        return Layout.builder()
                .title(title)
                .width(WIDTH)
                .height(HEIGHT)
                .xAxis(Axis.builder().title(xTitle).build())
                .yAxis(Axis.builder().title(yTitle).build());
    }

    static double[] numbers(Table table, String column) {
        return ((NumericColumn<?>) table.column(column)).asDoubleArray();
    }
}
