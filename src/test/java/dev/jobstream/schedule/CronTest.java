package dev.jobstream.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Cron expressions, aliases and time zones (daylight saving included), and the tick after a missed one. */
class CronTest {

    @Test
    void aFiveFieldExpressionFiresOnTheWallClockOfItsZone() {
        Cron cron = Cron.parse("30 8 * * 1-5", "Europe/Berlin");
        // Friday 2026-11-27 09:00 Berlin (08:00 UTC): next is Monday 08:30 Berlin = 07:30 UTC
        assertEquals(Instant.parse("2026-11-30T07:30:00Z"), cron.next(Instant.parse("2026-11-27T08:00:00Z")));
        assertEquals(List.of(Instant.parse("2026-11-30T07:30:00Z"), Instant.parse("2026-12-01T07:30:00Z")),
                cron.next(Instant.parse("2026-11-27T08:00:00Z"), 2));
    }

    @Test
    void aTimeSkippedByDaylightSavingDoesNotFireAndTheZoneOffsetFollowsTheSeason() {
        Cron cron = Cron.parse("30 2 * * *", "Europe/Berlin");
        // 2026-03-29 02:30 does not exist in Berlin (clocks go 02:00 -> 03:00)
        Instant next = cron.next(Instant.parse("2026-03-28T12:00:00Z"));
        assertTrue(next.equals(Instant.parse("2026-03-30T00:30:00Z")) || next.equals(Instant.parse(
                "2026-03-29T01:30:00Z")), next.toString());
        assertEquals(Instant.parse("2026-07-01T00:30:00Z"), cron.next(Instant.parse("2026-06-30T12:00:00Z")));
    }

    @Test
    void aliasesStandForTheirExpressions() {
        Instant at = Instant.parse("2026-11-30T10:15:00Z");
        assertEquals(Instant.parse("2026-11-30T11:00:00Z"), Cron.parse("@hourly", null).next(at));
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), Cron.parse("@daily", "UTC").next(at));
        assertEquals(Instant.parse("2026-12-06T00:00:00Z"), Cron.parse("@weekly", "UTC").next(at));
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), Cron.parse("@monthly", "UTC").next(at));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), Cron.parse("@yearly", "UTC").next(at));
        assertEquals(Instant.parse("2026-11-30T10:20:00Z"), Cron.parse("*/5 * * * *", "UTC").next(at));
    }

    @Test
    void badExpressionsAndZonesAreRefusedNamingTheField() {
        for (String bad : new String[]{"", "* * * *", "* * * * * *", "61 * * * *", "* 25 * * *", "@fortnightly",
                "every minute"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cron.parse(bad, "UTC"));
            assertTrue(e.getMessage().contains("'cron'"), bad + ": " + e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cron.parse("* * * * *", "Mars/Olympus"));
        assertTrue(e.getMessage().contains("'time_zone'"), e.getMessage());
        assertNull(Cron.parse("0 0 30 2 *", "UTC").next(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void theTickAfterMissedOnesIsTheFirstAfterNowAndAFutureTickIsFollowedByItsNext() {
        Instant now = Instant.parse("2026-11-30T10:15:30Z");
        Schedule missed = schedule("* * * * *", Instant.parse("2026-11-30T09:00:00Z"));
        assertEquals(Instant.parse("2026-11-30T10:16:00Z"), ScheduleService.nextTick(missed, now));
        Schedule onTime = schedule("*/10 * * * *", Instant.parse("2026-11-30T10:20:00Z"));
        assertEquals(Instant.parse("2026-11-30T10:30:00Z"), ScheduleService.nextTick(onTime, now));
    }

    private static Schedule schedule(String cron, Instant next) {
        return new Schedule(UUID.randomUUID(), "demo.sleep", UUID.randomUUID(), cron, "UTC", Map.of(), 0, true, next,
                null, null, "api", "test", next, next, List.of(), null, null, 0);
    }
}
