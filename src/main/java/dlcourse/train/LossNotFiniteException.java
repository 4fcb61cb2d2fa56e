package dlcourse.train;

/** Training stopped because the loss became NaN or infinite: the run has diverged. */
public final class LossNotFiniteException extends IllegalStateException {

    private final double loss;
    private final int epoch;
    private final long batch;

    /** {@code learningRate}: the rate as the student sets it, e.g. "learningRate(1e-3), Adam". */
    public LossNotFiniteException(double loss, int epoch, long batch, String learningRate) {
        super(
                "Функция потерь стала "
                        + loss
                        + " (эпоха "
                        + epoch
                        + ", пакет "
                        + batch
                        + "): обучение расходится и остановлено. Обычно помогает уменьшить скорость"
                        + " обучения (сейчас: "
                        + learningRate
                        + ") в 3–10 раз, включить ограничение нормы градиента"
                        + " (clipGradients) или проверить нормализацию входных данных.");
        this.loss = loss;
        this.epoch = epoch;
        this.batch = batch;
    }

    public double loss() {
        return loss;
    }

    public int epoch() {
        return epoch;
    }

    public long batch() {
        return batch;
    }
}
