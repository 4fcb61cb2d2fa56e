package dlcourse.rnn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;

/**
 * The fixed-window model of figure 38: x_n = f(x_{n−1}, …, x_{n−l}), one small network f applied to
 * every window of l consecutive values, with the same weights for all windows. The lecture remarks
 * «фактически это одномерные свёртки»: here f is literally a 1-D convolution with kernel l (its
 * l·C·H weights are the first layer of f) followed by a 1×1 convolution (the read-out), so sliding
 * f along a sequence is one convolution call.
 *
 * <p>{@code (B, T, C) -> (B, T − l + 1, k)}: one prediction of k numbers after every window. With T
 * = l it is an ordinary MLP on one window. Its blind spot: nothing older than l steps can influence
 * a prediction, whatever the training.
 */
public final class WindowModel {

    private WindowModel() {}

    /**
     * @param window l, the history length the model sees
     * @param hidden units of the hidden layer of f
     * @param outputs k, numbers predicted per window
     */
    public static SequentialBlock block(int window, int hidden, int outputs) {
        return new SequentialBlock()
                .add(
                        new LambdaBlock(
                                x -> new NDList(x.head().transpose(0, 2, 1)),
                                "toChannels")) // (B, T, C) -> (B, C, T)
                .add(
                        Conv1d.builder()
                                .setKernelShape(new Shape(window))
                                .setFilters(hidden)
                                .build()) // -> (B, H, T−l+1)
                .add(Activation::relu)
                .add(
                        Conv1d.builder()
                                .setKernelShape(new Shape(1))
                                .setFilters(outputs)
                                .build()) // -> (B, k, T−l+1)
                .add(
                        new LambdaBlock(
                                x -> new NDList(x.head().transpose(0, 2, 1)),
                                "toTime")); // -> (B, T−l+1, k)
    }
}
