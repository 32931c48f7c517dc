package dev.jobstream.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RateLimit;
import io.smallrye.mutiny.Uni;

/** Jobs with limits, for {@link LimitsTest}: their runs take a {@code customer} param, and some run until stopped. */
final class LimitedJobs {

    private LimitedJobs() {
    }

    /** Two starts per customer an hour; completes at once. */
    @Singleton
    static class Rated extends Limited {
        Rated() {
            super("test.rated", JobLimits.NONE.byKey("/customer").withRatePerKey(RateLimit.of(2, Duration.ofHours(1))));
        }

        @Override
        public Uni<Map<String, Object>> run(JobContext context) {
            return Uni.createFrom().item(Map.of());
        }
    }

    /** At most two runs per workspace at once, the others queued; runs until stopped. */
    @Singleton
    static class Keyed extends Limited {
        Keyed() {
            super("test.keyed", JobLimits.NONE.byKey(JobLimits.WORKSPACE).withMaxActivePerKey(2,
                    JobLimits.KeyBusy.QUEUE));
        }
    }

    /** One run per customer at a time, another refused; runs until stopped. */
    @Singleton
    static class Refusing extends Limited {
        Refusing() {
            super("test.refusing", JobLimits.NONE.byKey("/customer").withMaxActivePerKey(1,
                    JobLimits.KeyBusy.REFUSE));
        }
    }

    abstract static class Limited implements JobHandler {
        private final String name;
        private final JobLimits limits;

        Limited(String name, JobLimits limits) {
            this.name = name;
            this.limits = limits;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean exclusive() {
            return false;
        }

        @Override
        public JobLimits limits() {
            return limits;
        }

        @Override
        public List<JobParam> params() {
            return List.of(JobParam.string("customer", "", "who the run is for"));
        }

        @Override
        public Uni<Map<String, Object>> run(JobContext context) {
            return loop(context);
        }

        private static Uni<Map<String, Object>> loop(JobContext context) {
            return context.checkpoint().onItem().delayIt().by(Duration.ofMillis(50)).flatMap(v -> loop(context));
        }
    }
}
