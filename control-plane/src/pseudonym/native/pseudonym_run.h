/* One pseudonymisation run under one key: pseudonyms are computed as rows arrive, and which value
 * got which pseudonym is recorded in arrival order (no lookups while DuckDB's threads stream rows).
 * Finishing the run sorts that record and fails closed if two distinct values got the same
 * pseudonym, so distinct values and distinct pseudonyms always agree before any output is used.
 * Safe to use from several threads at once. */
#ifndef KLARSYN_PSEUDONYM_RUN_H
#define KLARSYN_PSEUDONYM_RUN_H

#include <stddef.h>
#include <stdint.h>

#define PSEUDONYM_BYTES 16

typedef struct pseudonym_run pseudonym_run;

typedef struct {
	uint64_t distinct;
	/* Distinct values per CPR status (valid, valid without modulus 11, invalid); zero unless CPR. */
	uint64_t cpr[3];
} pseudonym_stats;

enum { RUN_OK = 0, RUN_COLLISION = -1, RUN_OUT_OF_MEMORY = -2 };

/* `cpr`: values are CPR numbers, normalised before hashing and classified. NULL when out of memory. */
pseudonym_run *pseudonym_run_create(const uint8_t *key, size_t key_length, const uint8_t *tag, size_t tag_length,
                                    int cpr);
/* A fingerprint of a key, so a run is found again by its key without a second copy of the key
 * being kept. */
#define PSEUDONYM_RUN_FINGERPRINT 32
void pseudonym_run_key_fingerprint(const uint8_t *key, size_t key_length, uint8_t out[PSEUDONYM_RUN_FINGERPRINT]);
/* 1 when the run was made with the key of this fingerprint, this tag and mode. */
int pseudonym_run_is_for(const pseudonym_run *run, const uint8_t fingerprint[PSEUDONYM_RUN_FINGERPRINT],
                         const uint8_t *tag, size_t tag_length, int cpr);
/* The pseudonyms of `count` values into `out`, recorded for the check. RUN_OK or RUN_OUT_OF_MEMORY. */
int pseudonym_run_pseudonymise(pseudonym_run *run, const uint8_t *const *values, const size_t *lengths, size_t count,
                               uint8_t (*out)[PSEUDONYM_BYTES]);
/* Checks every value recorded and counts them: RUN_OK, RUN_COLLISION or RUN_OUT_OF_MEMORY. */
int pseudonym_run_finish(pseudonym_run *run, pseudonym_stats *stats);
/* Overwrites the key and everything recorded, then frees. */
void pseudonym_run_destroy(pseudonym_run *run);

#endif
