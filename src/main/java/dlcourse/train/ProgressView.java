package dlcourse.train;

import dlcourse.core.Notebook;

import java.util.Locale;
import java.util.Map;

/**
 * Shows training progress: in a notebook, one display updated in place (a progress bar with
 * epoch, images, loss, accuracy, speed and time left); elsewhere, one console line per epoch.
 */
abstract class ProgressView {

    /** A snapshot of a running fit. */
    record Status(String title, int epoch, int epochs, long seen, long perEpoch, double loss, double accuracy,
            double imagesPerSecond, double secondsLeft) {

        /** The accuracy appears only where there is one (not for regression). */
        String line() {
            return String.format(Locale.ROOT, "%s · эпоха %d/%d · %d/%d изобр. · потери %.4f%s"
                    + " · %.0f изобр./с · осталось %s", title, epoch, epochs, seen, perEpoch, loss,
                    Double.isNaN(accuracy) ? "" : String.format(Locale.ROOT, " · точность %.3f", accuracy),
                    imagesPerSecond, duration(secondsLeft));
        }
    }

    static ProgressView create(boolean quiet) {
        if (quiet) {
            return new ProgressView() {};
        }
        return Notebook.inKernel() ? new InNotebook() : new OnConsole();
    }

    void batch(Status status) {}

    void epoch(Status status, String summary) {}

    void finish(String summary) {}

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "—";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d ч %02d мин", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%d мин %02d с", s / 60, s % 60)
                : s + " с";
    }

    /** One display, redrawn at most twice a second, plus the per-epoch log under it. */
    static final class InNotebook extends ProgressView {
        private static final long REDRAW_NANOS = 500_000_000L;
        private String id;
        private long lastDraw;
        private final StringBuilder log = new StringBuilder();

        @Override
        void batch(Status s) {
            long now = System.nanoTime();
            if (id != null && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            draw(s, s.line());
        }

        @Override
        void epoch(Status s, String summary) {
            log.append(summary).append('\n');
            draw(s, s.line());
        }

        @Override
        void finish(String summary) {
            log.append(summary).append('\n');
            String html = "<pre style=\"margin:0\">" + escape(log.toString()) + "</pre>";
            if (id == null) {
                id = Notebook.html(html, log.toString());
            } else {
                Notebook.update(id, log.toString(), Map.of("text/html", html));
            }
        }

        private void draw(Status s, String line) {
            double done = (double) ((s.epoch() - 1) * s.perEpoch() + s.seen()) / ((double) s.epochs() * s.perEpoch());
            String html = "<div><progress value=\"" + String.format(Locale.ROOT, "%.4f", done)
                    + "\" max=\"1\" style=\"width:60%\"></progress> "
                    + String.format(Locale.ROOT, "%.0f%%", 100 * done) + "<br/><code>" + escape(line) + "</code>"
                    + "<pre style=\"margin:0\">" + escape(log.toString()) + "</pre></div>";
            String text = log + line;
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

    /** A line per epoch, and a progress line at most every 30 s within a long epoch. */
    static final class OnConsole extends ProgressView {
        private static final long LINE_NANOS = 30_000_000_000L;
        private long last = System.nanoTime();

        @Override
        void batch(Status s) {
            long now = System.nanoTime();
            if (now - last >= LINE_NANOS) {
                last = now;
                System.out.println(s.line());
            }
        }

        @Override
        void epoch(Status s, String summary) {
            last = System.nanoTime();
            System.out.println(summary);
        }

        @Override
        void finish(String summary) {
            System.out.println(summary);
        }
    }
}
