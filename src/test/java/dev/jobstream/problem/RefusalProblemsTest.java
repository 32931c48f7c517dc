package dev.jobstream.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.refusal.TooMany;
import dev.jobstream.refusal.Unavailable;

/** Each kind of refusal is answered with its problem: status, title, detail, members and headers. */
class RefusalProblemsTest {

    private static final List<Refusal> ONE_OF_EACH = List.of(new Invalid("bad"), new Forbidden("not yours"),
            new NotFound("none"), new Conflict("taken"), new TooMany("enough", Duration.ofSeconds(2)),
            new Unavailable("later", Duration.ofSeconds(1)));

    @Test
    void everyKindOfRefusalHasItsProblem() {
        Set<Class<?>> kinds = kinds(Refusal.class).collect(Collectors.toSet());
        assertEquals(kinds, ONE_OF_EACH.stream().map(Object::getClass).collect(Collectors.toSet()));
        assertEquals(List.of(400, 403, 404, 409, 429, 503),
                ONE_OF_EACH.stream().map(refusal -> ApiException.from(refusal).status()).toList());
        assertEquals(List.of("Bad Request", "Forbidden", "Not Found", "Conflict", "Too Many Requests",
                "Service Unavailable"),
                ONE_OF_EACH.stream().map(refusal -> ApiException.from(refusal).title()).toList());
        ONE_OF_EACH.forEach(refusal -> assertEquals(refusal.getMessage(), ApiException.from(refusal).getMessage()));
    }

    /** The classes a refusal can be of: the permitted subclasses of {@code type} and of theirs, down to the last. */
    private static Stream<Class<?>> kinds(Class<?> type) {
        return type.isSealed()
                ? Arrays.stream(type.getPermittedSubclasses()).flatMap(RefusalProblemsTest::kinds)
                : Stream.of(type);
    }

    @Test
    void anInvalidInputNamesEachViolationInErrors() {
        ApiException problem = ApiException.from(new Invalid("Params of job 'x': /n must be an integer",
                List.of(new Invalid.Violation("/n", "must be an integer"), new Invalid.Violation("", "too many"))));
        assertEquals(Map.of("errors", List.of(Map.of("pointer", "/n", "message", "must be an integer"),
                Map.of("pointer", "", "message", "too many"))), problem.extensions());
        assertEquals(Map.of(), ApiException.from(new Invalid("bad")).extensions());
    }

    @Test
    void aConflictCarriesItsFactsInOrderNullsKept() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("lock_acquired", false);
        facts.put("reason", "already_running");
        facts.put("active_run_id", null);
        ApiException problem = ApiException.from(new Conflict("Job 'x' is already running", facts));
        assertEquals(List.of("lock_acquired", "reason", "active_run_id"), List.copyOf(problem.extensions().keySet()));
        assertEquals(facts, problem.extensions());
    }

    @Test
    void tooManyAndUnavailableSayWhenToRetry() {
        assertEquals(Map.of("Retry-After", "2"),
                ApiException.from(new TooMany("enough", Duration.ofSeconds(2))).headers());
        assertEquals(Map.of("Retry-After", "1"),
                ApiException.from(new Unavailable("later", Duration.ofSeconds(1))).headers());
        assertEquals(Map.of(), ApiException.from(new NotFound("none")).headers());
    }

    @Test
    void aProblemOfABatchItemIsPrefixedAndKeepsItsErrors() {
        ApiException problem = ApiException.from(new Invalid("bad", List.of(new Invalid.Violation("/a", "no"))))
                .prefixed("runs[3]: ");
        assertEquals("runs[3]: bad", problem.getMessage());
        assertEquals(400, problem.status());
        assertEquals(Map.of("errors", List.of(Map.of("pointer", "/a", "message", "no"))), problem.extensions());
    }
}
