package dev.jobstream.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every duration format the docs promise, as configuration takes them too, within the bound the API holds. */
class JobParamTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"90d, PT2160H", "12h, PT12H", "30m, PT30M", "45s, PT45S", "500ms, PT0.5S", "200ms, PT0.2S",
            "0s, PT0S", "PT30M, PT30M", "P1D, PT24H", "36500d, PT876000H"})
    void aDurationInEveryPromisedFormatIsRead(String text, Duration expected) {
        assertEquals(expected, JobParam.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5x", "-5s", "-PT1S", "1.5h", "36501d", "PT99999999999999999S",
            "PT9223372036854775807S", "P106751991167300D", "9999999999999ms0", "ms"})
    void anythingElseIsRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> JobParam.parseDuration(text));
    }
}
