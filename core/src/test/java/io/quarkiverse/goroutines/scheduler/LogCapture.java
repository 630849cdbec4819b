package io.quarkiverse.goroutines.scheduler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the records of the scheduler's loggers while a test runs. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.quarkiverse.goroutines");
    final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture() {
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    boolean contains(String text) {
        return records.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains(text));
    }

    long count(String text) {
        return records.stream().filter(r -> String.valueOf(r.getMessage()).contains(text)).count();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
