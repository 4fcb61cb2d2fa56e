package dlcourse.core;

import java.util.Map;
import java.util.UUID;
import org.dflib.jjava.jupyter.channels.ReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.DisplayStream;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * The bridge to the Jupyter front end: rich outputs (HTML, PNG, plotly JSON) and displays that
 * update in place. Outside a JJava kernel (unit tests, benchmarks, a plain JVM) every call falls
 * back to text on standard output, so library code never has to ask where it runs.
 */
public final class Notebook {

    private Notebook() {}

    /** True when this JVM is a JJava kernel serving a notebook. */
    public static boolean inKernel() {
        try {
            return BaseKernel.notebookKernel() != null;
        } catch (NullPointerException e) {
            return false; // JJava's "No kernel running": a plain JVM
        } catch (LinkageError e) {
            return false; // JJava is not on the classpath
        }
    }

    /**
     * Shows a MIME bundle; returns its display id for {@link #update}. {@code text} is the
     * plain-text form, shown by consoles and in text exports.
     */
    public static String show(String text, Map<String, Object> bundle) {
        String id = UUID.randomUUID().toString();
        if (inKernel()) {
            BaseKernel.notebookKernel().getIO().display.display(displayData(id, text, bundle));
        } else {
            System.out.println(text);
        }
        return id;
    }

    /** Replaces the content of a display made by {@link #show}. Outside a kernel: does nothing. */
    public static void update(String id, String text, Map<String, Object> bundle) {
        if (inKernel()) {
            BaseKernel.notebookKernel()
                    .getIO()
                    .display
                    .updateDisplay(displayData(id, text, bundle));
        }
    }

    /** Shows HTML (with a plain-text twin); returns the display id. */
    public static String html(String html, String text) {
        return show(text, Map.of("text/html", html));
    }

    /**
     * Runs {@code action} when the running cell ends — normally, with an error, or interrupted — on
     * the kernel's thread, just before the kernel reports itself idle: the last moment at which the
     * cell's displays still accept updates (JupyterLab routes an update only to the execution that
     * made the display, and only until that execution is idle). Returns false, and defers nothing,
     * outside a cell. Must be called from the cell's own code, while it runs.
     *
     * <p>JJava has no public hook for the end of a cell. Its display stream keeps the cell's reply
     * environment in a private field; JJava runs that environment's deferred actions, last in first
     * out, when the cell ends (reply, then these, then detaching the streams, then idle). The
     * action is added there. Should a JJava release rename the field, this returns false and
     * callers fall back to acting on their own thread.
     */
    public static boolean atCellEnd(Runnable action) {
        if (!inKernel()) {
            return false;
        }
        ReplyEnvironment env;
        try {
            var field = DisplayStream.class.getDeclaredField("env");
            field.setAccessible(true);
            env = (ReplyEnvironment) field.get(BaseKernel.notebookKernel().getIO().display);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
        if (env == null) {
            return false;
        }
        env.defer(
                () -> {
                    try {
                        action.run();
                    } catch (RuntimeException | Error e) {
                        // an exception here would skip JJava's own deferred steps (idle): report,
                        // never throw
                        e.printStackTrace(System.out);
                    }
                });
        return true;
    }

    private static DisplayData displayData(String id, String text, Map<String, Object> bundle) {
        DisplayData data = new DisplayData(text);
        bundle.forEach(data::putData);
        // DisplayData.setDisplayId changed its signature between JJava releases; the transient
        // key it sets is part of the Jupyter protocol and stable.
        data.putTransientData("display_id", id);
        return data;
    }
}
