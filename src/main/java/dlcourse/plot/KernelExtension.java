package dlcourse.plot;

import dlcourse.core.Tables;
import java.io.PrintStream;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * Installed by JJava at kernel start-up (ServiceLoader, {@code META-INF/services}): teaches the
 * kernel to draw the library's types when a cell ends with one. A tablesaw {@link Figure} becomes
 * plotly JSON (drawn offline by JupyterLab), a tablesaw {@link Table} an HTML table, a {@link
 * PrintStream} (what {@code System.out.printf} returns) nothing.
 */
public final class KernelExtension implements Extension {

    @Override
    public void install(BaseKernel kernel) {
        kernel.getRenderer()
                .createRegistration(Figure.class)
                .preferring(PlotlyJson.MIME)
                .register(
                        (figure, context) -> {
                            context.getOutputContainer()
                                    .putData(PlotlyJson.MIME, PlotlyJson.of(figure));
                            context.getOutputContainer().putData("text/plain", "[график]");
                        });
        // `System.out.printf(...)` as a cell's last line returns System.out: JJava would show
        // "java.io.PrintStream@1b2c3d" as the cell's value. Show nothing instead.
        kernel.getRenderer()
                .createRegistration(PrintStream.class)
                .preferring("text/plain")
                .register(
                        (stream, context) ->
                                context.getOutputContainer().putData("text/plain", ""));
        kernel.getRenderer()
                .createRegistration(Table.class)
                .preferring("text/html")
                .register(
                        (table, context) -> {
                            context.getOutputContainer()
                                    .putData("text/html", Tables.html(table, 30));
                            context.getOutputContainer().putData("text/plain", table.printAll());
                        });
    }
}
