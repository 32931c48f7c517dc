package dev.jobstream.stats;

/**
 * The durations of runs that ran, as the rollup keeps them: a histogram whose element 0 counts runs under 1 ms and
 * element k (1 to 48) runs from 2^((k-1)/2) ms up to 2^(k/2) ms, the last one open-ended. A percentile is estimated
 * within its element, geometrically (durations spread evenly on a log scale), so it is off by at most the element's
 * width (41 %) and usually far less.
 */
public record Durations(long runs, Double p50Millis, Double p95Millis) {

    static final int SLOTS = 49;

    static Durations of(long[] histogram) {
        long[] counts = new long[SLOTS];
        long runs = 0;
        for (int i = 0; i < Math.min(SLOTS, histogram.length); i++) {
            counts[i] = Math.max(0, histogram[i]);
            runs += counts[i];
        }
        return new Durations(runs, percentile(counts, runs, 0.50), percentile(counts, runs, 0.95));
    }

    /** The {@code q} quantile of the histogram (null without runs), in ms, to a tenth. */
    static Double percentile(long[] counts, long runs, double q) {
        if (runs == 0) {
            return null;
        }
        double rank = q * runs;
        long below = 0;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0 && below + counts[k] >= rank) {
                double within = Math.max(0, Math.min(1, (rank - below) / counts[k]));
                double estimate;
                if (k == 0) {
                    estimate = within;
                } else {
                    double low = Math.pow(2, (k - 1) / 2.0);
                    estimate = k == counts.length - 1 ? low : low * Math.pow(Math.sqrt(2), within);
                }
                return Math.round(estimate * 10) / 10.0;
            }
            below += counts[k];
        }
        return null;
    }
}
