package dlcourse.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the course keeps its data: {@code <course home>/data}. The home is the system property
 * {@code dlcourse.home} (the kernel spec sets it), else {@code DL_COURSE_HOME}, else the nearest
 * folder above the working directory that holds {@code data/README.md}.
 */
public final class CourseHome {

    private CourseHome() {}

    public static Path home() {
        String configured = System.getProperty("dlcourse.home", System.getenv("DL_COURSE_HOME"));
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("data").resolve("README.md"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "Не найдена папка курса (с data/README.md) выше "
                        + Paths.get("").toAbsolutePath()
                        + ". Запускайте блокноты из клона курса (make lab)"
                        + " или задайте DL_COURSE_HOME=<папка курса>.");
    }

    /** A file or folder under {@code data/}. */
    public static Path path(String name) {
        return home().resolve("data").resolve(name);
    }

    /**
     * Where training checkpoints go: the system property {@code dl.checkpoints}, else {@code
     * DL_CHECKPOINTS}, else {@code data/checkpoints}.
     */
    public static Path checkpoints() {
        String configured = System.getProperty("dl.checkpoints", System.getenv("DL_CHECKPOINTS"));
        return configured != null && !configured.isBlank()
                ? Paths.get(configured)
                : path("checkpoints");
    }
}
