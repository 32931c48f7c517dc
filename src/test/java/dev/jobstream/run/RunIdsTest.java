package dev.jobstream.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RunIdsTest {

    @Test
    void anIdIsAVersion7UuidThatStartsWithItsMillisecond() {
        long at = 1_795_000_000_123L;
        UUID id = RunIds.next(at);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(at, id.getMostSignificantBits() >>> 16);
        assertTrue(id.toString().startsWith(String.format("%08x-%04x-7", at >>> 16, at & 0xFFFF)), id.toString());
    }

    @Test
    void idsOfLaterMillisecondsSortAfterAndIdsOfOneMillisecondDiffer() {
        Set<UUID> seen = new HashSet<>();
        UUID before = RunIds.next(1_000);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(RunIds.next(2_000)), "74 random bits: no two ids of one millisecond alike");
        }
        UUID after = RunIds.next(3_000);
        for (UUID id : seen) {
            assertTrue(before.compareTo(id) < 0 && id.compareTo(after) < 0, id.toString());
            // PostgreSQL orders uuids by their bytes, unsigned: the same order here for positive time stamps
            assertTrue(before.toString().compareTo(id.toString()) < 0 && id.toString().compareTo(after.toString()) < 0);
        }
    }
}
