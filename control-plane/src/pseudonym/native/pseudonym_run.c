#include "pseudonym_run.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpr.h"
#include "hmac_sha256.h"

/* A record's `value`: for a CPR number, the ten digits as a number (below 2^34) and its status in
 * bits 60-61; for any other value, IN_ARENA and its offset in the arena (which holds a 4-byte
 * length, then the bytes). */
#define IN_ARENA (1ULL << 63)
#define VALUE_BITS (IN_ARENA - 1)
#define STATUS_SHIFT 60
#define NUMBER_BITS ((1ULL << 34) - 1)

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

/* Records are kept in buckets by twelve bits of their prefix: few enough to append to in cache,
 * many enough that the final check sorts each one in cache (prefixes are HMAC output, so spread
 * evenly). Buckets are sorted and checked in parallel. */
enum { TOP_BITS = 12, NEXT_BITS = 8, TOP_BUCKETS = 1 << TOP_BITS, MAX_PARTS = 8 };

typedef struct {
	record *items;
	size_t count;
	size_t size;
} record_bucket;

struct pseudonym_run {
	hmac_sha256_key hmac;
	uint8_t key_check[32];
	uint8_t tag[64];
	size_t tag_length;
	int cpr;
	pthread_mutex_t lock;
	/* Records in arrival order, bucketed by their prefix's top bits so the check sorts in cache. */
	record_bucket buckets[TOP_BUCKETS];
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
	size_t grown = *size ? *size : 256;
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
		records[i].value = shaped ? digits_value(digits) | (uint64_t)cpr_status_of_digits(digits) << STATUS_SHIFT
		                          : IN_ARENA | length;
		if (!shaped) text_bytes += 4 + length;
		explicit_bzero(digits, sizeof digits);
	}
	int result = RUN_OK;
	pthread_mutex_lock(&run->lock);
	if (reserve((void **)&run->arena, &run->arena_size, run->arena_used + text_bytes) != 0) result = RUN_OUT_OF_MEMORY;
	for (size_t i = 0; result == RUN_OK && i < count; i++) {
		record r = records[i];
		record_bucket *bucket = &run->buckets[r.prefix >> (64 - TOP_BITS)];
		if (reserve((void **)&bucket->items, &bucket->size, (bucket->count + 1) * sizeof(record)) != 0) {
			result = RUN_OUT_OF_MEMORY;
			break;
		}
		if (r.value & IN_ARENA) {
			uint32_t length = (uint32_t)(r.value & 0xffffffffu);
			memcpy(run->arena + run->arena_used, &length, 4);
			memcpy(run->arena + run->arena_used + 4, values[i], length);
			r.value = IN_ARENA | run->arena_used;
			run->arena_used += 4 + length;
		}
		bucket->items[bucket->count++] = r;
	}
	pthread_mutex_unlock(&run->lock);
	explicit_bzero(records, count * sizeof *records);
	free(records);
	return result;
}

/* 0 when two recorded values are the same value (CPR numbers by number, text by its bytes). */
static int compare_values(const uint8_t *arena, uint64_t a, uint64_t b) {
	if ((a & IN_ARENA) != (b & IN_ARENA)) return 1;
	if (!(a & IN_ARENA)) return a != b;
	const uint8_t *x = arena + (a & VALUE_BITS), *y = arena + (b & VALUE_BITS);
	uint32_t xl, yl;
	memcpy(&xl, x, 4);
	memcpy(&yl, y, 4);
	return xl != yl || memcmp(x + 4, y + 4, xl) != 0;
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
		digits_of(value & NUMBER_BITS, digits);
	}
	hmac_sha256(&run->hmac, run->tag, run->tag_length, bytes, length, out, PSEUDONYM_BYTES);
	WEAKEN(out);
	explicit_bzero(digits, sizeof digits);
}

/* Counts a distinct value; with a CPR key, by its status (values not shaped like one are invalid). */
static void count_value(const pseudonym_run *run, uint64_t value, pseudonym_stats *stats) {
	stats->distinct++;
	if (run->cpr) stats->cpr[(value & IN_ARENA) ? CPR_INVALID : (value >> STATUS_SHIFT) & 3]++;
}

/* Counts the distinct values among records sharing one prefix (a value met again, or, rarely,
 * different pseudonyms agreeing in 8 bytes); RUN_COLLISION if two distinct values have the same
 * full pseudonym. */
static int check_prefix(const pseudonym_run *run, const record *group, size_t n, pseudonym_stats *stats) {
	for (size_t i = 0; i < n; i++) {
		int first = 1;
		for (size_t j = 0; j < i && first; j++) first = compare_values(run->arena, group[i].value, group[j].value) != 0;
		if (!first) continue;
		count_value(run, group[i].value, stats);
		if (i == 0) continue;
		uint8_t mine[PSEUDONYM_BYTES], other[PSEUDONYM_BYTES];
		pseudonym_of(run, group[i].value, mine);
		for (size_t j = 0; j < i; j++) {
			pseudonym_of(run, group[j].value, other);
			if (memcmp(mine, other, PSEUDONYM_BYTES) == 0) return RUN_COLLISION;
		}
	}
	return RUN_OK;
}

/* Counting sort of `n` records by `bits` bits of the prefix from `shift`; `starts` gets bucket ends. */
static void scatter(const record *from, size_t n, record *to, int shift, int bits, size_t *starts) {
	size_t buckets = (size_t)1 << bits;
	memset(starts, 0, (buckets + 1) * sizeof *starts);
	for (size_t i = 0; i < n; i++) starts[((from[i].prefix >> shift) & (buckets - 1)) + 1]++;
	for (size_t b = 1; b <= buckets; b++) starts[b] += starts[b - 1];
	for (size_t i = 0; i < n; i++) to[starts[(from[i].prefix >> shift) & (buckets - 1)]++] = from[i];
}

typedef struct {
	const pseudonym_run *run;
	size_t first_bucket;
	size_t end_bucket;
	pseudonym_stats stats;
	int result;
} finish_part;

/* Sorts each bucket of the part by prefix (eight more bits, then insertion sort of the few left
 * together) and checks every group of records sharing a prefix. */
static void *finish_buckets(void *arg) {
	finish_part *part = arg;
	size_t largest = 0;
	for (size_t b = part->first_bucket; b < part->end_bucket; b++)
		if (part->run->buckets[b].count > largest) largest = part->run->buckets[b].count;
	record *sorted = malloc((largest ? largest : 1) * sizeof *sorted);
	if (!sorted) {
		part->result = RUN_OUT_OF_MEMORY;
		return NULL;
	}
	size_t next[(1 << NEXT_BITS) + 1];
	for (size_t b = part->first_bucket; part->result == RUN_OK && b < part->end_bucket; b++) {
		const record_bucket *bucket = &part->run->buckets[b];
		size_t n = bucket->count;
		scatter(bucket->items, n, sorted, 64 - TOP_BITS - NEXT_BITS, NEXT_BITS, next);
		for (size_t i = 1; i < n; i++) {
			record r = sorted[i];
			size_t j = i;
			for (; j > 0 && sorted[j - 1].prefix > r.prefix; j--) sorted[j] = sorted[j - 1];
			sorted[j] = r;
		}
		for (size_t i = 0, j; part->result == RUN_OK && i < n; i = j) {
			for (j = i + 1; j < n && sorted[j].prefix == sorted[i].prefix;) j++;
			part->result = check_prefix(part->run, sorted + i, j - i, &part->stats);
		}
	}
	explicit_bzero(sorted, largest * sizeof *sorted);
	free(sorted);
	return NULL;
}

int pseudonym_run_finish(pseudonym_run *run, pseudonym_stats *stats) {
	memset(stats, 0, sizeof *stats);
	pthread_mutex_lock(&run->lock);
	size_t n = 0;
	for (size_t b = 0; b < TOP_BUCKETS; b++) n += run->buckets[b].count;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t parts = n < 100000 || cpus < 2 ? 1 : (size_t)(cpus < MAX_PARTS ? cpus : MAX_PARTS);
	finish_part part[MAX_PARTS];
	pthread_t threads[MAX_PARTS];
	int started[MAX_PARTS] = {0};
	for (size_t p = 0; p < parts; p++) {
		part[p] = (finish_part){run, TOP_BUCKETS * p / parts, TOP_BUCKETS * (p + 1) / parts, {0}, RUN_OK};
		/* The last part runs on this thread, as does one that cannot get a thread of its own. */
		if (p + 1 < parts) started[p] = pthread_create(&threads[p], NULL, finish_buckets, &part[p]) == 0;
	}
	int result = RUN_OK;
	for (size_t p = 0; p < parts; p++) {
		if (started[p]) pthread_join(threads[p], NULL);
		else finish_buckets(&part[p]);
		if (result == RUN_OK) result = part[p].result;
		stats->distinct += part[p].stats.distinct;
		for (int i = 0; i < 3; i++) stats->cpr[i] += part[p].stats.cpr[i];
	}
	pthread_mutex_unlock(&run->lock);
	return result;
}

void pseudonym_run_destroy(pseudonym_run *run) {
	if (!run) return;
	for (size_t b = 0; b < TOP_BUCKETS; b++) {
		if (run->buckets[b].items) explicit_bzero(run->buckets[b].items, run->buckets[b].size);
		free(run->buckets[b].items);
	}
	if (run->arena) explicit_bzero(run->arena, run->arena_used);
	free(run->arena);
	pthread_mutex_destroy(&run->lock);
	explicit_bzero(run, sizeof *run);
	free(run);
}
