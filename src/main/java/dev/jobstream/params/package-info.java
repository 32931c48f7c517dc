/**
 * What a job accepts as params: a JSON Schema (2020-12), declared by the job or derived from its typed
 * {@link dev.jobstream.spi.JobParam}s, and the bounds every params object keeps whatever its schema (size, depth, no
 * NUL, no unpaired surrogate, finite numbers). Validation answers every {@link Violation}, each with a JSON pointer
 * into the params. A leaf: it depends on the job SPI alone.
 */
package dev.jobstream.params;
