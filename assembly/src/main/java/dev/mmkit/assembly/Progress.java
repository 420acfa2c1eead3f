package dev.mmkit.assembly;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The progress bar of a run, drawn on stderr: references made, of those expected when known. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** @param expected references the workload will make, or −1 when unknown */
    static Progress open(long expected) {
        ProgressBar bar = new ProgressBarBuilder()
            .setTaskName("run")
            .setInitialMax(expected)
            .setUnit(" refs", 1)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .showSpeed()
            .build();
        return new Progress(bar);
    }

    void step(long references) {
        bar.stepBy(references);
    }

    @Override
    public void close() {
        bar.close();
    }
}
