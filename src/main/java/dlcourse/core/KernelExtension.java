package dlcourse.core;

import dlcourse.plot.PlotlyJson;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * Installed by JJava at kernel start-up (ServiceLoader, {@code META-INF/services}): teaches the
 * kernel to draw the library's types when a cell ends with one. A tablesaw {@link Figure} becomes
 * plotly JSON (drawn offline by JupyterLab), a tablesaw {@link Table} an HTML table.
 */
public final class KernelExtension implements Extension {

    @Override
    public void install(BaseKernel kernel) {
        kernel.getRenderer().createRegistration(Figure.class)
                .preferring(PlotlyJson.MIME)
                .register((figure, context) -> {
                    context.getOutputContainer().putData(PlotlyJson.MIME, PlotlyJson.of(figure));
                    context.getOutputContainer().putData("text/plain", "[график]");
                });
        kernel.getRenderer().createRegistration(Table.class)
                .preferring("text/html")
                .register((table, context) -> {
                    context.getOutputContainer().putData("text/html", Tables.html(table, 30));
                    context.getOutputContainer().putData("text/plain", table.printAll());
                });
    }
}
