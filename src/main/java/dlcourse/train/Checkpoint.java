package dlcourse.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dlcourse.core.Interruptible;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * A training run saved after every epoch (weights, history, the epoch reached), so that a crashed
 * kernel loses at most one epoch: the next fit with the same name and set-up resumes. Files are
 * written to a temporary name and moved into place, so a crash mid-write leaves the previous epoch
 * intact. The optimizer's moments are not saved; Adam rebuilds them in a few steps.
 */
final class Checkpoint {

    private static final long LOCK_POLL_MS = 200;

    /** A checkpoint held by this process ({@link #lock}); closing it lets the next one in. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Path dir;
    private final String fingerprint;

    Checkpoint(Path dir, String fingerprint) {
        this.dir = dir;
        this.fingerprint = fingerprint;
    }

    Path dir() {
        return dir;
    }

    /**
     * Waits until no other process trains the checkpoint in {@code dir}, then holds it until
     * closed. Two kernels that fit the same name (notebooks sharing a classifier run side by side,
     * one notebook open twice) would otherwise train the same epochs at once and overwrite each
     * other's files; the second one now resumes from what the first saved. Interrupt ends the wait
     * ({@link Interruptible#checkStop}). {@code waiting} runs once if the wait begins.
     */
    static Held lock(Path dir, Runnable waiting) {
        try {
            Files.createDirectories(dir.getParent());
            FileChannel channel =
                    FileChannel.open(
                            dir.resolveSibling(dir.getFileName() + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    waiting.run();
                }
                while (lock == null) {
                    Interruptible.checkStop();
                    Thread.sleep(LOCK_POLL_MS);
                    lock = channel.tryLock();
                }
                return () -> {
                    try {
                        channel.close(); // releases the lock
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
            } catch (IOException | InterruptedException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Не удалось занять контрольную точку " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interruptible.Stopped();
        }
    }

    /** The last completed epoch of a compatible run, or 0. */
    int completedEpochs() {
        Properties p = properties();
        if (p == null
                || !fingerprint.equals(p.getProperty("fingerprint"))
                || !Files.isRegularFile(dir.resolve("weights.params"))) {
            return 0;
        }
        return Integer.parseInt(p.getProperty("epoch", "0"));
    }

    /** Replaces the block's weights (freeing those it held) by the saved ones. */
    void loadWeights(Block block, NDManager manager) {
        block.getParameters().values().forEach(Parameter::close);
        try (DataInputStream in =
                new DataInputStream(
                        new BufferedInputStream(
                                Files.newInputStream(dir.resolve("weights.params"))))) {
            block.loadParameters(manager, in);
        } catch (IOException | ai.djl.MalformedModelException e) {
            throw new IllegalStateException(
                    "Контрольная точка " + dir + " повреждена: удалите папку и запустите снова", e);
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** The saved history, read with the column types of {@code like} (empty cells are NaN). */
    Table history(Table like) {
        try {
            return Table.read()
                    .csv(
                            CsvReadOptions.builder(dir.resolve("history.csv").toFile())
                                    .columnTypes(like.typeArray())
                                    .missingValueIndicator("", "NaN")
                                    .build());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Не читается история в " + dir + ": удалите папку и запустите снова", e);
        }
    }

    void save(Block block, int epoch, Table history) {
        try {
            Files.createDirectories(dir);
            Path weights = dir.resolve("weights.params.tmp");
            try (DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(weights)))) {
                block.saveParameters(out);
            }
            history.write().csv(dir.resolve("history.csv.tmp").toFile());
            Properties p = new Properties();
            p.setProperty("fingerprint", fingerprint);
            p.setProperty("epoch", Integer.toString(epoch));
            Path props = dir.resolve("checkpoint.properties.tmp");
            try (var out = Files.newOutputStream(props)) {
                p.store(out, "dlcourse training checkpoint");
            }
            move(weights, "weights.params");
            move(dir.resolve("history.csv.tmp"), "history.csv");
            move(props, "checkpoint.properties");
        } catch (IOException e) {
            throw new UncheckedIOException("Не удалось сохранить контрольную точку в " + dir, e);
        }
    }

    private void move(Path tmp, String name) throws IOException {
        Files.move(
                tmp,
                dir.resolve(name),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private Properties properties() {
        Path file = dir.resolve("checkpoint.properties");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
            return p;
        } catch (IOException e) {
            return null;
        }
    }
}
