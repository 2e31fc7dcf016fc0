#include "pseudonym_run.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpr.h"
#include "hmac_sha256.h"

/* A record's `value`: the ten CPR digits as a number (below 2^34), or for any other value its
 * offset in the arena (which holds a 4-byte length, then the bytes) with IN_ARENA set. */
#define IN_ARENA (1ULL << 63)
#define VALUE_BITS (IN_ARENA - 1)

#ifdef KLARSYN_TEST_WEAK_PSEUDONYMS
/* Test builds only (see build.sh): pseudonyms keep one byte, so distinct values soon share one and
 * the fail-closed check can be seen to work. */
#define WEAKEN(pseudonym) memset((pseudonym) + 1, 0, PSEUDONYM_BYTES - 1)
#else
#define WEAKEN(pseudonym) ((void)0)
#endif

typedef struct {
	/* The pseudonym's first 8 bytes: equal pseudonyms sort together by it. */
	uint64_t prefix;
	uint64_t value;
} record;

struct pseudonym_run {
	hmac_sha256_key hmac;
	uint8_t key_check[32];
	uint8_t tag[64];
	size_t tag_length;
	int cpr;
	pthread_mutex_t lock;
	record *records;
	size_t count;
	size_t capacity;
	uint8_t *arena;
	size_t arena_used;
	size_t arena_size;
};

/* A fingerprint of the key, so a run is found again by key without keeping a second copy of it. */
static void key_fingerprint(const uint8_t *key, size_t key_length, uint8_t out[32]) {
	hmac_sha256_key k;
	static const uint8_t label[] = "klarsyn:pseudonym-run";
	hmac_sha256_init(&k, key, key_length);
	hmac_sha256(&k, label, sizeof label - 1, NULL, 0, out, 32);
	explicit_bzero(&k, sizeof k);
}

pseudonym_run *pseudonym_run_create(const uint8_t *key, size_t key_length, const uint8_t *tag, size_t tag_length,
                                    int cpr) {
	if (tag_length > sizeof((pseudonym_run *)0)->tag) return NULL;
	pseudonym_run *run = calloc(1, sizeof *run);
	if (!run) return NULL;
	hmac_sha256_init(&run->hmac, key, key_length);
	key_fingerprint(key, key_length, run->key_check);
	memcpy(run->tag, tag, tag_length);
	run->tag_length = tag_length;
	run->cpr = cpr;
	pthread_mutex_init(&run->lock, NULL);
	return run;
}

int pseudonym_run_is_for(const pseudonym_run *run, const uint8_t *key, size_t key_length, const uint8_t *tag,
                         size_t tag_length, int cpr) {
	uint8_t check[32];
	key_fingerprint(key, key_length, check);
	return run->cpr == cpr && run->tag_length == tag_length && memcmp(run->tag, tag, tag_length) == 0 &&
	       memcmp(run->key_check, check, 32) == 0;
}

/* Grows `*buffer` (of `*size` bytes) to hold at least `need`, wiping the old copy; 0 or -1. */
static int reserve(void **buffer, size_t *size, size_t need) {
	if (need <= *size) return 0;
	size_t grown = *size ? *size : 1 << 16;
	while (grown < need) grown *= 2;
	void *bigger = malloc(grown);
	if (!bigger) return -1;
	if (*buffer) {
		memcpy(bigger, *buffer, *size);
		explicit_bzero(*buffer, *size);
		free(*buffer);
	}
	*buffer = bigger;
	*size = grown;
	return 0;
}

/* The ten digits of a normalised CPR number as a number. */
static uint64_t digits_value(const uint8_t digits[10]) {
	uint64_t n = 0;
	for (int d = 0; d < 10; d++) n = n * 10 + (uint64_t)(digits[d] - '0');
	return n;
}

int pseudonym_run_pseudonymise(pseudonym_run *run, const uint8_t *const *values, const size_t *lengths, size_t count,
                               uint8_t (*out)[PSEUDONYM_BYTES]) {
	record *records = malloc(count * sizeof *records);
	if (!records) return RUN_OUT_OF_MEMORY;
	size_t text_bytes = 0;
	for (size_t i = 0; i < count; i++) {
		uint8_t digits[10];
		int shaped = run->cpr && cpr_normalise(values[i], lengths[i], digits);
		const uint8_t *bytes = shaped ? digits : values[i];
		size_t length = shaped ? 10 : lengths[i];
		hmac_sha256(&run->hmac, run->tag, run->tag_length, bytes, length, out[i], PSEUDONYM_BYTES);
		WEAKEN(out[i]);
		memcpy(&records[i].prefix, out[i], 8);
		/* Text values get their arena offset below, under the lock. */
		records[i].value = shaped ? digits_value(digits) : IN_ARENA | length;
		if (!shaped) text_bytes += 4 + length;
		explicit_bzero(digits, sizeof digits);
	}
	int result = RUN_OK;
	pthread_mutex_lock(&run->lock);
	size_t records_size = run->capacity * sizeof(record);
	if (reserve((void **)&run->records, &records_size, (run->count + count) * sizeof(record)) != 0 ||
	    reserve((void **)&run->arena, &run->arena_size, run->arena_used + text_bytes) != 0) {
		result = RUN_OUT_OF_MEMORY;
	} else {
		run->capacity = records_size / sizeof(record);
		for (size_t i = 0; i < count; i++) {
			record r = records[i];
			if (r.value & IN_ARENA) {
				uint32_t length = (uint32_t)(r.value & 0xffffffffu);
				memcpy(run->arena + run->arena_used, &length, 4);
				memcpy(run->arena + run->arena_used + 4, values[i], length);
				r.value = IN_ARENA | run->arena_used;
				run->arena_used += 4 + length;
			}
			run->records[run->count++] = r;
		}
	}
	pthread_mutex_unlock(&run->lock);
	explicit_bzero(records, count * sizeof *records);
	free(records);
	return result;
}

/* Orders records by prefix, then by value (CPR numbers before text, text by its bytes), so equal
 * values lie together and a pseudonym shared by two values shows as one prefix with two values. */
static int compare_values(const uint8_t *arena, uint64_t a, uint64_t b) {
	if ((a & IN_ARENA) != (b & IN_ARENA)) return (a & IN_ARENA) ? 1 : -1;
	if (!(a & IN_ARENA)) return (a & VALUE_BITS) < (b & VALUE_BITS) ? -1 : (a & VALUE_BITS) > (b & VALUE_BITS);
	const uint8_t *x = arena + (a & VALUE_BITS), *y = arena + (b & VALUE_BITS);
	uint32_t xl, yl;
	memcpy(&xl, x, 4);
	memcpy(&yl, y, 4);
	int c = memcmp(x + 4, y + 4, xl < yl ? xl : yl);
	return c ? c : (xl > yl) - (xl < yl);
}

static int compare_records(const void *pa, const void *pb, void *arena) {
	const record *a = pa, *b = pb;
	if (a->prefix != b->prefix) return a->prefix < b->prefix ? -1 : 1;
	return compare_values(arena, a->value, b->value);
}

static void digits_of(uint64_t n, uint8_t digits[10]) {
	for (int d = 9; d >= 0; d--, n /= 10) digits[d] = (uint8_t)('0' + n % 10);
}

/* The full pseudonym of a recorded value, computed again. */
static void pseudonym_of(const pseudonym_run *run, uint64_t value, uint8_t out[PSEUDONYM_BYTES]) {
	uint8_t digits[10];
	const uint8_t *bytes = digits;
	size_t length = 10;
	if (value & IN_ARENA) {
		uint32_t l;
		memcpy(&l, run->arena + (value & VALUE_BITS), 4);
		bytes = run->arena + (value & VALUE_BITS) + 4;
		length = l;
	} else {
		digits_of(value, digits);
	}
	hmac_sha256(&run->hmac, run->tag, run->tag_length, bytes, length, out, PSEUDONYM_BYTES);
	WEAKEN(out);
	explicit_bzero(digits, sizeof digits);
}

/* Counts a distinct value; with a CPR key, by its status (values not shaped like one are invalid). */
static void count_value(const pseudonym_run *run, uint64_t value, pseudonym_stats *stats) {
	stats->distinct++;
	if (!run->cpr) return;
	if (value & IN_ARENA) {
		stats->cpr[CPR_INVALID]++;
		return;
	}
	uint8_t digits[10];
	digits_of(value, digits);
	stats->cpr[cpr_status_of_digits(digits)]++;
	explicit_bzero(digits, sizeof digits);
}

/* Distinct values within one prefix; RUN_COLLISION if two of them have the same full pseudonym
 * (a prefix shared by different pseudonyms is merely unlikely, not wrong). */
static int check_prefix(const pseudonym_run *run, const record *group, size_t n, pseudonym_stats *stats) {
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && compare_values(run->arena, group[i].value, group[i - 1].value) == 0) continue;
		count_value(run, group[i].value, stats);
		if (i == 0) continue;
		uint8_t mine[PSEUDONYM_BYTES], other[PSEUDONYM_BYTES];
		pseudonym_of(run, group[i].value, mine);
		for (size_t j = 0; j < i; j++) {
			if (j > 0 && compare_values(run->arena, group[j].value, group[j - 1].value) == 0) continue;
			pseudonym_of(run, group[j].value, other);
			if (memcmp(mine, other, PSEUDONYM_BYTES) == 0) return RUN_COLLISION;
		}
	}
	return RUN_OK;
}

int pseudonym_run_finish(pseudonym_run *run, pseudonym_stats *stats) {
	memset(stats, 0, sizeof *stats);
	pthread_mutex_lock(&run->lock);
	size_t n = run->count;
	/* Bucket by the prefix's top 16 bits, then sort each small bucket. */
	record *sorted = malloc((n ? n : 1) * sizeof *sorted);
	size_t *starts = calloc(65537, sizeof *starts);
	int result = sorted && starts ? RUN_OK : RUN_OUT_OF_MEMORY;
	if (result == RUN_OK) {
		for (size_t i = 0; i < n; i++) starts[(run->records[i].prefix >> 48) + 1]++;
		for (size_t b = 1; b <= 65536; b++) starts[b] += starts[b - 1];
		for (size_t i = 0; i < n; i++) sorted[starts[run->records[i].prefix >> 48]++] = run->records[i];
		for (size_t b = 0, from = 0; b < 65536; b++) {
			qsort_r(sorted + from, starts[b] - from, sizeof *sorted, compare_records, run->arena);
			from = starts[b];
		}
		for (size_t i = 0, j; result == RUN_OK && i < n; i = j) {
			for (j = i + 1; j < n && sorted[j].prefix == sorted[i].prefix;) j++;
			result = check_prefix(run, sorted + i, j - i, stats);
		}
	}
	if (sorted) explicit_bzero(sorted, n * sizeof *sorted);
	free(sorted);
	free(starts);
	pthread_mutex_unlock(&run->lock);
	return result;
}

void pseudonym_run_destroy(pseudonym_run *run) {
	if (!run) return;
	if (run->records) explicit_bzero(run->records, run->capacity * sizeof(record));
	free(run->records);
	if (run->arena) explicit_bzero(run->arena, run->arena_used);
	free(run->arena);
	pthread_mutex_destroy(&run->lock);
	explicit_bzero(run, sizeof *run);
	free(run);
}
