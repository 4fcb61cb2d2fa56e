package dlcourse.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * GoogLeNet's training objective: softmax cross-entropy of the main output plus {@code weight}
 * (paper: 0.3) times that of each auxiliary classifier, L = L_main + 0.3·(L_aux1 + L_aux2). At
 * inference the network returns the main output alone and the loss is L_main.
 *
 * <p>Every training batch's three losses are recorded, so that the heads' curves can be drawn.
 */
public final class AuxiliaryLoss extends Loss {

    private final float weight;
    private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
    private final IntColumn step = IntColumn.create("step");
    private final DoubleColumn main = DoubleColumn.create("main");
    private final DoubleColumn aux1 = DoubleColumn.create("aux1");
    private final DoubleColumn aux2 = DoubleColumn.create("aux2");

    public AuxiliaryLoss(float weight) {
        super("AuxiliaryLoss");
        this.weight = weight;
    }

    /** The paper's weight 0.3. */
    public static AuxiliaryLoss paper() {
        return new AuxiliaryLoss(0.3f);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray total = crossEntropy.evaluate(labels, new NDList(predictions.get(0)));
        if (predictions.size() == 1) {
            return total;
        }
        step.append(step.size() + 1);
        main.append(total.getFloat());
        DoubleColumn[] columns = {aux1, aux2};
        for (int k = 1; k < predictions.size(); k++) {
            NDArray aux = crossEntropy.evaluate(labels, new NDList(predictions.get(k)));
            if (k <= columns.length) {
                columns[k - 1].append(aux.getFloat());
            }
            total = total.add(aux.mul(weight));
        }
        return total;
    }

    /** One row per training batch: step, main, aux1, aux2 (cross-entropies, unweighted). */
    public Table history() {
        return Table.create(
                "Потери головных классификаторов",
                step.copy(),
                main.copy(),
                aux1.copy(),
                aux2.copy());
    }
}
