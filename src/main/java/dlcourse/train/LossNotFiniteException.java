package dlcourse.train;

/** Training stopped because the loss became NaN or infinite: the run has diverged. */
public final class LossNotFiniteException extends IllegalStateException {

    private final int epoch;
    private final long batch;

    public LossNotFiniteException(double loss, int epoch, long batch, String optimizer) {
        super("Функция потерь стала " + loss + " (эпоха " + epoch + ", пакет " + batch
                + "): обучение расходится и остановлено. Обычно помогает уменьшить скорость обучения"
                + " (сейчас: " + optimizer + "), включить ограничение нормы градиента или проверить"
                + " нормализацию входных данных.");
        this.epoch = epoch;
        this.batch = batch;
    }

    public int epoch() {
        return epoch;
    }

    public long batch() {
        return batch;
    }
}
