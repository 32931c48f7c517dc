package dev.jobstream.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** The records the service logs under a category while it is started, with their MDC: a test reads its own lines. */
public final class LogCapture {

    private final String category;
    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add((ExtLogRecord) record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public LogCapture(String category) {
        this.category = category;
    }

    public void start() {
        Logger.getLogger(category).addHandler(handler);
    }

    public void stop() {
        Logger.getLogger(category).removeHandler(handler);
    }

    /** What was logged since {@link #start()}, in order. */
    public List<ExtLogRecord> records() {
        return records;
    }
}
