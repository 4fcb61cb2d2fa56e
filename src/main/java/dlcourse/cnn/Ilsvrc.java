package dlcourse.cnn;

import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The ImageNet Large Scale Visual Recognition Challenge (ILSVRC), classification task: the winner
 * of each year with its published top-5 error on the test set (Russakovsky et al., "ImageNet Large
 * Scale Visual Recognition Challenge", IJCV 2015, for 2010–2014; the challenge's result pages for
 * 2015–2017), and the runner-up of 2012, the year AlexNet won. Entries trained only on the
 * challenge's data (AlexNet with extra ImageNet data: 15.3 %).
 */
public final class Ilsvrc {

    /** One result: year, team, network, top-5 error in %. */
    public record Result(int year, String team, String network, double top5Error) {}

    /** The winners, 2010–2017. */
    public static final List<Result> WINNERS =
            List.of(
                    new Result(2010, "NEC-UIUC", "SIFT, LBP + SVM", 28.2),
                    new Result(2011, "XRCE", "векторы Фишера + SVM", 25.8),
                    new Result(2012, "SuperVision", "AlexNet", 16.4),
                    new Result(2013, "Clarifai", "ZFNet", 11.7),
                    new Result(2014, "GoogLeNet", "GoogLeNet (Inception)", 6.7),
                    new Result(2015, "MSRA", "ResNet-152", 3.57),
                    new Result(2016, "Trimps-Soushen", "ансамбль Inception/ResNet", 2.99),
                    new Result(2017, "WMW", "SENet", 2.25));

    /** 2012's runner-up (ISI: Fisher vectors), whom AlexNet beat by ten points. */
    public static final Result RUNNER_UP_2012 = new Result(2012, "ISI", "векторы Фишера", 26.2);

    /** 2014's runner-up, VGG (lecture figures 33, 34). */
    public static final Result RUNNER_UP_2014 = new Result(2014, "VGG", "VGG-16/19", 7.3);

    /**
     * A person's top-5 error on 1 500 test images (Karpathy, 2014, reported by Russakovsky et al.).
     */
    public static final double HUMAN_TOP5_ERROR = 5.1;

    private Ilsvrc() {}

    /** The winners as a table: год, команда, сеть, ошибка top-5, %. */
    public static Table winners() {
        return Table.create(
                "Победители ILSVRC (классификация)",
                IntColumn.create("год", WINNERS.stream().mapToInt(Result::year).toArray()),
                StringColumn.create("команда", WINNERS.stream().map(Result::team).toList()),
                StringColumn.create("сеть", WINNERS.stream().map(Result::network).toList()),
                DoubleColumn.create(
                        "ошибка top-5, %",
                        WINNERS.stream().mapToDouble(Result::top5Error).toArray()));
    }
}
