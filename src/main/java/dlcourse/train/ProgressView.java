package dlcourse.train;

import dlcourse.core.Notebook;
import java.util.Locale;
import java.util.Map;

/**
 * The live display of a long computation (training, an adversarial game): in a notebook, one output
 * updated in place — a progress bar, a status line, and a log of finished stages under it;
 * elsewhere, one console line per stage. It always {@link #end ends} in one line under the log — a
 * summary, or why it stopped and what re-running the cell will do — so no frozen bar with a "time
 * left" stays behind. Safe to call from the training thread and the cell's thread at once; after
 * the end, further calls are ignored.
 */
public abstract class ProgressView {

    private boolean ended;

    /** A display in a notebook, console lines elsewhere, nothing when {@code quiet}. */
    public static ProgressView create(boolean quiet) {
        if (quiet) {
            return new ProgressView() {};
        }
        return Notebook.inKernel() ? new InNotebook() : new OnConsole();
    }

    /** The bar at {@code fraction} (0..1) with a status line; redrawn at most twice a second. */
    public final synchronized void progress(double fraction, String status) {
        if (!ended) {
            onProgress(fraction, status, false);
        }
    }

    /** A finished stage (an epoch): adds {@code logLine} to the log and redraws at once. */
    public final synchronized void stage(double fraction, String status, String logLine) {
        if (!ended) {
            onStage(fraction, status, logLine);
        }
    }

    /**
     * The computation ended — finished, interrupted or diverged: the bar gives way to the log and
     * {@code lastLine} (a summary, or why it stopped and what re-running the cell will do).
     */
    public final synchronized void end(String lastLine) {
        if (!ended) {
            ended = true;
            onEnd(lastLine);
        }
    }

    void onProgress(double fraction, String status, boolean force) {}

    void onStage(double fraction, String status, String logLine) {}

    void onEnd(String lastLine) {}

    /** "12 с", "3 мин 05 с", "1 ч 02 мин"; "—" when unknown. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "—";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d ч %02d мин", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%d мин %02d с", s / 60, s % 60) : s + " с";
    }

    /** One display, redrawn at most twice a second, plus the log of stages under it. */
    static final class InNotebook extends ProgressView {
        private static final long REDRAW_NANOS = 500_000_000L;
        private String id;
        private long lastDraw;
        private final StringBuilder log = new StringBuilder();

        @Override
        void onProgress(double fraction, String status, boolean force) {
            long now = System.nanoTime();
            if (!force && id != null && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            String html =
                    "<div class=\"dl-progress\"><progress value=\""
                            + String.format(Locale.ROOT, "%.4f", fraction)
                            + "\" max=\"1\" style=\"width:60%\"></progress> "
                            + String.format(Locale.ROOT, "%.0f%%", 100 * fraction)
                            + "<br/><code>"
                            + escape(status)
                            + "</code>"
                            + "<pre style=\"margin:0\">"
                            + escape(log.toString())
                            + "</pre></div>";
            draw(log + status, html);
        }

        @Override
        void onStage(double fraction, String status, String logLine) {
            log.append(logLine).append('\n');
            onProgress(fraction, status, true);
        }

        @Override
        void onEnd(String lastLine) {
            log.append(lastLine).append('\n');
            draw(
                    log.toString(),
                    "<pre class=\"dl-progress-end\" style=\"margin:0\">"
                            + escape(log.toString())
                            + "</pre>");
        }

        private void draw(String text, String html) {
            if (id == null) {
                id = Notebook.html(html, text);
            } else {
                Notebook.update(id, text, Map.of("text/html", html));
            }
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }

    /** A line per stage, and a progress line at most every 30 s within a long stage. */
    static final class OnConsole extends ProgressView {
        private static final long LINE_NANOS = 30_000_000_000L;
        private long last = System.nanoTime();

        @Override
        void onProgress(double fraction, String status, boolean force) {
            long now = System.nanoTime();
            if (now - last >= LINE_NANOS) {
                last = now;
                System.out.println(status);
            }
        }

        @Override
        void onStage(double fraction, String status, String logLine) {
            last = System.nanoTime();
            System.out.println(logLine);
        }

        @Override
        void onEnd(String lastLine) {
            System.out.println(lastLine);
        }
    }
}
