package dlcourse.core;

import java.util.Locale;

/**
 * How big a run is: one environment variable, {@code DL_PROFILE}, chooses it for every notebook and
 * benchmark.
 *
 * <ul>
 *   <li>{@link #SMOKE}: seconds per notebook; CI runs every notebook this way.
 *   <li>{@link #LAPTOP}: minutes on a laptop CPU, with results worth looking at; the default
 *       without a GPU.
 *   <li>{@link #FULL}: the lecture's scale; the default when a GPU is found.
 * </ul>
 *
 * Code reads sizes through {@link #pick}, e.g. {@code int epochs = Profile.current().pick(1, 5,
 * 30);}.
 */
public enum Profile {
    SMOKE("smoke", "проверочный прогон для CI: маленькие данные, секунды на блокнот"),
    LAPTOP("laptop", "для ноутбука без GPU: минуты на блокнот, осмысленные результаты"),
    FULL("full", "масштаб лекции: полные данные и эпохи (по умолчанию при наличии GPU)");

    /** The environment variable (or system property {@code dl.profile}) that selects a profile. */
    public static final String ENV = "DL_PROFILE";

    private static volatile Profile override;

    private final String id;
    private final String description;

    Profile(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    /** The profile in force: {@link #use}, else {@code DL_PROFILE}, else by the device found. */
    public static Profile current() {
        Profile p = override;
        if (p != null) {
            return p;
        }
        String value = System.getProperty("dl.profile", System.getenv(ENV));
        return resolve(value, Devices.best().isGpu());
    }

    /** Chooses a profile for the rest of this JVM (e.g. from a notebook cell). */
    public static void use(Profile profile) {
        override = profile;
    }

    /** The decision, separate from the environment so that it can be tested. */
    static Profile resolve(String value, boolean gpuFound) {
        if (value == null || value.isBlank()) {
            return gpuFound ? FULL : LAPTOP;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Profile p : values()) {
            if (p.id.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                ENV + "=" + value + " не распознан: допустимы smoke, laptop, full");
    }

    /** The value for this profile: {@code pick(smoke, laptop, full)}. */
    @SafeVarargs
    public final <T> T pick(T... bySize) {
        if (bySize.length != values().length) {
            throw new IllegalArgumentException(
                    "pick: нужно по значению на каждый профиль (smoke, laptop, full), а задано "
                            + bySize.length);
        }
        return bySize[ordinal()];
    }

    public int pick(int smoke, int laptop, int full) {
        return pick(new Integer[] {smoke, laptop, full});
    }

    public double pick(double smoke, double laptop, double full) {
        return pick(new Double[] {smoke, laptop, full});
    }

    /** One paragraph for the top of a notebook: which profile ran and how to get the others. */
    public String banner() {
        StringBuilder sb = new StringBuilder();
        if (Seeds.replicate() != 0) {
            sb.append("Повтор ")
                    .append(Seeds.replicate())
                    .append(" исследования по зёрнам (")
                    .append(Seeds.REPLICATE)
                    .append("): все зёрна сдвинуты на ")
                    .append(1000 * Seeds.replicate())
                    .append('\n');
        }
        sb.append("Профиль: ").append(id).append(" — ").append(description).append('\n');
        sb.append("Другие профили: ");
        for (Profile p : values()) {
            if (p != this) {
                sb.append(p.id).append(" (").append(p.description).append("); ");
            }
        }
        sb.append("\nВыбор: переменная окружения ")
                .append(ENV)
                .append(" перед запуском, например `DL_PROFILE=full make lab`,")
                .append(" или в ячейке: Profile.use(Profile.FULL);");
        return sb.toString();
    }

    @Override
    public String toString() {
        return id;
    }
}
